"""Venue endpoints under /api/network/: venues, rooms, a room's bookings, booking and cancelling (409 when the
room is taken). Same services and policies as the pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.responses import Status

from civicloop import access
from civicloop.core.schemas import Id
from civicloop.network import policies as policy
from civicloop.network import selectors, services
from civicloop.network.models import Booking, Room, Unit, Venue


class RoomOut(Schema):
    id: int
    venue_id: int
    name: str
    capacity: int
    equipment: str
    opens_at: dt.time
    closes_at: dt.time
    open_days: list[int]


class VenueOut(Schema):
    id: int
    name: str
    kind: str
    unit_id: int
    unit: str
    shared_with_ids: list[int]
    address: str
    rooms: list[RoomOut]


class VenueIn(Schema):
    name: str = Field(..., max_length=100)
    kind: str = Field(Venue.Kind.PRACTICE, max_length=24)
    shared_with_ids: list[Id] = []
    address: str = Field("", max_length=200)
    description: str = Field("", max_length=2000)


class RoomIn(Schema):
    name: str = Field(..., max_length=100)
    capacity: int = Field(30, ge=1, le=5000)
    equipment: str = Field("", max_length=300)
    opens_at: dt.time = dt.time(8, 30)
    closes_at: dt.time = dt.time(21, 0)
    open_days: list[int] = [1, 2, 3, 4, 5, 6, 7]


class BookingIn(Schema):
    starts_at: dt.datetime
    ends_at: dt.datetime
    title: str = Field(..., max_length=100)
    unit_id: Id | None = None
    team_id: Id | None = None


class BookingOut(Schema):
    id: int
    room_id: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    title: str
    unit_id: int | None
    team_id: int | None
    status: str


def _venue_out(venue: Venue) -> dict[str, Any]:
    return {
        "id": venue.pk,
        "name": venue.name,
        "kind": venue.kind,
        "unit_id": venue.unit_id,
        "unit": venue.unit.name,
        "shared_with_ids": sorted(u.pk for u in venue.shared_with.all()),
        "address": venue.address,
        "rooms": list(venue.rooms.filter(is_active=True).order_by("name")),
    }


def _booking_out(b: Booking) -> dict[str, Any]:
    return {
        "id": b.pk, "room_id": b.room_id, "starts_at": b.starts_at, "ends_at": b.ends_at, "title": b.title,
        "unit_id": b.unit_id, "team_id": b.team_id, "status": b.status,
    }


def _get(model: Any, id: int) -> Any:
    row = model.objects.filter(pk=id).first()
    if row is None:
        raise Http404
    return row


def register(router: Router) -> None:
    @router.get("/venues", response=list[VenueOut], tags=["venues"])
    def venue_list(request: HttpRequest) -> list[dict[str, Any]]:
        """Venues the caller may see (hosted in scope or above it, or shared with the caller's units/teams)."""
        rows = policy.visible_venues(request.user).select_related("unit").order_by("unit_path", "name")[:200]
        return [_venue_out(v) for v in rows]

    @router.post("/units/{id}/venues", response={201: VenueOut}, tags=["venues"])
    def venue_create(request: HttpRequest, id: Id, payload: VenueIn) -> Status:
        unit = _get(Unit, id)
        access.require(request, policy.can_manage_venue_at(request.user, unit), action="venue_create", obj=unit)
        shared = list(Unit.objects.filter(pk__in=payload.shared_with_ids))
        if len(shared) != len(set(payload.shared_with_ids)):
            raise ValidationError(_("Choose active units of this district."))
        venue = services.venue_create(
            actor=request.user, unit=unit, name=payload.name, kind=payload.kind, shared_with=shared,
            address=payload.address, description=payload.description,
        )
        return Status(201, _venue_out(venue))

    @router.get("/venues/{id}", response=VenueOut, tags=["venues"])
    def venue_get(request: HttpRequest, id: Id) -> dict[str, Any]:
        venue = _get(Venue, id)
        access.require(request, policy.can_view_venue(request.user, venue), action="venue_view", obj=venue)
        return _venue_out(venue)

    @router.post("/venues/{id}/rooms", response={201: RoomOut}, tags=["venues"])
    def room_create(request: HttpRequest, id: Id, payload: RoomIn) -> Status:
        venue = _get(Venue, id)
        access.require(request, policy.can_manage_venue(request.user, venue), action="room_create", obj=venue)
        room = services.room_create(actor=request.user, venue=venue, **payload.dict())
        return Status(201, room)

    @router.get("/rooms/{id}/bookings", response=list[BookingOut], tags=["venues"])
    def room_bookings(request: HttpRequest, id: Id, start: dt.date | None = None, days: int = 7) -> list[Any]:
        """Confirmed bookings from `start` (default today) for `days` days (1–31)."""
        room = _get(Room, id)
        access.require(request, policy.can_view_venue(request.user, room.venue), action="room_view", obj=room)
        if not 1 <= days <= 31:
            raise ValidationError(_("Ask for 1 to 31 days."))
        first = start or timezone.localdate()
        return [_booking_out(b) for b in selectors.room_bookings(room, first, first + dt.timedelta(days=days - 1))]

    @router.post("/rooms/{id}/bookings", response={201: BookingOut}, tags=["venues"])
    def booking_create(request: HttpRequest, id: Id, payload: BookingIn) -> Status:
        """Book the room for one of the caller's units (`unit_id`) or teams (`team_id`); 409 when it is taken."""
        room = _get(Room, id)
        access.require(request, policy.can_book_room(request.user, room), action="booking_create", obj=room)
        unit = _get(Unit, payload.unit_id) if payload.unit_id else None
        team = None
        if payload.team_id:
            team = next((t for t in policy.bookable_teams(request.user, room.venue) if t.pk == payload.team_id), None)
            if team is None:
                raise access.deny(request, action="booking_create", obj=room)
        booking = services.booking_create(
            actor=request.user, room=room, starts_at=payload.starts_at, ends_at=payload.ends_at,
            title=payload.title, unit=unit, team=team,
        )
        return Status(201, _booking_out(booking))

    @router.post("/bookings/{id}/cancel", response=BookingOut, tags=["venues"])
    def booking_cancel(request: HttpRequest, id: Id) -> dict[str, Any]:
        booking = _get(Booking, id)
        access.require(
            request, policy.can_cancel_booking(request.user, booking), action="booking_cancel", obj=booking
        )
        return _booking_out(services.booking_cancel(actor=request.user, booking=booking))
