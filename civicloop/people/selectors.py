"""Reads for people: search within an already-scoped queryset, grouped station lists, pagination."""

from __future__ import annotations

import re
from collections import defaultdict

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
    return (
        Team.objects.select_related("home_unit", "leader")
        .prefetch_related("served_units")
        .filter(pk=team_id, is_active=True)
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
