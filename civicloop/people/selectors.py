"""Reads for people: search within an already-scoped queryset, grouped station lists, pagination."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, Q, QuerySet

from civicloop.core.crypto import lookup_hash
from civicloop.core.validators import MOBILE_RE, normalize_phone
from civicloop.network.models import Unit
from civicloop.people.models import Resident, Team, User, Volunteer

PAGE_SIZE = 20
_LATIN = re.compile(r"^[a-z]+$")


def _person_q(q: str, prefix: str = "") -> Q:
    """Name contains, pinyin initials ("zs" finds 张三), last 4 mobile digits, or the full mobile (by hash)."""
    q = (q or "").strip()
    if not q:
        return Q()
    name = "user__full_name" if prefix else "name"
    condition = Q(**{f"{name}__contains": q})
    lowered = q.lower()
    if _LATIN.match(lowered):
        condition |= Q(**{f"{prefix}name_initials__startswith": lowered})
    if q.isdigit() and len(q) == 4:
        condition |= Q(**{f"{prefix}phone_last4": q})
    phone = normalize_phone(q)
    if MOBILE_RE.match(phone):
        condition |= Q(**{f"{prefix}phone_hash": lookup_hash(phone)})
    return condition


def _under(unit: Unit | None) -> Q:
    return Q(unit_path__startswith=unit.path) if unit is not None else Q()


def resident_search(
    residents: QuerySet[Resident], q: str = "", unit: Unit | None = None
) -> QuerySet[Resident]:
    return residents.filter(_person_q(q), _under(unit)).select_related("unit").order_by("-created_at", "-id")


def volunteer_search(
    volunteers: QuerySet[Volunteer], q: str = "", unit: Unit | None = None
) -> QuerySet[Volunteer]:
    q = (q or "").strip()
    condition = _person_q(q, prefix="user__")
    if q:
        condition |= Q(number__iexact=q)
    return (
        volunteers.filter(condition, _under(unit))
        .select_related("user", "home_unit")
        .order_by("-created_at", "-id")
    )


def team_search(teams: QuerySet[Team], q: str = "", unit: Unit | None = None) -> QuerySet[Team]:
    q = (q or "").strip()
    if q:
        teams = teams.filter(name__contains=q)
    return (
        teams.filter(_under(unit))
        .select_related("home_unit", "leader")
        .annotate(member_count=Count("memberships", distinct=True))
        .order_by("name", "id")
    )


def paginate(queryset: QuerySet, page: str | int | None, per_page: int = PAGE_SIZE) -> Page:
    return Paginator(queryset, per_page).get_page(page)


def stations_grouped(units: QuerySet[Unit]) -> list[tuple[str, list[tuple[int, str]]]]:
    """Stations (and points) grouped under the institute above them, for a <select> with optgroups."""
    rows = list(units.order_by("path"))
    step = Unit.steplen
    institute_paths = {u.path[: step * 2] for u in rows if len(u.path) >= step * 2}
    names = dict(
        Unit.objects.filter(path__in=institute_paths, level=Unit.Level.INSTITUTE).values_list("path", "name")
    )
    groups: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for unit in rows:
        groups[names.get(unit.path[: step * 2], "")].append((unit.pk, unit.name))
    return list(groups.items())


def registration_units() -> QuerySet[Unit]:
    """Stations a resident or volunteer may choose when registering themselves."""
    return Unit.objects.filter(kind=Unit.Kind.PRACTICE, is_active=True, level=Unit.Level.STATION)


def team_detail(team_id: int) -> Team | None:
    """A team in any state (a proposed team's page is where the station approves it)."""
    return (
        Team.objects.select_related("home_unit", "leader", "founded_by")
        .prefetch_related("served_units")
        .filter(pk=team_id)
        .first()
    )


def team_members(team: Team) -> QuerySet[Volunteer]:
    return Volunteer.objects.filter(team_memberships__team=team).select_related("user").order_by("number")


def volunteer_teams(volunteer: Volunteer) -> QuerySet[Team]:
    return (
        Team.objects.filter(memberships__volunteer=volunteer, is_active=True)
        .select_related("home_unit", "leader")
        .order_by("name")
    )


def led_teams_with_counts(user: User) -> QuerySet[Team]:
    return (
        Team.objects.filter(leader=user, is_active=True)
        .select_related("home_unit")
        .annotate(member_count=Count("memberships", distinct=True))
        .order_by("name")
    )


@dataclass
class TeamFigures:
    orders_served: int
    orders_open: int
    hours: Decimal
    ratings: int
    rating_avg: float | None


def team_figures(team: Team) -> TeamFigures:
    """Orders the team has served and holds, the hours credited for them and their ratings (indexed reads:
    orders by (team, status), records by (source, source_id)). Models of apps above people are looked up by
    name so people imports none of them."""
    from django.apps import apps
    from django.db.models import Avg, Sum

    Order = apps.get_model("orders", "Order")
    Rating = apps.get_model("orders", "OrderRating")
    Record = apps.get_model("records", "ServiceRecord")
    orders = Order.objects.filter(team=team)
    served = orders.filter(status__in=["served", "closed"])
    rated = Rating.objects.filter(order__team=team).aggregate(n=Count("pk"), avg=Avg("score"))
    hours = Record.objects.filter(source="order", source_id__in=served.values("pk")).aggregate(h=Sum("hours"))["h"]
    return TeamFigures(
        orders_served=served.count(),
        orders_open=orders.filter(status__in=["dispatched", "accepted", "in_service"]).count(),
        hours=hours or Decimal("0"),
        ratings=rated["n"],
        rating_avg=round(float(rated["avg"]), 1) if rated["avg"] is not None else None,
    )


def team_recent_orders(team: Team, limit: int = 20) -> list[Any]:
    from django.apps import apps

    Order = apps.get_model("orders", "Order")
    return list(
        Order.objects.filter(team=team).select_related("unit").order_by("-created_at")[:limit]
    )


def team_requests_pending(team: Team, requests: QuerySet) -> QuerySet:
    return requests.filter(status="pending").select_related("volunteer__user").order_by("created_at")
