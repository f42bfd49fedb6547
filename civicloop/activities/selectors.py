"""Reads for activities: filtered lists and the month calendar."""

from __future__ import annotations

import calendar
import contextlib
import datetime as dt
from typing import Any

from django.db.models import QuerySet, Sum
from django.utils import timezone

from civicloop.activities.models import Activity, Signup
from civicloop.core.forms import parse_id


def activity_filter(qs: QuerySet[Activity], params: dict[str, str]) -> QuerySet[Activity]:
    if params.get("status") in Activity.Status.values:
        qs = qs.filter(status=params["status"])
    if params.get("category"):
        qs = qs.filter(category=params["category"])
    if params.get("unit"):
        from civicloop.network.models import Unit

        unit_id = parse_id(params["unit"])
        unit = Unit.objects.filter(pk=unit_id).first() if unit_id else None
        qs = qs.filter(unit_path__startswith=unit.path) if unit else qs.none()
    if params.get("q"):
        qs = qs.filter(title__icontains=params["q"][:50])
    for key, lookup in (("from", "starts_at__date__gte"), ("to", "starts_at__date__lte")):
        with contextlib.suppress(ValueError):
            qs = qs.filter(**{lookup: dt.date.fromisoformat(params.get(key, ""))})
    return qs


def with_counts(qs: QuerySet[Activity]) -> QuerySet[Activity]:
    return qs.select_related("unit", "team").annotate(
        quota_total=Sum("roles__quota"), filled_total=Sum("roles__filled")
    )


def month_grid(qs: QuerySet[Activity], year: int, month: int) -> list[list[dict[str, Any]]]:
    """Weeks (Mon..Sun) of day cells, each with that day's activities."""
    tz = timezone.get_current_timezone()
    first = dt.date(year, month, 1)
    last = dt.date(year, month, calendar.monthrange(year, month)[1])
    start = dt.datetime.combine(first, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    by_day: dict[dt.date, list[Activity]] = {}
    for a in qs.filter(starts_at__gte=start, starts_at__lt=end).order_by("starts_at")[:500]:
        by_day.setdefault(timezone.localtime(a.starts_at).date(), []).append(a)
    weeks = []
    for week in calendar.Calendar(firstweekday=0).monthdatescalendar(year, month):
        weeks.append([{"date": d, "in_month": d.month == month, "items": by_day.get(d, [])} for d in week])
    return weeks


def signups_for(activity: Activity) -> QuerySet[Signup]:
    return activity.signups.select_related("volunteer__user", "role").order_by("status", "id")


def in_subtree(pk: int | None, path: str) -> Activity | None:
    """The activity with this id under the unit path, for other apps linking to it (e.g. a need met by it)."""
    return Activity.objects.filter(pk=pk, unit_path__startswith=path).first() if pk else None


def approved_for(volunteer: Any) -> QuerySet[Activity]:
    """Activities the volunteer's sign-up was approved for."""
    ids = Signup.objects.filter(volunteer=volunteer, status=Signup.Status.APPROVED).values("activity_id")
    return Activity.objects.filter(pk__in=ids)


def attended(volunteer: Any, *, ended_since: dt.datetime) -> QuerySet[Activity]:
    """Activities the volunteer was approved for that took place (published or finished) since the given time:
    the ones make-up hours may be declared for."""
    return approved_for(volunteer).filter(
        ends_at__lte=timezone.now(),
        ends_at__gte=ended_since,
        status__in=[Activity.Status.PUBLISHED, Activity.Status.CLOSED],
    ).order_by("-starts_at")


def newest_activities(unit_path: str, limit: int = 8) -> QuerySet[Activity]:
    """The latest published or held activities in the subtree, with what the big screen shows of them."""
    return (
        Activity.objects.filter(unit_path__startswith=unit_path, status__in=("published", "closed"))
        .select_related("unit")
        .only("title", "category", "starts_at", "status", "unit__name")
        .order_by("-starts_at")[:limit]
    )
