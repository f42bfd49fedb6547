"""Reads for the unit tree: scoped lists and subtree counts computed by a fixed number of aggregate queries."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Substr

from civicloop import access
from civicloop.network.models import Membership, Unit

if TYPE_CHECKING:
    from collections.abc import Iterable


@dataclass
class UnitCounts:
    children: int = 0
    volunteers: int = 0
    teams: int = 0
    residents: int = 0


@dataclass
class UnitRow:
    unit: Unit
    counts: UnitCounts = field(default_factory=UnitCounts)


def _subtree_counts(qs: QuerySet[Any], units: list[Unit]) -> dict[str, int]:
    """Rows of `qs` per unit subtree, keyed by unit path; one query per distinct depth among `units`."""
    found: dict[str, int] = {}
    by_length: dict[int, list[str]] = defaultdict(list)
    for unit in units:
        by_length[len(unit.path)].append(unit.path)
    for length, paths in by_length.items():
        prefix = Q()
        for path in paths:
            prefix |= Q(unit_path__startswith=path)
        rows = (
            qs.filter(prefix)
            .annotate(branch=Substr("unit_path", 1, length))
            .values("branch")
            .annotate(n=Count("pk"))
            .order_by()
        )
        found.update({row["branch"]: row["n"] for row in rows})
    return found


def unit_rows(user: Any, units: Iterable[Unit]) -> list[UnitRow]:
    """Each unit with its subtree counts of volunteers, teams and residents the user may see."""
    units = list(units)
    if not units:
        return []
    volunteers = _subtree_counts(access.visible_volunteers(user).filter(is_active=True), units)
    teams = _subtree_counts(access.visible_teams(user).filter(is_active=True), units)
    residents = _subtree_counts(access.visible_residents(user), units)
    return [
        UnitRow(
            unit=u,
            counts=UnitCounts(
                children=u.numchild,
                volunteers=volunteers.get(u.path, 0),
                teams=teams.get(u.path, 0),
                residents=residents.get(u.path, 0),
            ),
        )
        for u in units
    ]


def tree_tops(user: Any) -> list[Unit]:
    """The highest units the user may see: their staff units, minus any that lie inside another."""
    units = sorted(access.staff_units(user), key=lambda u: u.path)
    tops: list[Unit] = []
    for unit in units:
        if not any(unit.path.startswith(top.path) for top in tops):
            tops.append(unit)
    return tops


def unit_children(user: Any, unit: Unit) -> QuerySet[Unit]:
    """The direct children of a unit, among the units the user may see."""
    return (
        access.visible_units(user).filter(path__startswith=unit.path, depth=unit.depth + 1).order_by("path")
    )


def unit_ancestors(user: Any, unit: Unit) -> QuerySet[Unit]:
    """The units above this one that the user may also open, root first (for the breadcrumb)."""
    paths = unit.ancestor_paths(include_self=False)
    return access.visible_units(user).filter(path__in=paths).order_by("path")


def unit_staff(unit: Unit) -> QuerySet[Membership]:
    return Membership.objects.filter(unit=unit).select_related("user").order_by("role", "user__username")


def account_by_username(username: str) -> Any:
    """The account to hand a role to (usernames are unique, case-insensitively), or None."""
    from civicloop.people.models import User

    return User.objects.filter(username__iexact=username.strip()).first()


def room_bookings(
    room: Any, first: dt.date, last: dt.date, *, status: str = "confirmed", with_events: bool = False
) -> list[Any]:
    """Bookings of a room (confirmed, or those in `status`) from the first to the last day (local time), by start
    (indexed); `with_events` fetches each one's timeline with them (the room page)."""
    from django.utils import timezone

    from civicloop.network.models import Booking

    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(first, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    rows = (
        Booking.objects.filter(room=room, status=status, starts_at__lt=end, ends_at__gt=start)
        .select_related("unit", "team")
        .order_by("starts_at")
    )
    return list(rows.prefetch_related("events__actor", "events__unit") if with_events else rows)


def venue_figures(venue: Any) -> dict[str, Any]:
    """Use of a venue over the last 30 days: bookings, hours booked, and how many units and teams booked."""
    from django.utils import timezone

    from civicloop.network.models import Booking

    since = timezone.now() - dt.timedelta(days=30)
    rows = Booking.objects.filter(room__venue=venue, status=Booking.Status.CONFIRMED, starts_at__gte=since)
    agg = rows.aggregate(n=Count("pk"), units=Count("unit", distinct=True), teams=Count("team", distinct=True))
    # at most a few hundred bookings a month per venue; summed here, the same on SQLite and PostgreSQL
    span = sum(
        ((end - start).total_seconds() for start, end in rows.values_list("starts_at", "ends_at")[:5000]), 0.0
    )
    return {"bookings": agg["n"], "hours": round(span / 3600, 1), "units": agg["units"], "teams": agg["teams"]}


@dataclass
class CoverageRow:
    place: Any
    unit: Any
    opened_on: dt.date | None
    villages: int = 0
    villages_covered: int = 0
    children: list[Any] = field(default_factory=list)

    @property
    def rate(self) -> float | None:
        return round(100 * self.villages_covered / self.villages, 1) if self.villages else None


def coverage(root_code: str = "") -> dict[str, Any]:
    """Every town/street with its 所 and every village/community with its 站, and coverage rates: per town
    (villages with a station / villages), for the district (towns with an institute, villages with a station)."""
    from civicloop.network.models import Place

    places = list(Place.objects.select_related("unit").order_by("code"))
    if root_code:
        places = [p for p in places if p.code.startswith(root_code)]
    towns: dict[int, CoverageRow] = {}
    for place in places:
        if place.is_town:
            towns[place.pk] = CoverageRow(place, place.unit, place.opened_on)
    for place in places:
        if not place.is_town and place.parent_id in towns:
            row = towns[place.parent_id]
            covered = place.unit is not None and place.unit.is_active
            row.villages += 1
            row.villages_covered += int(covered)
            row.children.append(CoverageRow(place, place.unit if covered else None, place.opened_on))
    rows = list(towns.values())
    villages = sum(r.villages for r in rows)
    villages_covered = sum(r.villages_covered for r in rows)
    towns_covered = sum(1 for r in rows if r.unit is not None and r.unit.is_active)
    return {
        "towns": rows,
        "town_count": len(rows),
        "towns_covered": towns_covered,
        "town_rate": round(100 * towns_covered / len(rows), 1) if rows else None,
        "village_count": villages,
        "villages_covered": villages_covered,
        "village_rate": round(100 * villages_covered / villages, 1) if villages else None,
    }
