"""Writes for the unit tree and memberships."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from civicloop.access import forget
from civicloop.audit.services import audit_record
from civicloop.core.exceptions import Conflict
from civicloop.core.validators import MOBILE_RE, normalize_phone
from civicloop.core.workflow import Actor
from civicloop.network.models import Booking, Membership, Room, Unit, Venue
from civicloop.network.workflow import BOOKING

if TYPE_CHECKING:
    from civicloop.people.models import User

# Which practice level may sit under which (a department or venue may hang anywhere).
CHILD_LEVEL = {"": "center", "center": "institute", "institute": "station", "station": "point"}
EDITABLE = (
    "name",
    "division_code",
    "industry",
    "address",
    "lat",
    "lng",
    "contact_name",
    "contact_phone",
    "description",
)


def unit_validate(unit: Unit) -> Unit:
    """Check a unit's own fields (name, division code, coordinates); raise ValidationError with a clear message."""
    if not unit.name.strip():
        raise ValidationError(_("Enter the unit's name."))
    if unit.division_code and not (unit.division_code.isdigit() and len(unit.division_code) in (6, 9, 12)):
        raise ValidationError(_("An administrative division code has 6, 9 or 12 digits."))
    unit.contact_phone = unit_contact_phone(unit.contact_phone)
    unit.full_clean(exclude=["path", "depth", "numchild"])
    return unit


# A unit's public number is a mobile or a landline with its area code (0472-1234567, ext. allowed).
LANDLINE_RE = re.compile(r"^0\d{2,3}-?\d{7,8}(-\d{1,6})?$")


def unit_contact_phone(value: str) -> str:
    """The contact phone, normalised; a mobile or an area-code landline, else ValidationError."""
    value = (value or "").strip()
    if not value:
        return ""
    mobile = normalize_phone(value)
    if MOBILE_RE.match(mobile):
        return mobile
    landline = re.sub(r"[\s()（）]", "", value).replace("—", "-")
    if LANDLINE_RE.match(landline):
        return landline
    raise ValidationError(
        _("Enter a mobile number or a landline with its area code, e.g. 0472-1234567."), code="invalid_phone"
    )


@transaction.atomic
def unit_create(
    *,
    parent: Unit | None,
    name: str,
    level: str = "",
    kind: str = Unit.Kind.PRACTICE,
    actor: Actor = None,
    **fields: Any,
) -> Unit:
    """Add a unit under `parent` (or a new root). Practice units follow centre → institute → station → point."""
    if kind not in Unit.Kind.values:
        raise ValidationError(_("Unknown unit kind."))
    if kind == Unit.Kind.PRACTICE:
        expected = CHILD_LEVEL.get(parent.level if parent else "")
        if parent is not None and not parent.is_practice:
            raise ValidationError(_("Practice units can only be added under practice units."))
        level = level or (expected or "")
        if level != expected:
            raise ValidationError(
                _("A unit under this one must be a %(level)s.")
                % {"level": Unit.Level(expected).label if expected else "-"}
            )
    else:
        level = ""
        if parent is None:
            raise ValidationError(_("Departments, organisations and venues belong under a practice unit."))
    unit = unit_validate(Unit(name=name.strip(), level=level, kind=kind, **fields))
    create_kwargs = {
        f.name: getattr(unit, f.name)
        for f in Unit._meta.concrete_fields
        if f.name not in ("id", "path", "depth", "numchild", "created_at")
    }
    if parent is None:
        created = Unit.objects.add_root(create_kwargs=create_kwargs)
    else:
        created = Unit.objects.add_child(Unit.objects.get(pk=parent.pk), create_kwargs=create_kwargs)
    if actor is not None:
        audit_record(action="unit_create", actor=actor, unit=created, obj=created, detail=created.name)
    return created


@transaction.atomic
def unit_update(*, unit: Unit, actor: Actor, **changes: Any) -> Unit:
    for key, value in changes.items():
        if key not in EDITABLE:
            raise ValidationError(_("This field cannot be changed here."))
        setattr(unit, key, value)
    unit_validate(unit)
    unit.save(update_fields=list(changes))
    audit_record(action="unit_update", actor=actor, unit=unit, obj=unit, detail=",".join(sorted(changes)))
    return unit


@transaction.atomic
def membership_grant(*, user: Any, unit: Unit, role: str, actor: Actor = None, title: str = "") -> Membership:
    if role not in Membership.Role.values:
        raise ValidationError(_("Unknown role."))
    if not user.is_active:
        raise ValidationError(_("This account is disabled."))
    membership, created = Membership.objects.get_or_create(
        user=user, unit=unit, role=role, defaults={"title": title}
    )
    if not created:  # granting a role someone already holds changes nothing
        return membership
    forget(user)
    audit_record(
        action="role_grant", actor=actor, unit=unit, obj=membership, detail=f"{user.username}:{role}"
    )
    return membership


@transaction.atomic
def membership_revoke(*, membership: Membership, actor: Actor = None) -> None:
    audit_record(
        action="role_revoke",
        actor=actor,
        unit=membership.unit,
        obj=membership,
        detail=f"{membership.user.username}:{membership.role}",
    )
    membership.delete()
    forget(membership.user)


# --- venues, rooms and bookings (阵地叠加整合) -----------------------------------------------------------------

MAX_BOOKING = dt.timedelta(hours=12)


@transaction.atomic(durable=True)
def venue_create(
    *,
    actor: Actor,
    unit: Unit,
    name: str,
    kind: str = Venue.Kind.PRACTICE,
    shared_with: Iterable[Unit] = (),
    address: str = "",
    description: str = "",
) -> Venue:
    from civicloop.network.policies import can_manage_venue_at

    if not can_manage_venue_at(actor, unit):
        raise PermissionDenied(_("You do not have permission to do this."))
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": [_("Enter the venue's name.")]})
    if kind not in Venue.Kind.values:
        raise ValidationError({"kind": [_("Choose the kind of venue.")]})
    shared = [u for u in dict.fromkeys(shared_with) if u.pk != unit.pk]
    root = unit.path[: Unit.steplen]
    if any(not u.is_active or not u.path.startswith(root) for u in shared):
        raise ValidationError({"shared_with": [_("Choose active units of this district.")]})
    venue = Venue.objects.create(
        name=name[:100], kind=kind, unit=unit, unit_path=unit.path, address=(address or "").strip()[:200],
        description=(description or "").strip()[:2000],
    )
    venue.shared_with.set(shared)
    audit_record(action="venue_create", actor=actor, unit=unit, obj=venue, detail=venue.name)
    return venue


@transaction.atomic(durable=True)
def room_create(
    *,
    actor: Actor,
    venue: Venue,
    name: str,
    capacity: int,
    equipment: str = "",
    opens_at: dt.time = dt.time(8, 30),
    closes_at: dt.time = dt.time(21, 0),
    open_days: Iterable[int] = (1, 2, 3, 4, 5, 6, 7),
) -> Room:
    from civicloop.network.policies import can_manage_venue

    if not can_manage_venue(actor, venue):
        raise PermissionDenied(_("You do not have permission to do this."))
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": [_("Enter the room's name.")]})
    if not isinstance(capacity, int) or not 1 <= capacity <= 5000:
        raise ValidationError({"capacity": [_("Seats must be between 1 and 5000.")]})
    if opens_at >= closes_at:
        raise ValidationError({"closes_at": [_("The room must close after it opens.")]})
    days = sorted({int(d) for d in open_days})
    if not days or any(d < 1 or d > 7 for d in days):
        raise ValidationError({"open_days": [_("Choose the days the room is open.")]})
    room = Room.objects.create(
        venue=venue, name=name[:100], capacity=capacity, equipment=(equipment or "").strip()[:300],
        opens_at=opens_at, closes_at=closes_at, open_days=days,
    )
    audit_record(action="room_create", actor=actor, unit=venue.unit, obj=room, detail=room.name)
    return room


def _booking_times(room: Room, starts_at: dt.datetime, ends_at: dt.datetime) -> None:
    if timezone.is_naive(starts_at) or timezone.is_naive(ends_at):
        raise ValidationError(_("Give the time with its time zone."))
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": [_("The booking must end after it starts.")]})
    if ends_at - starts_at > MAX_BOOKING:
        raise ValidationError({"ends_at": [_("A booking lasts at most 12 hours.")]})
    if ends_at <= timezone.now():
        raise ValidationError({"starts_at": [_("This time is already past.")]})
    start, end = timezone.localtime(starts_at), timezone.localtime(ends_at)
    if start.date() != end.date() or start.time() < room.opens_at or end.time() > room.closes_at:
        raise ValidationError(
            _("The room is open from %(opens)s to %(closes)s.")
            % {"opens": room.opens_at.strftime("%H:%M"), "closes": room.closes_at.strftime("%H:%M")}
        )
    if room.open_days and start.isoweekday() not in room.open_days:
        raise ValidationError(_("The room is closed on that day."))


@transaction.atomic(durable=True)
def booking_create(
    *,
    actor: Actor,
    room: Room,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    title: str,
    unit: Unit | None = None,
    team: Any = None,
) -> Booking:
    """Book a room for a unit or a team. Of two simultaneous bookings of overlapping times exactly one wins:
    the room row is locked (PostgreSQL) or the IMMEDIATE transaction holds the write lock (SQLite) while the
    overlap is checked, and PostgreSQL's exclusion constraint refuses whatever slips past."""
    return book_room(actor=actor, room=room, starts_at=starts_at, ends_at=ends_at, title=title, unit=unit, team=team)


def book_room(
    *,
    actor: Actor,
    room: Room,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    title: str,
    unit: Unit | None = None,
    team: Any = None,
) -> Booking:
    """The booking inside the caller's transaction: another use case (an activity planned in a room) books
    the room and writes its own rows in one transaction, so a taken room leaves nothing half-written."""
    from civicloop.network.policies import bookable_teams, booking_units

    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("book_room runs inside the caller's transaction")

    venue = room.venue
    if (unit is None) == (team is None):
        raise ValidationError(_("Book for one unit or one team."))
    if unit is not None and unit.pk not in {u.pk for u in booking_units(actor, venue)}:
        raise PermissionDenied(_("You do not have permission to do this."))
    if team is not None and team.pk not in {t.pk for t in bookable_teams(actor, venue)}:
        raise PermissionDenied(_("You do not have permission to do this."))
    if not room.is_active or not venue.is_active:
        raise Conflict(_("This room cannot be booked now."))
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": [_("Say what the room is booked for.")]})
    _booking_times(room, starts_at, ends_at)
    Room.objects.select_for_update().filter(pk=room.pk).first()
    taken = _("The room is already booked at this time.")
    overlap = Booking.objects.filter(
        room=room, status=Booking.Status.CONFIRMED, starts_at__lt=ends_at, ends_at__gt=starts_at
    )
    if overlap.exists():
        raise Conflict(taken)
    try:
        with transaction.atomic():
            booking = Booking.objects.create(
                room=room, unit_path=venue.unit_path, starts_at=starts_at, ends_at=ends_at, title=title[:100],
                unit=unit, team=team, booked_by=actor,
            )
    except IntegrityError as exc:  # PostgreSQL's exclusion constraint: a booking committed meanwhile
        raise Conflict(taken) from exc
    BOOKING.begin(booking, actor=actor, step="book")
    return booking


@transaction.atomic(durable=True)
def booking_cancel(*, actor: Actor, booking: Booking) -> Booking:
    return release_booking(actor=actor, booking=booking)


def release_booking(*, actor: Actor, booking: Booking, with_activity: bool = False) -> Booking:
    """Cancel a booking inside the caller's transaction. `with_activity`: the booking belongs to an activity
    its manager cancels or moves, and goes with it (the activity's own rules decided who may do that)."""
    from civicloop.network.policies import can_cancel_booking

    if not with_activity and not can_cancel_booking(actor, booking):
        raise PermissionDenied(_("You do not have permission to do this."))
    if booking.status != Booking.Status.CONFIRMED:
        raise Conflict(_("This booking is already cancelled."))
    BOOKING.apply("cancel", booking, actor=actor, cleaned={}, skip_actor_check=True)  # checked just above
    return booking


# --- places (全域化 coverage) -------------------------------------------------------------------------------


@transaction.atomic(durable=True)
def place_link(*, actor: User, place: Any, unit: Unit | None, opened_on: dt.date | None = None) -> Any:
    """Record which 所/站 covers a place (or that none does yet) and when it opened; the office only."""
    from civicloop.access import is_office

    if not is_office(actor):
        raise PermissionDenied(_("You do not have permission to do this."))
    if unit is not None:
        expected = Unit.Level.INSTITUTE if place.is_town else Unit.Level.STATION
        if unit.kind != Unit.Kind.PRACTICE or unit.level != expected:
            raise ValidationError({"unit": [_("A town is covered by an institute, a village by a station.")]})
        if type(place).objects.filter(unit=unit).exclude(pk=place.pk).exists():
            raise ValidationError({"unit": [_("This unit already covers another place.")]})
        if opened_on and opened_on > timezone.localdate():
            raise ValidationError({"opened_on": [_("The opening date cannot be in the future.")]})
    place.unit = unit
    place.opened_on = opened_on if unit is not None else None
    place.save(update_fields=["unit", "opened_on"])
    audit_record(action="place_link", actor=actor, unit=unit, obj=place, detail=f"unit {unit.pk if unit else '-'}")
    return place
