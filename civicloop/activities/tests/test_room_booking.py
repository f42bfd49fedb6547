"""An activity planned in a venue room (阵地叠加整合): the room is booked through the network service in the
activity's transaction; a taken room refuses the activity with the booking's message and writes nothing; a
room of a venue not shared with the organising unit is refused."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from civicloop.activities.models import Activity
from civicloop.network import services as network
from civicloop.network.models import Booking

BASE = "/api/activities"
JSON = "application/json"
pytestmark = pytest.mark.django_db


def _at(hour: int) -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=2)
    return dt.datetime.combine(day, dt.time(hour), tzinfo=timezone.get_current_timezone())


@pytest.fixture
def room(personas):
    venue = network.venue_create(actor=personas.office, unit=personas.station, name="万和阳光党群服务中心", kind="party_service")
    return network.room_create(actor=personas.office, venue=venue, name="多功能厅", capacity=60)


def _form(personas, the_room, **over):
    body = {
        "unit": personas.station.pk, "category": "health", "title": "健康讲座", "place": "",
        "room": the_room.pk, "starts_at": _at(9).strftime("%Y-%m-%dT%H:%M"), "ends_at": _at(11).strftime("%Y-%m-%dT%H:%M"),
        "roles": "志愿者 5", "expected_audience": 30, "auto_accept": "on",
    }
    return {**body, **over}


def test_the_form_books_the_room_with_the_activity(client, personas, room):
    client.force_login(personas.station_staff)
    page = client.get("/activities/new/").content.decode()
    assert "万和阳光党群服务中心 · 多功能厅" in page
    r = client.post("/activities/new/", _form(personas, room))
    assert r.status_code == 302, r.content.decode()[:2000]
    activity = Activity.objects.get()
    assert activity.booking is not None and activity.booking.room == room
    assert (activity.booking.starts_at, activity.booking.ends_at) == (_at(9), _at(11))
    assert activity.booking.unit == personas.station and activity.place == "万和阳光党群服务中心 · 多功能厅"


def test_a_taken_room_gives_a_message_and_no_half_written_activity(client, personas, room):
    network.booking_create(actor=personas.station_staff, room=room, starts_at=_at(10), ends_at=_at(12), title="排练", unit=personas.station)
    client.force_login(personas.station_staff)
    r = client.post("/activities/new/", _form(personas, room, place="社区广场"))
    assert r.status_code == 200
    assert "该时段已被预约" in r.content.decode() or "already booked" in r.content.decode()
    assert not Activity.objects.exists()
    assert Booking.objects.count() == 1
    # the API twin answers 409 with the same message, and writes nothing either
    api = client.post(f"{BASE}/", {**_form(personas, room), "starts_at": _at(9).isoformat(), "ends_at": _at(11).isoformat()}, content_type=JSON)
    assert api.status_code == 409
    assert not Activity.objects.exists() and Booking.objects.count() == 1


def test_the_api_books_a_room_too(client, personas, room):
    client.force_login(personas.station_staff)
    body = {**_form(personas, room), "starts_at": _at(14).isoformat(), "ends_at": _at(16).isoformat()}
    body.pop("auto_accept")
    r = client.post(f"{BASE}/", body, content_type=JSON)
    assert r.status_code == 201, r.content
    assert Activity.objects.get(pk=r.json()["id"]).booking.room == room
    assert r.json()["place"] == "万和阳光党群服务中心 · 多功能厅"


def test_a_room_outside_the_organisers_reach_is_refused(client, personas, room):
    """The sibling station's staff do not see the room and cannot book it by id; the room of a venue not
    shared with the organising unit is refused even to the office."""
    client.force_login(personas.sibling)
    assert "多功能厅" not in client.get("/activities/new/").content.decode()
    body = {**_form(personas, room, unit=personas.station_b.pk), "starts_at": _at(9).isoformat(), "ends_at": _at(11).isoformat()}
    assert client.post(f"{BASE}/", body, content_type=JSON).status_code == 400
    client.force_login(personas.office)
    refused = client.post("/activities/new/", _form(personas, room, unit=personas.station_b.pk))
    assert refused.status_code == 200
    assert "不对组织单位开放" in refused.content.decode() or "not shared with the organising unit" in refused.content.decode()
    assert not Activity.objects.exists() and not Booking.objects.exists()


def test_without_a_room_a_place_is_still_needed(client, personas, room):
    client.force_login(personas.station_staff)
    r = client.post("/activities/new/", _form(personas, room, room=""))
    assert r.status_code == 200 and not Activity.objects.exists()
    assert "选择阵地场室" in r.content.decode() or "pick a venue room" in r.content.decode()


def test_a_new_time_moves_the_booking_and_cancelling_gives_the_room_back(client, personas, room):
    client.force_login(personas.station_staff)
    body = {**_form(personas, room), "starts_at": _at(9).isoformat(), "ends_at": _at(11).isoformat()}
    body.pop("auto_accept")
    pk = client.post(f"{BASE}/", body, content_type=JSON).json()["id"]
    network.booking_create(actor=personas.station_staff, room=room, starts_at=_at(15), ends_at=_at(17), title="排练", unit=personas.station)
    taken = client.patch(f"{BASE}/{pk}", {"starts_at": _at(16).isoformat(), "ends_at": _at(18).isoformat()}, content_type=JSON)
    assert taken.status_code == 409
    activity = Activity.objects.get(pk=pk)
    assert activity.starts_at == _at(9) and activity.booking.status == "confirmed" and activity.booking.starts_at == _at(9)
    moved = client.patch(f"{BASE}/{pk}", {"starts_at": _at(12).isoformat(), "ends_at": _at(14).isoformat()}, content_type=JSON)
    assert moved.status_code == 200
    activity.refresh_from_db()
    assert (activity.booking.starts_at, activity.booking.status) == (_at(12), "confirmed")
    assert Booking.objects.filter(room=room, status="cancelled", starts_at=_at(9)).count() == 1
    assert client.post(f"{BASE}/{pk}/cancel", {"reason": "天气原因"}, content_type=JSON).status_code == 200
    activity.refresh_from_db()
    assert activity.status == "cancelled" and activity.booking.status == "cancelled"
    # the slot is free again for someone else
    network.booking_create(actor=personas.station_staff, room=room, starts_at=_at(12), ends_at=_at(14), title="读书会", unit=personas.station)
