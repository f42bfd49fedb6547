"""Reads for the campaign pages and API: rankings from the day counters, problem lists, and `figures()` for the
dashboard."""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet

from civicloop.campaigns import figures
from civicloop.campaigns import policies as policy
from civicloop.campaigns.models import Campaign, Problem
from civicloop.network.models import Unit


def month_range(month: dt.date) -> tuple[dt.date, dt.date]:
    first = month.replace(day=1)
    return first, first.replace(day=calendar.monthrange(first.year, first.month)[1])


def months_in(start: dt.date | None, end: dt.date | None) -> float:
    if not start or not end:
        return 12.0
    return max(1.0, ((end - start).days + 1) / 30.4)


def ranked_units(root: Unit, campaign: Campaign | None = None) -> list[Unit]:
    """The units a ranking compares: the root's active practice children (towns/streets, stations), and the
    departments among them responsible for one of the campaign's tasks (venues, social organisations and
    departments without a duty here would only collect full marks for doing nothing); the root alone when it
    has none."""
    children = Unit.objects.filter(path__startswith=root.path, depth=root.depth + 1, is_active=True)
    q = Q(kind=Unit.Kind.PRACTICE)
    if campaign is not None:
        from civicloop.campaigns.models import Task

        on_duty = Task.objects.filter(campaign=campaign)
        q |= Q(kind=Unit.Kind.DEPARTMENT) & Q(pk__in=on_duty.values("units"))
    return list(children.filter(q).order_by("path")) or [root]


def ranking(
    campaign: Campaign, root: Unit, start: dt.date | None, end: dt.date | None, *, units: list[Unit] | None = None
) -> list[dict[str, Any]]:
    """考核 rows for the root's children, best score first (ties by name)."""
    units = units if units is not None else ranked_units(root, campaign)
    paths = [u.path for u in units]
    sums = figures.totals(campaign, paths, start, end)
    overdue = figures.overdue_counts(campaign, paths)
    weights = campaign.score_weights()
    months = months_in(start, end)
    rows = []
    for u in units:
        counts = sums[u.path]
        rows.append(
            {
                "unit": u,
                "counts": counts,
                "rates": figures.rates(counts),
                "score": figures.score(counts, weights, months=months, visit_target=campaign.visit_target),
                "overdue": overdue[u.path],
            }
        )
    rows.sort(key=lambda r: (-float(r["score"]), str(r["unit"].name)))  # type: ignore[arg-type,attr-defined]
    for i, r in enumerate(rows, 1):
        r["rank"] = i
    return rows


def figures_for(campaign: Campaign, unit: Unit, start: dt.date | None = None, end: dt.date | None = None) -> dict[str, Any]:
    """One unit's figures over a period (for the dashboard)."""
    counts = figures.totals(campaign, [unit.path], start, end)[unit.path]
    return {"counts": counts, "rates": figures.rates(counts)}


def scope_root(user: Any, campaign: Campaign) -> Unit | None:
    """The highest of the user's staff units inside (or above) the campaign: where their ranking starts."""
    from civicloop import access

    best: Unit | None = None
    for u in access.staff_units(user):
        if campaign.unit_path.startswith(u.path):
            return campaign.command_unit
        if u.path.startswith(campaign.unit_path) and (best is None or u.depth < best.depth):
            best = u
    return best


def problem_list(user: Any, campaign: Campaign, *, status: list[str] | None = None, unit: Unit | None = None,
                 overdue: bool = False) -> QuerySet[Problem]:
    from django.utils import timezone

    qs = policy.visible_problems(user).filter(campaign=campaign)
    if unit is not None:
        qs = qs.filter(unit_path__startswith=unit.path)
    if status:
        qs = qs.filter(status__in=status)
    if overdue:
        qs = qs.filter(status="assigned", due_at__lt=timezone.now())
    return qs.select_related("unit").order_by("-created_at", "-pk")
