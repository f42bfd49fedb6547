"""Reading figures for a unit's subtree and a period, from the daily counters (plus a few small direct counts,
asked of the apps that own the rows through their selectors)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Q, Sum
from django.db.models.functions import TruncMonth

from civicloop.brands.selectors import project_count
from civicloop.core.choices import Platform
from civicloop.core.counters import BUCKETS
from civicloop.core.workflow import HELD, OPEN, REGISTRY, Workflow
from civicloop.network.models import Unit
from civicloop.records.selectors import active_volunteer_count
from civicloop.stats.models import Counter as DailyCount  # folded rows + unfolded deltas
from civicloop.stats.services import ALL, MONTHLY


def _orders() -> Workflow:
    # The order states the `orders_state` counters are kept by, from the orders app's declared workflow.
    return REGISTRY["orders"]


def order_state_labels() -> list[tuple[str, str]]:
    return [(state.code, str(state.label)) for state in _orders().states.values()]


@dataclass
class Figures:
    unit: Unit
    start: dt.date
    end: dt.date
    totals: dict[str, dict[str, int]] = field(default_factory=dict)  # metric -> dim -> value
    volunteers: int = 0
    volunteers_active: int = 0
    teams: int = 0
    brand_projects: int = 0

    def total(self, metric: str, dim: str | None = None) -> int:
        values = self.totals.get(metric, {})
        return values.get(dim, 0) if dim is not None else sum(values.values())

    @property
    def activities(self) -> int:
        return self.total("activities")

    @property
    def served(self) -> int:
        return self.total("served")

    @property
    def hours(self) -> Decimal:
        return Decimal(self.total("hours")) / 100

    @property
    def orders(self) -> int:
        return self.total("orders")

    @property
    def orders_closed(self) -> int:
        return self.total("orders_state", "closed")

    @property
    def orders_open(self) -> int:
        return sum(self.total("orders_state", s) for s in _orders().codes(OPEN, HELD))

    @property
    def completion_rate(self) -> float | None:
        ended = self.orders - self.total("orders_state", "cancelled") - self.total("orders_state", "rejected")
        return None if ended <= 0 else self.orders_closed / ended

    @property
    def satisfaction(self) -> float | None:
        count = self.total("rating_count")
        return None if not count else self.total("rating_sum") / count

    @property
    def surveys_collected(self) -> int:
        return self.total("survey_responses")

    @property
    def surveys_distributed(self) -> int:
        # Paper copies handed out plus people who answered online (each online answer is a copy distributed).
        return self.total("survey_paper") + self.total("survey_responses", "online")

    @property
    def needs_met(self) -> int:
        return self.total("needs", "met")

    @property
    def needs_unmet(self) -> int:
        return self.total("needs", "unmet")

    def median_minutes(self, metric: str) -> int | None:
        """Upper edge of the histogram bucket that holds the median (minutes), or None without data."""
        buckets = sorted(self.totals.get(metric, {}).items())
        count = sum(v for _k, v in buckets)
        if not count:
            return None
        seen = 0
        for label, value in buckets:
            seen += value
            if seen * 2 >= count:
                return int(label) if label != "99999" else BUCKETS[-1] * 2
        return None


def _month_after(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def _period(metrics: tuple[str, ...], start: dt.date, end: dt.date) -> Q:
    """Rows that add up `metrics` over [start, end]: month-grain totals for the whole months inside the period and
    daily rows only for the partial months at its edges — a year across 250 units is 250 × 12 rows per metric."""
    first = start if start.day == 1 else _month_after(start)  # first whole month
    stop = _month_after(end)  # first day after the month that holds `end`
    if end + dt.timedelta(days=1) != stop:
        stop = end.replace(day=1)  # `end` cuts its month: that month is an edge
    daily = Q(metric__in=metrics)
    if first >= stop:
        return daily & Q(day__gte=start, day__lte=end)
    monthly = Q(metric__in=[m + MONTHLY for m in metrics], dim=ALL, day__gte=first, day__lt=stop)
    return monthly | (daily & Q(day__gte=start, day__lt=first)) | (daily & Q(day__gte=stop, day__lte=end))


def _scope(unit: Unit, start: dt.date, end: dt.date) -> Q:
    # Counters are rolled up the tree: a unit's own rows already hold its whole subtree.
    return Q(unit_path=unit.path, day__gte=start, day__lte=end)


def figures(unit: Unit, start: dt.date, end: dt.date) -> Figures:
    result = Figures(unit=unit, start=start, end=end)
    totals: dict[str, dict[str, int]] = defaultdict(dict)
    for row in (
        DailyCount.objects.filter(_scope(unit, start, end))
        .exclude(metric__endswith=MONTHLY)
        .values("metric", "dim")
        .annotate(v=Sum("value"))
    ):
        totals[row["metric"]][row["dim"]] = row["v"]
    result.totals = dict(totals)
    registered = (
        DailyCount.objects.filter(unit_path=unit.path, day__lte=end, metric__in=("volunteers", "teams"))
        .values("metric")
        .annotate(v=Sum("value"))
    )
    members = {row["metric"]: row["v"] for row in registered}
    result.volunteers = members.get("volunteers", 0)
    # Active: of those registered volunteers, the ones credited hours in the period.
    result.volunteers_active = active_volunteer_count(unit.path, start, end)
    result.teams = members.get("teams", 0)
    result.brand_projects = project_count(unit.path)
    return result


def by_month(
    unit: Unit, start: dt.date, end: dt.date, metrics: tuple[str, ...]
) -> dict[str, dict[dt.date, int]]:
    out: dict[str, dict[dt.date, int]] = {m: {} for m in metrics}
    rows = DailyCount.objects.filter(_period(metrics, start, end), unit_path=unit.path)
    for row in rows.annotate(month=TruncMonth("day")).values("metric", "month").annotate(v=Sum("value")):
        month = row["month"].date() if isinstance(row["month"], dt.datetime) else row["month"]
        series = out[row["metric"].removesuffix(MONTHLY)]
        series[month] = series.get(month, 0) + row["v"]
    return out


def months(start: dt.date, end: dt.date) -> list[dt.date]:
    result, cursor = [], start.replace(day=1)
    while cursor <= end:
        result.append(cursor)
        cursor = (cursor.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return result


def by_dim(unit: Unit, start: dt.date, end: dt.date, metric: str) -> dict[str, int]:
    rows = (
        DailyCount.objects.filter(_scope(unit, start, end), metric=metric)
        .values("dim")
        .annotate(v=Sum("value"))
    )
    return {row["dim"]: row["v"] for row in rows}


def for_units(
    units: list[Unit], start: dt.date, end: dt.date, metrics: tuple[str, ...]
) -> list[dict[str, Any]]:
    """One row per unit, each metric over that unit's whole subtree (one query however many units)."""
    sums: dict[str, dict[str, int]] = defaultdict(dict)
    rows = DailyCount.objects.filter(_period(metrics, start, end), unit_path__in=[u.path for u in units])
    for row in rows.values("unit_path", "metric").annotate(v=Sum("value")):
        metric = row["metric"].removesuffix(MONTHLY)
        sums[row["unit_path"]][metric] = sums[row["unit_path"]].get(metric, 0) + row["v"]
    return [{"unit": u, **{m: sums.get(u.path, {}).get(m, 0) for m in metrics}} for u in units]


def by_child(unit: Unit, start: dt.date, end: dt.date, metrics: tuple[str, ...]) -> list[dict[str, Any]]:
    """One row per child unit (plus the unit's own share, when it has one), each metric over the child's subtree."""
    children = list(Unit.objects.filter(path__startswith=unit.path, depth=unit.depth + 1).order_by("path"))
    total, *result = for_units([unit, *children], start, end, metrics)
    own = {m: total[m] - sum(r[m] for r in result) for m in metrics}
    # Departments, organisations and venues appear only when something was counted under them.
    result = [r for r in result if r["unit"].is_practice or any(r[m] for m in metrics)]
    if any(own.values()):
        result.insert(0, {"unit": unit, "own": True, **own})
    return result


def category_labels() -> dict[str, str]:
    return {code: str(label) for code, label in Platform.choices}
