"""Maintaining the daily counters.

Each source of figures has one pure *contribution* function: given a row's values it says which counters that
row adds to (metric, unit path, day, dimension → amount). The services that change a row call `track` around the
change (or `counters_add_row` for append-only rows); the difference between the row's contribution before and
after is added to the counters in the same transaction. `counters_recount` streams every source row through the
same functions, so the incremental path and the full recount can only disagree if a service forgot to track —
which is what `manage.py stats_counters --check` and the tests catch.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import F, OuterRef, Subquery, Sum
from django.utils import timezone

from civicloop.core.hot import hot_invalidate
from civicloop.stats.models import Counter as CounterView
from civicloop.stats.models import CounterDelta, DailyCount

Key = tuple[str, str, dt.date, str]  # metric, unit_path, day, dim
Contribution = Counter

# Minutes: the buckets for "time to claim" and "time to complete" (medians are read from these histograms).
BUCKETS = (30, 60, 120, 240, 480, 1440, 2880, 10080, 43200)


def bucket(minutes: float) -> str:
    for edge in BUCKETS:
        if minutes <= edge:
            return f"{edge:05d}"
    return "99999"


def _day(value: dt.datetime | dt.date | None) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date()
    return value


# --- contributions (pure) ------------------------------------------------------------------------------------


# Fewest moves before an order can hold an acceptance (publish+claim or dispatch+accept) and a rating or
# report (…, check_in, report): `version` counts the moves, so an order below them cannot have those rows.
_MOVES_BEFORE_ACCEPTED = 2
_MOVES_BEFORE_SERVED = 4


def order_values(order: Any) -> dict[str, Any]:
    """The values of one order that its contribution depends on: at most one query, none for a fresh order.

    The acceptance time, rating and people served live in other tables; each is read (as one subquery of a single
    statement) only when the order could have it: an open order claimed for the first time has no acceptance,
    rating or report, and people served count only once it is closed. The recount reads the same values with
    the same subqueries for every order, so skipping a read never changes the result.
    """
    from civicloop.orders.models import Order, OrderEvent, OrderRating, OrderReport

    moves = int(getattr(order, "version", 0) or 0)
    status = order.status
    subqueries: dict[str, Any] = {}
    # The current state says so directly; the move count covers orders that went back (release, return, cancel).
    if status in ("accepted", "in_service", "served", "closed") or moves >= _MOVES_BEFORE_ACCEPTED:
        subqueries["accepted_at"] = Subquery(
            OrderEvent.objects.filter(order=OuterRef("pk"), to_status="accepted")
            .exclude(from_status="accepted")
            .order_by("created_at")
            .values("created_at")[:1]
        )
    if status in ("served", "closed") or moves >= _MOVES_BEFORE_SERVED:
        rating = OrderRating.objects.filter(order=OuterRef("pk")).order_by("pk")
        subqueries["rating_score"] = Subquery(rating.values("score")[:1])
        subqueries["rating_at"] = Subquery(rating.values("created_at")[:1])
    if status == "closed":
        subqueries["people_served"] = Subquery(
            OrderReport.objects.filter(order=OuterRef("pk")).order_by("pk").values("people_served")[:1]
        )
    found: dict[str, Any] = {}
    if subqueries and order.pk is not None:
        found = Order.objects.filter(pk=order.pk).annotate(**subqueries).values(*subqueries).first() or {}
    return {
        "unit_path": order.unit_path,
        "created_at": order.created_at,
        "closed_at": order.closed_at,
        "status": order.status,
        "category": order.category,
        "focus_group": order.focus_group,
        "rating_score": found.get("rating_score"),
        "rating_at": found.get("rating_at"),
        "accepted_at": found.get("accepted_at"),
        "people_served": found.get("people_served"),
    }


def order_contribution(v: dict[str, Any]) -> Contribution:
    c: Contribution = Counter()
    path, created = v["unit_path"], _day(v["created_at"])
    c["orders", path, created, v["category"]] += 1
    c["orders_fg", path, created, v["focus_group"] or "-"] += 1
    c["orders_state", path, created, v["status"]] += 1
    if v["accepted_at"] is not None:
        minutes = (v["accepted_at"] - v["created_at"]).total_seconds() / 60
        c["claim_minutes", path, _day(v["accepted_at"]), bucket(minutes)] += 1
    if v["status"] == "closed" and v["closed_at"] is not None:
        closed = _day(v["closed_at"])
        c["orders_closed", path, closed, v["category"]] += 1
        minutes = (v["closed_at"] - v["created_at"]).total_seconds() / 60
        c["complete_minutes", path, closed, bucket(minutes)] += 1
        if v["people_served"]:
            c["served", path, closed, "order"] += int(v["people_served"])
    if v["rating_score"] is not None:
        rated = _day(v["rating_at"])
        c["rating_sum", path, rated, ""] += int(v["rating_score"])
        c["rating_count", path, rated, ""] += 1
    return c


def activity_values(activity: Any) -> dict[str, Any]:
    return {
        "unit_path": activity.unit_path,
        "starts_at": activity.starts_at,
        "status": activity.status,
        "category": activity.category,
        "people_served": activity.people_served,
    }


def activity_contribution(v: dict[str, Any]) -> Contribution:
    c: Contribution = Counter()
    if v["status"] == "closed":
        day = _day(v["starts_at"])
        c["activities", v["unit_path"], day, v["category"]] += 1
        if v["people_served"]:
            c["served", v["unit_path"], day, "activity"] += int(v["people_served"])
    return c


def record_values(record: Any) -> dict[str, Any]:
    return {
        "unit_path": record.unit_path,
        "served_on": record.served_on,
        "category": record.category,
        "hours": record.hours,
    }


def record_contribution(v: dict[str, Any]) -> Contribution:
    # Hours are kept in hundredths so every counter stays an integer.
    return Counter(
        {("hours", v["unit_path"], v["served_on"], v["category"] or "-"): int(Decimal(v["hours"]) * 100)}
    )


def survey_values(survey: Any) -> dict[str, Any]:
    return {
        "unit_path": survey.unit_path,
        "created_at": survey.created_at,
        "paper_distributed": survey.paper_distributed,
    }


def survey_contribution(v: dict[str, Any]) -> Contribution:
    c: Contribution = Counter()
    if v["paper_distributed"]:
        c["survey_paper", v["unit_path"], _day(v["created_at"]), ""] += int(v["paper_distributed"])
    return c


def response_values(response: Any) -> dict[str, Any]:
    return {
        "unit_path": response.survey.unit_path,
        "created_at": response.created_at,
        "channel": response.channel,
    }


def response_contribution(v: dict[str, Any]) -> Contribution:
    return Counter({("survey_responses", v["unit_path"], _day(v["created_at"]), v["channel"]): 1})


def need_values(need: Any) -> dict[str, Any]:
    return {"unit_path": need.unit_path, "created_at": need.created_at, "status": need.status}


def need_contribution(v: dict[str, Any]) -> Contribution:
    return Counter({("needs", v["unit_path"], _day(v["created_at"]), v["status"]): 1})


def member_values(row: Any) -> dict[str, Any]:
    return {"unit_path": row.unit_path, "created_at": row.created_at, "is_active": row.is_active}


def volunteer_contribution(v: dict[str, Any]) -> Contribution:
    # Registered volunteers: the day they joined; "registered by date X" is the sum of every day up to X.
    return (
        Counter({("volunteers", v["unit_path"], _day(v["created_at"]), ""): 1})
        if v["is_active"]
        else Counter()
    )


def team_contribution(v: dict[str, Any]) -> Contribution:
    return Counter({("teams", v["unit_path"], _day(v["created_at"]), ""): 1}) if v["is_active"] else Counter()


SOURCES: dict[str, tuple[Callable[[Any], dict[str, Any]], Callable[[dict[str, Any]], Contribution]]] = {
    "order": (order_values, order_contribution),
    "activity": (activity_values, activity_contribution),
    "record": (record_values, record_contribution),
    "survey": (survey_values, survey_contribution),
    "response": (response_values, response_contribution),
    "need": (need_values, need_contribution),
    "volunteer": (member_values, volunteer_contribution),
    "team": (member_values, team_contribution),
}


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


def _diff(before: Contribution, after: Contribution) -> Contribution:
    delta: Contribution = Counter()
    for key in set(before) | set(after):
        change = after.get(key, 0) - before.get(key, 0)
        if change:
            delta[key] = change
    return delta


def contribution_of(source: str, obj: Any) -> Contribution:
    values, contribution = SOURCES[source]
    return contribution(values(obj))


def counters_follow(source: str, obj: Any, before: Contribution) -> None:
    """After a change of `obj`: move the counters by the difference from its contribution `before` the change."""
    counters_apply(_diff(before, contribution_of(source, obj)))


@contextmanager
def track(source: str, obj: Any) -> Iterator[None]:
    """Around a change of `obj` (whose in-memory values are still the stored ones): counters follow it."""
    before = contribution_of(source, obj) if getattr(obj, "pk", None) else Counter()
    yield
    counters_follow(source, obj, before)


def counters_add_row(source: str, obj: Any) -> None:
    """For a newly written row (append-only ledgers, new orders, answers)."""
    counters_apply(contribution_of(source, obj))


# --- recount -------------------------------------------------------------------------------------------------


def _rows(source: str) -> Iterator[Mapping[str, Any]]:
    from civicloop.activities.models import Activity
    from civicloop.needs.models import Need, Response, Survey
    from civicloop.orders.models import Order, OrderEvent, OrderRating, OrderReport
    from civicloop.people.models import Team, Volunteer
    from civicloop.records.models import ServiceRecord

    if source == "order":
        accepted = (
            OrderEvent.objects.filter(order=OuterRef("pk"), to_status="accepted")
            .exclude(from_status="accepted")
            .order_by("created_at")
            .values("created_at")[:1]
        )
        rating = OrderRating.objects.filter(order=OuterRef("pk"))
        served = OrderReport.objects.filter(order=OuterRef("pk")).values("people_served")[:1]
        yield from (
            Order.objects.annotate(
                rating_score=Subquery(rating.values("score")[:1]),
                rating_at=Subquery(rating.values("created_at")[:1]),
                accepted_at=Subquery(accepted),
                people_served=Subquery(served),
            )
            .values(
                "unit_path",
                "created_at",
                "closed_at",
                "status",
                "category",
                "focus_group",
                "rating_score",
                "rating_at",
                "accepted_at",
                "people_served",
            )
            .iterator(chunk_size=5000)
        )
    elif source == "activity":
        yield from Activity.objects.values(
            "unit_path", "starts_at", "status", "category", "people_served"
        ).iterator(chunk_size=5000)
    elif source == "record":
        yield from ServiceRecord.objects.values("unit_path", "served_on", "category", "hours").iterator(
            chunk_size=5000
        )
    elif source == "survey":
        yield from Survey.objects.values("unit_path", "created_at", "paper_distributed").iterator(
            chunk_size=5000
        )
    elif source == "response":
        yield from (
            Response.objects.annotate(unit_path=F("survey__unit_path"))
            .values("unit_path", "created_at", "channel")
            .iterator(chunk_size=5000)
        )
    elif source == "need":
        yield from Need.objects.values("unit_path", "created_at", "status").iterator(chunk_size=5000)
    elif source in ("volunteer", "team"):
        model = Volunteer if source == "volunteer" else Team
        yield from model.objects.values("unit_path", "created_at", "is_active").iterator(chunk_size=5000)


def counters_recount() -> Contribution:
    """Every counter computed afresh from the source tables."""
    total: Contribution = Counter()
    for source, (_values, contribution) in SOURCES.items():
        for row in _rows(source):
            total.update(contribution(dict(row)))
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
