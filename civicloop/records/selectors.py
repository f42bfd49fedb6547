"""Reads over the hours and points ledgers: totals, stars, monthly breakdowns, rankings."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import TruncMonth

from civicloop.core.choices import Platform
from civicloop.records.models import PointsAccount, PointsEntry, ServiceRecord

DEFAULT_STAR_THRESHOLDS = (100, 300, 600, 1000, 1500)
CENT = Decimal("0.01")


def hours_value(raw: Any) -> Decimal:
    """An aggregated hours value as an exact 2-place Decimal (SQLite sums decimals as floats)."""
    return Decimal(str(raw or 0)).quantize(CENT)


def star_thresholds() -> tuple[int, ...]:
    values: Any = settings.CIVICLOOP.get("STAR_THRESHOLDS", DEFAULT_STAR_THRESHOLDS)
    return tuple(int(v) for v in values)


def stars_for(hours: Decimal | float | int | None) -> int:
    """One to five stars at the configured hour thresholds (0 below the first)."""
    value = Decimal(str(hours or 0))
    return sum(1 for t in star_thresholds() if value >= t)


def next_star(hours: Decimal) -> tuple[int, Decimal] | None:
    """(next star level, hours still needed), or None at five stars."""
    for level, t in enumerate(star_thresholds(), start=1):
        if hours < t:
            return level, Decimal(t) - hours
    return None


def total_hours(volunteer: Any) -> Decimal:
    return hours_value(ServiceRecord.objects.filter(volunteer=volunteer).aggregate(t=Sum("hours"))["t"])


def totals_for(volunteer_ids: list[int]) -> dict[int, Decimal]:
    """Total hours per volunteer for a page of volunteers, in one query."""
    rows = (
        ServiceRecord.objects.filter(volunteer_id__in=volunteer_ids)
        .values("volunteer_id")
        .annotate(t=Sum("hours"))
    )
    return {r["volunteer_id"]: hours_value(r["t"]) for r in rows}


def hours_by_month(volunteer: Any, limit: int = 24) -> list[dict[str, Any]]:
    rows = (
        ServiceRecord.objects.filter(volunteer=volunteer)
        .annotate(month=TruncMonth("served_on"))
        .values("month")
        .annotate(hours=Sum("hours"))
        .order_by("-month")[:limit]
    )
    return [{"month": r["month"], "hours": hours_value(r["hours"])} for r in rows]


def hours_by_category(volunteer: Any) -> list[dict[str, Any]]:
    rows = (
        ServiceRecord.objects.filter(volunteer=volunteer)
        .values("category")
        .annotate(hours=Sum("hours"))
        .order_by("-hours")
    )
    labels = dict(Platform.choices)
    return [
        {"category": r["category"], "label": labels.get(r["category"], "—"), "hours": hours_value(r["hours"])}
        for r in rows
    ]


def record_lines(volunteer: Any, limit: int = 30) -> list[dict[str, str]]:
    """The services and activities printed on a service record: per (date, description), net of reversals."""
    rows = (
        ServiceRecord.objects.filter(volunteer=volunteer)
        .values("served_on", "description", "source", "category")
        .annotate(hours=Sum("hours"))
        .filter(hours__gt=Decimal("0.005"))
        .order_by("-served_on", "description")[:limit]
    )
    return [
        {
            "date": r["served_on"].isoformat(),
            "what": r["description"] or str(dict(ServiceRecord.Source.choices).get(r["source"], "")),
            "source": r["source"],
            "hours": str(hours_value(r["hours"])),
        }
        for r in rows
    ]


def points_balance(volunteer: Any) -> int:
    row = PointsAccount.objects.filter(volunteer=volunteer).first()
    return row.balance if row else 0


def points_entries(volunteer: Any) -> QuerySet[PointsEntry]:
    return PointsEntry.objects.filter(volunteer=volunteer).select_related("redemption__item")


def ranking(records: QuerySet[ServiceRecord], limit: int = 50) -> list[dict[str, Any]]:
    """Volunteers by hours over the given (already scoped) records, with names and stars."""
    rows: list[dict[str, Any]] = [
        dict(r)
        for r in records.values(
            "volunteer_id", "volunteer__number", "volunteer__user__full_name", "volunteer__user__username"
        )
        .annotate(hours=Sum("hours"), n=Count("id"))
        .filter(hours__gt=Decimal("0.005"))
        .order_by("-hours", "volunteer_id")[:limit]
    ]
    totals = totals_for([r["volunteer_id"] for r in rows])
    for r in rows:
        r["name"] = r["volunteer__user__full_name"] or r["volunteer__user__username"]
        r["hours"] = hours_value(r["hours"])
        r["stars"] = stars_for(totals.get(r["volunteer_id"]))
    return rows


def hours_grouped(records: QuerySet[ServiceRecord], by: str) -> list[dict[str, Any]]:
    """Hours per volunteer, team or unit, for exports."""
    rows: Any
    if by == "volunteer":
        rows = (
            records.values("volunteer__number", "volunteer__user__full_name", "volunteer__home_unit__name")
            .annotate(hours=Sum("hours"), n=Count("id"))
            .order_by("-hours")
        )
        return [
            {
                "key": r["volunteer__number"],
                "name": r["volunteer__user__full_name"],
                "unit": r["volunteer__home_unit__name"],
                "hours": hours_value(r["hours"]),
                "n": r["n"],
            }
            for r in rows
        ]
    if by == "team":
        rows = (
            records.filter(volunteer__team_memberships__isnull=False)
            .values(
                "volunteer__team_memberships__team__name",
                "volunteer__team_memberships__team__home_unit__name",
            )
            .annotate(hours=Sum("hours"), n=Count("id"))
            .order_by("-hours")
        )
        return [
            {
                "key": "",
                "name": r["volunteer__team_memberships__team__name"],
                "unit": r["volunteer__team_memberships__team__home_unit__name"],
                "hours": hours_value(r["hours"]),
                "n": r["n"],
            }
            for r in rows
        ]
    rows = (
        records.values("unit_id", "unit__name").annotate(hours=Sum("hours"), n=Count("id")).order_by("-hours")
    )
    return [
        {"key": "", "name": r["unit__name"], "unit": "", "hours": hours_value(r["hours"]), "n": r["n"]}
        for r in rows
    ]


def active_volunteer_count(unit_path: str, start: dt.date, end: dt.date) -> int:
    """Active volunteers registered in the subtree who were credited hours in [start, end] — wherever they served,
    so "active / registered" is a share of one population (issue #13: 74 of 68). For the figures."""
    return (
        ServiceRecord.objects.filter(
            volunteer__unit_path__startswith=unit_path,
            volunteer__is_active=True,
            served_on__gte=start,
            served_on__lte=end,
        )
        .values("volunteer")
        .distinct()
        .count()
    )
