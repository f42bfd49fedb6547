"""Access policies for the unit tree and memberships (who may see a unit, change it, hand out roles), and for
venues and rooms (who may manage them, see their calendars and book them: 阵地叠加整合)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet

from civicloop.access import (
    in_scope,
    is_office,
    led_teams,
    path_in_scope,
    scope_q,
    staff_units,
    visible_units,
)
from civicloop.network.models import Booking, Membership, Room, Unit, Venue

if TYPE_CHECKING:
    from civicloop.people.models import User


def can_view_unit(user: User, unit: Unit) -> bool:
    return in_scope(user, unit)


def can_manage_roles(user: User, unit: Unit) -> bool:
    """Office, or staff of a unit strictly above this one: nobody hands out roles in their own unit."""
    if is_office(user):
        return True
    return any(unit.path.startswith(u.path) and len(unit.path) > len(u.path) for u in staff_units(user))


def can_revoke_membership(user: User, membership: Membership) -> bool:
    return membership.user_id != getattr(user, "pk", None) and can_manage_roles(user, membership.unit)


def visible_memberships(user: User) -> QuerySet[Membership]:
    return Membership.objects.filter(unit__in=visible_units(user))


def visible_accounts(user: User) -> QuerySet[User]:
    """Accounts tied to the user's scope: staff of visible units, and volunteers and residents in scope."""
    from civicloop.access import visible_residents, visible_volunteers
    from civicloop.people.models import User

    if not staff_units(user):
        return User.objects.none()
    units = visible_units(user)
    return User.objects.filter(
        Q(memberships__unit__in=units)
        | Q(volunteer__in=visible_volunteers(user))
        | Q(resident__in=visible_residents(user))
    ).distinct()


# --- venues and rooms --------------------------------------------------------------------------------------


def can_manage_venue_at(user: Any, unit: Unit) -> bool:
    """Add a venue hosted by this unit: staff of the unit or above."""
    return unit.kind == Unit.Kind.PRACTICE and in_scope(user, unit)


def can_manage_venue(user: Any, venue: Venue) -> bool:
    return path_in_scope(user, venue.unit_path)


def _sharing_paths(venue: Venue) -> list[str]:
    return [venue.unit_path, *(u.path for u in venue.shared_with.all())]


def _related(path: str, paths: list[str]) -> bool:
    """Does this unit path sit under, or above, one of the venue's host or sharing units?"""
    return any(path.startswith(p) or p.startswith(path) for p in paths)


def venue_serves_unit(venue: Venue, unit: Unit) -> bool:
    """Is the venue hosted by, or shared with, this unit or a unit above or below it (阵地叠加: a station's
    activity may use the town's shared 党群服务中心)?"""
    return _related(unit.path, _sharing_paths(venue))


def bookable_rooms(user: Any) -> QuerySet[Room]:
    """Active rooms of the venues this user can book at (the room picker of an activity)."""
    return (
        Room.objects.filter(is_active=True, venue__in=visible_venues(user))
        .select_related("venue")
        .order_by("venue__name", "name")
    )


def bookable_teams(user: Any, venue: Venue) -> list[Any]:
    """Active teams this user leads whose home unit sits under or above the host unit or a sharing unit."""
    paths = _sharing_paths(venue)
    return [t for t in led_teams(user).select_related("home_unit") if _related(t.unit_path, paths)]


def booking_units(user: Any, venue: Venue) -> list[Unit]:
    """Units this user's staff roles may book for: under or above the host unit or a unit sharing the venue."""
    paths = _sharing_paths(venue)
    units = [u for u in staff_units(user) if _related(u.path, paths)]
    if in_scope(user, venue.unit) and all(u.pk != venue.unit_id for u in units):
        units.insert(0, venue.unit)  # staff above the host book in the host unit's name too
    return units


def can_book_room(user: Any, room: Room) -> bool:
    venue = room.venue
    return (
        room.is_active
        and venue.is_active
        and (bool(booking_units(user, venue)) or bool(bookable_teams(user, venue)))
    )


def can_view_venue(user: Any, venue: Venue) -> bool:
    return (
        can_manage_venue(user, venue) or bool(booking_units(user, venue)) or bool(bookable_teams(user, venue))
    )


def can_cancel_booking(user: Any, booking: Booking) -> bool:
    return (
        booking.booked_by_id == getattr(user, "pk", None)
        or path_in_scope(user, booking.unit_path)
        or (booking.team_id is not None and booking.team.leader_id == getattr(user, "pk", None))
    )


def visible_venues(user: Any) -> QuerySet[Venue]:
    """Venues hosted in the user's staff scope or above it, or shared with a unit related to the user's staff
    units or led teams (the same reach as `can_view_venue`, as a query)."""
    if not getattr(user, "is_authenticated", False):
        return Venue.objects.none()
    paths = [u.path for u in staff_units(user)] + list(led_teams(user).values_list("unit_path", flat=True))
    if not paths:
        return Venue.objects.none()
    condition = scope_q(user)
    for path in paths:
        ancestors = [path[:i] for i in range(Unit.steplen, len(path) + 1, Unit.steplen)]
        condition |= Q(unit_path__startswith=path) | Q(unit_path__in=ancestors)
        condition |= Q(shared_with__path__startswith=path) | Q(shared_with__path__in=ancestors)
    return Venue.objects.filter(condition, is_active=True).distinct()
