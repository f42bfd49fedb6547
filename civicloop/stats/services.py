"""Maintaining the daily counters.

Each app declares its counter sources in `<app>/counters.py` (civicloop/core/counters.py): a pure
*contribution* function says which counters a row adds to (metric, unit path, day, dimension → amount). The
services that change a row call `track` around the change (or `counters_add_row` for append-only rows); the
difference between the row's contribution before and after is added to the counters in the same transaction
(`counters_apply`, registered as core's counter writer). `counters_recount` streams every registered source's
rows through the same functions, so the incremental path and the full recount can only disagree if a service
forgot to track — which is what `manage.py stats_counters --check` and the tests catch.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.db import connection, transaction
from django.db.models import Sum

from civicloop.core.counters import SOURCES, Contribution, Key
from civicloop.core.hot import hot_invalidate
from civicloop.stats.models import Counter as CounterView
from civicloop.stats.models import CounterDelta, DailyCount

# --- writing -------------------------------------------------------------------------------------------------


STEP = 4  # treebeard's steplen for Unit paths


MONTHLY = "/m"  # suffix of the month-grain totals: metric + MONTHLY, day = the 1st, dim = ALL
ALL = "*"


def rolled_up(contribution: Contribution) -> Contribution:
    """Each amount counted at its own unit and at every unit above it, so reading a subtree is reading one row
    set (unit_path = X) however big the subtree is — the province's root reads no more rows than a station.
    Each also adds to a month-grain total (all dimensions together) that tables by child unit and by month
    read when the period is whole months, so a province's 250 children cost 250 × 12 rows per metric."""
    out: Contribution = Counter()
    for (metric, path, day, dim), amount in contribution.items():
        month = day.replace(day=1)
        for end in range(STEP, len(path) + 1, STEP):
            out[metric, path[:end], day, dim] += amount
            out[metric + MONTHLY, path[:end], month, ALL] += amount
    return out


def counters_apply(delta: Contribution) -> None:
    """Append each non-zero amount (rolled up the tree) to the insert-only delta table, in one statement.

    An insert never waits for another transaction's row lock, so simultaneous moves in one district (which all
    add to the district root's counters) no longer queue behind each other until commit, as the former
    `INSERT … ON CONFLICT DO UPDATE` on `DailyCount` made them. `counters_fold` later adds the deltas into
    `DailyCount`; readers see both through the `Counter` view, so the figures are exact at every moment.
    """
    rows = [CounterDelta(metric=m, unit_path=p, day=d, dim=dim, value=v) for (m, p, d, dim), v in
            sorted(rolled_up(delta).items()) if v]  # fmt: skip
    if rows:
        CounterDelta.objects.bulk_create(rows, batch_size=500)
        # the dashboard reads folded rows plus this tail at once: cached figures of these units are stale now
        hot_invalidate(r.unit_path for r in rows)


def _upsert(rows: list[tuple[Key, int]]) -> None:
    """Add amounts to `DailyCount` rows (`INSERT … ON CONFLICT … DO UPDATE`, SQLite 3.24+ and PostgreSQL)."""
    table = connection.ops.quote_name(DailyCount._meta.db_table)
    for start in range(0, len(rows), 200):
        chunk = rows[start : start + 200]
        values = ", ".join(["(%s, %s, %s, %s, %s)"] * len(chunk))
        params: list[Any] = []
        for (metric, path, day, dim), amount in chunk:
            params += [metric, path, day, dim, amount]
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (metric, unit_path, day, dim, value) VALUES {values} "
                f"ON CONFLICT (metric, unit_path, day, dim) DO UPDATE SET value = {table}.value + excluded.value",
                params,
            )


FOLD_BATCH = 20000
FOLD_LOCK = 0x5717C0  # PostgreSQL advisory lock key: one fold at a time


def counters_fold(limit: int = FOLD_BATCH) -> int:
    """Periodic job: move up to `limit` deltas into `DailyCount` (summed per key). Returns how many were folded.

    The deltas folded are exactly the ones deleted: on PostgreSQL one statement deletes them (RETURNING) and
    upserts their sums, so a delta committed meanwhile is either in it or left for the next fold, and a reader
    (one statement over the view) sees the counters before or after, never both or neither. On SQLite the
    transaction holds the only write lock, so nothing can be added between the read and the delete.
    """
    delta = connection.ops.quote_name(CounterDelta._meta.db_table)
    table = connection.ops.quote_name(DailyCount._meta.db_table)
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [FOLD_LOCK])
            if not cursor.fetchone()[0]:
                return 0  # another worker is folding
            cursor.execute(
                f"WITH gone AS (DELETE FROM {delta} WHERE id IN (SELECT id FROM {delta} ORDER BY id LIMIT %s) "
                f"RETURNING metric, unit_path, day, dim, value), "
                f"summed AS (SELECT metric, unit_path, day, dim, SUM(value) AS value, COUNT(*) AS n FROM gone "
                f"GROUP BY metric, unit_path, day, dim), "
                f"applied AS (INSERT INTO {table} (metric, unit_path, day, dim, value) "
                f"SELECT metric, unit_path, day, dim, value FROM summed ORDER BY metric, unit_path, day, dim "
                f"ON CONFLICT (metric, unit_path, day, dim) DO UPDATE SET value = {table}.value + excluded.value "
                f"RETURNING 1) "
                f"SELECT COALESCE(SUM(n), 0) FROM summed",
                [limit],
            )
            return int(cursor.fetchone()[0])
        cursor.execute(f"SELECT id FROM {delta} ORDER BY id LIMIT 1 OFFSET %s", [max(limit - 1, 0)])
        last = cursor.fetchone()
        cursor.execute(f"SELECT MAX(id) FROM {delta}")
        top = cursor.fetchone()[0]
        if top is None:
            return 0
        upto = last[0] if last else top
        cursor.execute(
            f"SELECT metric, unit_path, day, dim, SUM(value), COUNT(*) FROM {delta} WHERE id <= %s "
            f"GROUP BY metric, unit_path, day, dim ORDER BY metric, unit_path, day, dim",
            [upto],
        )
        found = cursor.fetchall()
        day = DailyCount._meta.get_field("day")
        _upsert([((m, p, day.to_python(d), dim), int(v)) for m, p, d, dim, v, _n in found if int(v)])
        cursor.execute(f"DELETE FROM {delta} WHERE id <= %s", [upto])
        return sum(int(n) for *_key, n in found)


# --- recount -------------------------------------------------------------------------------------------------


def counters_recount() -> Contribution:
    """Every counter computed afresh from the source tables."""
    total: Contribution = Counter()
    for source in SOURCES.values():
        for row in source.rows():
            total.update(source.contribution(dict(row)))
    return Counter({k: v for k, v in rolled_up(total).items() if v})


def counters_stored() -> Contribution:
    """Every counter as the dashboards read it: folded rows plus unfolded deltas (the `Counter` view)."""
    return Counter(
        {
            (m, p, d, dim): v
            for m, p, d, dim, v in CounterView.objects.values_list("metric", "unit_path", "day", "dim")
            .annotate(v=Sum("value"))
            .order_by()
            .values_list("metric", "unit_path", "day", "dim", "v")
            .iterator(chunk_size=20000)
            if v
        }
    )


def counters_mismatches(limit: int = 20) -> list[tuple[Key, int, int]]:
    """(key, stored, recounted) for every counter that differs; empty when the counters are right."""
    stored, fresh = counters_stored(), counters_recount()
    diff = [
        (k, stored.get(k, 0), fresh.get(k, 0))
        for k in set(stored) | set(fresh)
        if stored.get(k, 0) != fresh.get(k, 0)
    ]
    return sorted(diff)[:limit]


@transaction.atomic
def counters_rebuild() -> int:
    """Replace every counter by a full recount (after an import, or to repair). Returns the number of rows."""
    fresh = counters_recount()
    CounterDelta.objects.all().delete()
    hot_invalidate(path for (_m, path, _d, _dim) in fresh)
    DailyCount.objects.all().delete()
    DailyCount.objects.bulk_create(
        (DailyCount(metric=m, unit_path=p, day=d, dim=dim, value=v) for (m, p, d, dim), v in fresh.items()),
        batch_size=5000,
    )
    return len(fresh)
