"""Venue pages (阵地叠加整合): venues of a unit, their rooms, a room's day/week calendar and its bookings."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from civicloop import access
from civicloop.core.exceptions import Conflict
from civicloop.core.forms import parse_id
from civicloop.network import policies as policy
from civicloop.network import selectors, services
from civicloop.network.forms import BookingForm, RoomForm, VenueForm
from civicloop.network.models import Booking, Room, Unit, Venue


def _get(model: Any, pk: Any, **related: Any) -> Any:
    row_id = parse_id(pk)
    row = model.objects.filter(pk=row_id).first() if row_id else None
    if row is None:
        raise Http404
    return row


def _errors(request: HttpRequest, form: Any, exc: ValidationError) -> None:
    for message in exc.messages:
        form.add_error(None, message)


@login_required
def venue_list(request: HttpRequest) -> HttpResponse:
    venues = policy.visible_venues(request.user).select_related("unit").order_by("unit_path", "name")[:200]
    access.require(request, access.is_staff(request.user) or access.is_leader(request.user), action="venue_list")
    return render(request, "network/venue_list.html", {"venues": venues})


@login_required
def venue_new(request: HttpRequest, pk: int) -> HttpResponse:
    unit = _get(Unit, pk)
    access.require(request, policy.can_manage_venue_at(request.user, unit), action="venue_create", obj=unit)
    units = Unit.objects.filter(path__startswith=unit.path[: Unit.steplen], is_active=True).exclude(pk=unit.pk)
    form = VenueForm(request.POST if request.method == "POST" else None, units=units)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            venue = services.venue_create(
                actor=request.user, unit=unit, name=data["name"], kind=data["kind"],
                shared_with=list(data["shared_with"]), address=data["address"], description=data["description"],
            )
        except ValidationError as exc:
            _errors(request, form, exc)
        else:
            messages.success(request, _("The venue %(name)s was added.") % {"name": venue.name})
            return redirect(venue.get_absolute_url())
    return render(request, "network/venue_form.html", {"unit": unit, "form": form})


@login_required
def venue_detail(request: HttpRequest, pk: int) -> HttpResponse:
    venue = _get(Venue, pk)
    user = request.user
    access.require(request, policy.can_view_venue(user, venue), action="venue_view", obj=venue)
    can_manage = policy.can_manage_venue(user, venue)
    form = RoomForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        access.require(request, can_manage, action="room_create", obj=venue)
        if form.is_valid():
            data = form.cleaned_data
            try:
                room = services.room_create(actor=user, venue=venue, **data)
            except ValidationError as exc:
                _errors(request, form, exc)
            else:
                messages.success(request, _("The room %(name)s was added.") % {"name": room.name})
                return redirect(venue.get_absolute_url())
    return render(
        request,
        "network/venue_detail.html",
        {
            "venue": venue,
            "rooms": venue.rooms.filter(is_active=True).order_by("name"),
            "form": form,
            "can_manage": can_manage,
            "figures": selectors.venue_figures(venue),
        },
    )


def _day(request: HttpRequest) -> dt.date:
    try:
        return dt.date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        return timezone.localdate()


@login_required
def room_calendar(request: HttpRequest, pk: int) -> HttpResponse:
    room = _get(Room, pk)
    user = request.user
    venue = room.venue
    access.require(request, policy.can_view_venue(user, venue), action="room_view", obj=room)
    day = _day(request)
    week = request.GET.get("view") == "week"
    first = day - dt.timedelta(days=day.weekday()) if week else day
    days = [first + dt.timedelta(days=i) for i in range(7 if week else 1)]
    units, teams = policy.booking_units(user, venue), policy.bookable_teams(user, venue)
    can_book = policy.can_book_room(user, room)
    form = BookingForm(
        request.POST if request.method == "POST" else None,
        units=units,
        teams=teams,
        initial={"day": day, "start": "09:00", "end": "11:00"},
    )
    if request.method == "POST":
        access.require(request, can_book, action="booking_create", obj=room)
        if form.is_valid():
            data = form.cleaned_data
            kind, _sep, raw = data["book_for"].partition(":")
            unit = next((u for u in units if str(u.pk) == raw), None) if kind == "unit" else None
            team = next((t for t in teams if str(t.pk) == raw), None) if kind == "team" else None
            tz = timezone.get_current_timezone()
            try:
                booking = services.booking_create(
                    actor=user,
                    room=room,
                    starts_at=dt.datetime.combine(data["day"], data["start"], tzinfo=tz),
                    ends_at=dt.datetime.combine(data["day"], data["end"], tzinfo=tz),
                    title=data["title"],
                    unit=unit,
                    team=team,
                )
            except ValidationError as exc:
                _errors(request, form, exc)
            except Conflict as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("The room is booked."))
                return redirect(f"{room.get_absolute_url()}?date={booking.starts_at.astimezone(tz).date()}")
    bookings = selectors.room_bookings(room, days[0], days[-1], with_events=True)
    cancelled = selectors.room_bookings(room, days[0], days[-1], status=Booking.Status.CANCELLED, with_events=True)
    by_day = [(d, [b for b in bookings if timezone.localtime(b.starts_at).date() == d]) for d in days]
    return render(
        request,
        "network/room_calendar.html",
        {
            "room": room,
            "venue": venue,
            "by_day": by_day,
            "cancelled": cancelled,
            "week": week,
            "day": day,
            "prev": first - dt.timedelta(days=7 if week else 1),
            "next": first + dt.timedelta(days=7 if week else 1),
            "form": form,
            "can_book": can_book,
        },
    )


@login_required
@require_POST
def booking_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    booking = _get(Booking, pk)
    access.require(request, policy.can_cancel_booking(request.user, booking), action="booking_cancel", obj=booking)
    try:
        services.booking_cancel(actor=request.user, booking=booking)
    except (Conflict, PermissionDenied) as exc:
        messages.error(request, str(getattr(exc, "message", exc)))
    else:
        messages.success(request, _("The booking was cancelled."))
    return redirect(booking.room.get_absolute_url())
