"""The 考核 figures: per unit and day counters (UnitDay) kept by the workflow steps in their own transaction and
rolled up the unit tree, the same figures recounted from the raw rows, and the score.

A step adds to the row of the unit's own path and of every ancestor's path (one upsert statement), so the
figures of any subtree over any period are a sum over (campaign, path, day) — an index range — and a ranking
of N units reads N paths. `recount()` computes the same numbers from the events and rows; the tests and the
bench check that both agree.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db import connection
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Substr, TruncDate
from django.utils import timezone

from civicloop.campaigns.models import COUNTERS, Campaign, Problem, ProblemEvent, Task, UnitDay, Visit


def prefixes(path: str) -> list[str]:
    """The path of the unit and of each of its ancestors (treebeard steps of 4)."""
    return [path[:i] for i in range(4, len(path) + 1, 4)]


def day_of(moment: dt.datetime) -> dt.date:
    return timezone.localdate(moment)


def bump(campaign_id: int, path: str, day: dt.date, **deltas: int) -> None:
    """Add `deltas` to the unit's and its ancestors' rows for `day` in one upsert (SQLite ≥ 3.24, PostgreSQL)."""
    deltas = {k: v for k, v in deltas.items() if v}
    if not deltas or not path:
        return
    unknown = set(deltas) - set(COUNTERS)
    if unknown:
        raise ValueError(f"unknown counters {sorted(unknown)}")
    table = UnitDay._meta.db_table
    qn = connection.ops.quote_name
    paths = prefixes(path)
    row = "(" + ", ".join(["%s"] * (3 + len(COUNTERS))) + ")"
    params: list[Any] = []
    for p in paths:
        params += [campaign_id, p, day, *[deltas.get(c, 0) for c in COUNTERS]]
    sql = (
        f"INSERT INTO {qn(table)} (campaign_id, path, day, {', '.join(qn(c) for c in COUNTERS)}) VALUES "
        + ", ".join([row] * len(paths))
        + " ON CONFLICT (campaign_id, path, day) DO UPDATE SET "
        + ", ".join(f"{qn(c)} = {qn(table)}.{qn(c)} + excluded.{qn(c)}" for c in deltas)
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


# --- reading -----------------------------------------------------------------------------------------------


def _period(qs: Any, start: dt.date | None, end: dt.date | None, field: str = "day") -> Any:
    if start:
        qs = qs.filter(**{f"{field}__gte": start})
    if end:
        qs = qs.filter(**{f"{field}__lte": end})
    return qs


def totals(campaign: Campaign, paths: Iterable[str], start: dt.date | None, end: dt.date | None) -> dict[str, dict[str, int]]:
    """Counter sums per path (each path's whole subtree) over [start, end]."""
    paths = list(paths)
    out = {p: dict.fromkeys(COUNTERS, 0) for p in paths}
    qs = _period(UnitDay.objects.filter(campaign=campaign, path__in=paths), start, end)
    for row in qs.values("path").annotate(**{c: Sum(c) for c in COUNTERS}):
        out[row["path"]] = {c: int(row[c] or 0) for c in COUNTERS}
    return out


def recount(campaign: Campaign, paths: Iterable[str], start: dt.date | None, end: dt.date | None) -> dict[str, dict[str, int]]:
    """The same sums counted from the problems, their events, the tasks and the visits."""
    out: dict[str, dict[str, int]] = {}
    steps = {"register": "registered", "assign": "assigned", "check_fail": "reworks", "extend": "extensions",
             "escalate": "escalations"}
    for path in paths:
        row = dict.fromkeys(COUNTERS, 0)
        events = _period(
            ProblemEvent.objects.filter(subject__campaign=campaign, subject__unit_path__startswith=path).annotate(
                d=TruncDate("created_at", tzinfo=timezone.get_current_timezone())
            ),
            start,
            end,
            "d",
        )
        by_step = dict(events.values_list("step").annotate(n=Count("pk")).values_list("step", "n"))
        for step, counter in steps.items():
            row[counter] = by_step.get(step, 0)
        row["checks"] = by_step.get("check_pass", 0) + by_step.get("check_fail", 0)
        row["closed"] = by_step.get("check_pass", 0)
        row["closed_on_time"] = events.filter(step="check_pass", subject__closed_on_time=True).count()
        row["recurrences"] = events.filter(step="register", subject__recurrence_of__isnull=False).count()
        tasks = _period(
            Task.objects.filter(campaign=campaign).annotate(
                d=TruncDate("due_at", tzinfo=timezone.get_current_timezone())
            ),
            start,
            end,
            "d",
        )
        pairs = Task.units.through.objects.filter(task__in=tasks, unit__path__startswith=path)
        row["tasks_due"] = pairs.count()
        row["tasks_done"] = pairs.filter(task__status="done").count()
        row["visits"] = _period(
            Visit.objects.filter(liaison__campaign=campaign, unit_path__startswith=path), start, end, "visited_on"
        ).count()
        out[path] = row
    return out


def rebuild(campaign: Campaign) -> int:
    """Throw the campaign's counters away and build them from a recount (after bulk loads). Returns rows."""
    tz = timezone.get_current_timezone()
    cells: dict[tuple[str, dt.date], dict[str, int]] = defaultdict(lambda: dict.fromkeys(COUNTERS, 0))

    def add(path: str, day: dt.date, counter: str, n: int) -> None:
        for p in prefixes(path):
            cells[(p, day)][counter] += n

    events = ProblemEvent.objects.filter(subject__campaign=campaign).annotate(d=TruncDate("created_at", tzinfo=tz))
    steps = {"register": "registered", "assign": "assigned", "check_fail": "reworks", "extend": "extensions",
             "escalate": "escalations", "check_pass": "closed"}
    for row in events.filter(step__in=list(steps)).values("subject__unit_path", "d", "step").annotate(n=Count("pk")):
        add(row["subject__unit_path"], row["d"], steps[row["step"]], row["n"])
        if row["step"] in ("check_pass", "check_fail"):
            add(row["subject__unit_path"], row["d"], "checks", row["n"])
    for row in (
        events.filter(Q(step="check_pass", subject__closed_on_time=True))
        .values("subject__unit_path", "d").annotate(n=Count("pk"))
    ):
        add(row["subject__unit_path"], row["d"], "closed_on_time", row["n"])
    for row in (
        events.filter(step="register", subject__recurrence_of__isnull=False)
        .values("subject__unit_path", "d").annotate(n=Count("pk"))
    ):
        add(row["subject__unit_path"], row["d"], "recurrences", row["n"])
    pairs = Task.units.through.objects.filter(task__campaign=campaign).annotate(
        d=TruncDate(F("task__due_at"), tzinfo=tz)
    )
    for row in pairs.values("unit__path", "d").annotate(n=Count("pk"), done=Count("pk", filter=Q(task__status="done"))):
        add(row["unit__path"], row["d"], "tasks_due", row["n"])
        add(row["unit__path"], row["d"], "tasks_done", row["done"])
    for row in Visit.objects.filter(liaison__campaign=campaign).values("unit_path", "visited_on").annotate(n=Count("pk")):
        add(row["unit_path"], row["visited_on"], "visits", row["n"])
    UnitDay.objects.filter(campaign=campaign).delete()
    UnitDay.objects.bulk_create(
        [UnitDay(campaign=campaign, path=p, day=d, **values) for (p, d), values in cells.items()], batch_size=2000
    )
    return len(cells)


# --- rates and score ---------------------------------------------------------------------------------------


def _rate(num: int, den: int) -> float | None:
    return num / den if den else None


def rates(row: dict[str, int]) -> dict[str, float | None]:
    return {
        "on_time": _rate(row["closed_on_time"], row["closed"]),
        "rework": _rate(row["reworks"], row["checks"]),
        "extension": _rate(row["extensions"], row["assigned"]),
        "recurrence": _rate(row["recurrences"], row["registered"]),
        "tasks": _rate(row["tasks_done"], row["tasks_due"]),
    }


def score(row: dict[str, int], weights: dict[str, int], *, months: float, visit_target: int) -> float:
    """Points out of the weights' sum: good rates earn their weight; a rate with nothing to measure earns it
    in full (no problem found is no failure); visits earn their share of the expected number."""
    r = rates(row)
    parts = {
        "on_time": r["on_time"] if r["on_time"] is not None else 1.0,
        "rework": 1 - r["rework"] if r["rework"] is not None else 1.0,
        "extension": 1 - min(1.0, r["extension"]) if r["extension"] is not None else 1.0,
        "recurrence": 1 - min(1.0, r["recurrence"]) if r["recurrence"] is not None else 1.0,
        "tasks": r["tasks"] if r["tasks"] is not None else 1.0,
        "visits": min(1.0, row["visits"] / max(1.0, visit_target * months)),
    }
    return round(sum(weights.get(k, 0) * v for k, v in parts.items()), 1)


def overdue_counts(campaign: Campaign, paths: Iterable[str]) -> dict[str, int]:
    """Problems waiting for rectification past their deadline now, per subtree (a live count, not a counter:
    it changes with the clock, not with a step)."""
    paths = list(paths)
    now = timezone.now()
    base = Problem.objects.filter(campaign=campaign, status="assigned", due_at__lt=now)
    lengths = {len(p) for p in paths}
    if len(lengths) != 1 or len(paths) < 2:
        return {p: base.filter(unit_path__startswith=p).count() for p in paths}
    # units of one level: one grouped count by the path prefix instead of a query per unit
    size = lengths.pop()
    parent = paths[0][: size - 4]
    wanted = set(paths)
    out = dict.fromkeys(paths, 0)
    rows = (
        base.filter(unit_path__startswith=parent).annotate(prefix=Substr("unit_path", 1, size))
        .values("prefix").annotate(n=Count("pk")).values_list("prefix", "n")
    )
    for prefix, n in rows:
        if prefix in wanted:
            out[prefix] = n
    return out
