"""Venues (阵地叠加整合): the office adds a venue and its rooms for a station; the station's staff and teams book
rooms without conflicts (one winner of simultaneous bookings, on SQLite and PostgreSQL); the sibling is refused."""

from __future__ import annotations

import datetime as dt
import json
import threading
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connections
from django.utils import timezone
from django.utils.translation import override

from civicloop.audit.models import AuditEvent
from civicloop.core.exceptions import Conflict
from civicloop.network import services
from civicloop.network.models import Booking, Room, Venue


def _at(hour: int, days: int = 1) -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(hour), tzinfo=timezone.get_current_timezone())


def _room(p: Any) -> Room:
    venue = services.venue_create(
        actor=p.office, unit=p.station, name="万和阳光党群服务中心", kind="party_service", shared_with=[p.point]
    )
    return services.room_create(actor=p.office, venue=venue, name="多功能厅", capacity=60, equipment="投影仪")


@pytest.mark.django_db
def test_office_adds_a_venue_and_room_and_the_station_books_it(personas):
    p = personas
    room = _room(p)
    booking = services.booking_create(
        actor=p.station_staff, room=room, starts_at=_at(9), ends_at=_at(11), title="健康讲座", unit=p.station
    )
    assert booking.status == "confirmed"
    with pytest.raises(Conflict):
        services.booking_create(
            actor=p.leader, room=room, starts_at=_at(10), ends_at=_at(12), title="排练", team=p.team
        )
    team_booking = services.booking_create(
        actor=p.leader, room=room, starts_at=_at(11), ends_at=_at(12), title="排练", team=p.team
    )  # back to back is fine: ranges are half-open
    assert team_booking.pk
    assert AuditEvent.objects.filter(action="network.booking.book").count() == 2  # the first event's audit row
    services.booking_cancel(actor=p.station_staff, booking=booking)
    services.booking_create(
        actor=p.station_staff, room=room, starts_at=_at(9), ends_at=_at(11), title="改期讲座", unit=p.station
    )


@pytest.mark.django_db
def test_sibling_and_outsiders_are_refused(personas):
    p = personas
    room = _room(p)
    with pytest.raises(PermissionDenied):
        services.venue_create(actor=p.sibling, unit=p.station, name="越权阵地")
    with pytest.raises(PermissionDenied):
        services.room_create(actor=p.sibling, venue=room.venue, name="越权", capacity=5)
    with pytest.raises(PermissionDenied):
        services.booking_create(
            actor=p.sibling, room=room, starts_at=_at(9), ends_at=_at(10), title="x", unit=p.station_b
        )
    with pytest.raises(PermissionDenied):  # team B serves station B, not the venue's units
        services.booking_create(
            actor=p.team_b.leader, room=room, starts_at=_at(9), ends_at=_at(10), title="x", team=p.team_b
        )
    assert not Booking.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "start,end,message",
    [
        (lambda: _at(11), lambda: _at(9), "结束"),
        (lambda: _at(6), lambda: _at(8), "开放时间"),
        (lambda: _at(9, -2), lambda: _at(10, -2), "已经过去"),
    ],
)
def test_bad_times_are_refused(personas, start, end, message):
    room = _room(personas)
    with override("zh-hans"), pytest.raises(ValidationError) as exc:
        services.booking_create(
            actor=personas.station_staff, room=room, starts_at=start(), ends_at=end(), title="x",
            unit=personas.station,
        )
    assert message in " ".join(exc.value.messages)


@pytest.mark.django_db
def test_api_venue_room_and_booking(client, personas):
    p = personas
    client.force_login(p.office)
    venue = client.post(
        f"/api/network/units/{p.station.pk}/venues", json.dumps({"name": "综合文化站", "kind": "culture_station"}),
        content_type="application/json",
    )
    assert venue.status_code == 201
    room = client.post(
        f"/api/network/venues/{venue.json()['id']}/rooms", json.dumps({"name": "排练厅", "capacity": 40}),
        content_type="application/json",
    )
    assert room.status_code == 201
    room_id = room.json()["id"]
    client.force_login(p.sibling)
    assert client.get(f"/api/network/venues/{venue.json()['id']}").status_code == 403
    body = {"starts_at": _at(14).isoformat(), "ends_at": _at(16).isoformat(), "title": "排练", "unit_id": p.station_b.pk}
    assert client.post(f"/api/network/rooms/{room_id}/bookings", json.dumps(body), content_type="application/json").status_code == 403
    client.force_login(p.leader)
    body = {**body, "unit_id": None, "team_id": p.team.pk}
    first = client.post(f"/api/network/rooms/{room_id}/bookings", json.dumps(body), content_type="application/json")
    assert first.status_code == 201
    again = client.post(f"/api/network/rooms/{room_id}/bookings", json.dumps(body), content_type="application/json")
    assert again.status_code == 409
    listed = client.get(f"/api/network/rooms/{room_id}/bookings?start={_at(0).date().isoformat()}&days=2")
    assert [b["title"] for b in listed.json()] == ["排练"]


@pytest.mark.django_db
def test_pages_calendar_and_booking_form(client, personas):
    p = personas
    client.force_login(p.office)
    response = client.post(f"/network/units/{p.station.pk}/venues/new/", {"name": "党群服务中心", "kind": "party_service"})
    venue = Venue.objects.get(name="党群服务中心")
    assert response.status_code == 302
    client.post(venue.get_absolute_url(), {
        "name": "会议室", "capacity": "20", "opens_at": "08:00", "closes_at": "20:00", "open_days": [str(d) for d in range(1, 8)],
    })
    room = Room.objects.get(venue=venue)
    client.force_login(p.station_staff)
    day = _at(9).date().isoformat()
    response = client.post(f"/network/rooms/{room.pk}/?date={day}", {
        "day": day, "start": "09:00", "end": "10:00", "title": "志愿者培训", "book_for": f"unit:{p.station.pk}",
    })
    assert response.status_code == 302
    page = client.get(f"/network/rooms/{room.pk}/?date={day}&view=week").content.decode()
    assert "志愿者培训" in page
    clash = client.post(f"/network/rooms/{room.pk}/?date={day}", {
        "day": day, "start": "09:30", "end": "10:30", "title": "冲突", "book_for": f"unit:{p.station.pk}",
    })
    assert clash.status_code == 200 and "该时段已被预约" in clash.content.decode()
    client.force_login(p.sibling)
    assert client.get(f"/network/rooms/{room.pk}/").status_code == 403
    assert client.get(venue.get_absolute_url()).status_code == 403


@pytest.mark.django_db(transaction=True)
def test_simultaneous_bookings_of_the_same_room_and_time_have_one_winner(personas):
    p = personas
    room = _room(p)
    bookers = [p.station_staff, p.institute_staff, p.office, p.leader]
    results: list[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(len(bookers))

    def book(user_pk: int) -> None:
        from civicloop.people.models import Team, User

        try:
            user = User.objects.get(pk=user_pk)
            target = Room.objects.select_related("venue").get(pk=room.pk)
            kwargs: dict[str, Any] = {"unit": p.station} if user_pk != p.leader.pk else {
                "team": Team.objects.get(pk=p.team.pk)
            }
            barrier.wait(timeout=60)
            with override("zh-hans"):
                try:
                    services.booking_create(
                        actor=user, room=target, starts_at=_at(15), ends_at=_at(17), title="同时预约", **kwargs
                    )
                    outcome = "won"
                except Conflict as exc:
                    outcome = "taken" if "已被预约" in exc.message else f"other: {exc.message}"
            with lock:
                results.append(outcome)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=book, args=(u.pk,)) for u in bookers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert sorted(results) == ["taken", "taken", "taken", "won"]
    assert Booking.objects.filter(room=room, status="confirmed").count() == 1


@pytest.mark.django_db
def test_postgresql_refuses_overlapping_rows_even_past_the_service(personas):
    """The exclusion constraint is the last line: a row written around the service still cannot overlap."""
    from django.db import IntegrityError, connection, transaction

    if connection.vendor != "postgresql":
        pytest.skip("the exclusion constraint exists on PostgreSQL only")
    room = _room(personas)
    Booking.objects.create(room=room, unit_path=room.venue.unit_path, starts_at=_at(9), ends_at=_at(11), title="a")
    with pytest.raises(IntegrityError), transaction.atomic():
        Booking.objects.create(room=room, unit_path=room.venue.unit_path, starts_at=_at(10), ends_at=_at(12), title="b")
    Booking.objects.create(
        room=room, unit_path=room.venue.unit_path, starts_at=_at(10), ends_at=_at(12), title="c", status="cancelled"
    )
