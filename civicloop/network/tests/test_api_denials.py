"""The wrong person is refused by the network API's writes, and nothing changes: a sibling station cancelling
another unit's booking, a station linking a village to a station."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone

from civicloop.network import services
from civicloop.network.models import Booking, Place

pytestmark = pytest.mark.django_db


def _at(hour: int) -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(hour), tzinfo=timezone.get_current_timezone())


def test_only_the_booking_side_cancels_a_booking(client, personas):
    p = personas
    venue = services.venue_create(actor=p.office, unit=p.station, name="万和阳光党群服务中心", kind="party_service")
    room = services.room_create(actor=p.office, venue=venue, name="多功能厅", capacity=60)
    booking = services.booking_create(
        actor=p.station_staff, room=room, starts_at=_at(9), ends_at=_at(11), title="健康讲座", unit=p.station
    )
    client.force_login(p.sibling)
    assert client.post(f"/api/network/bookings/{booking.pk}/cancel").status_code == 403
    assert Booking.objects.get(pk=booking.pk).status == booking.status
    client.force_login(p.station_staff)
    answer = client.post(f"/api/network/bookings/{booking.pk}/cancel")
    assert answer.status_code == 200
    assert Booking.objects.get(pk=booking.pk).status != booking.status


def test_only_the_office_links_a_place_to_a_station(client, personas):
    p = personas
    village = Place.objects.create(code="150203100203", name="新胜村", kind="village")
    for persona in (p.institute_staff, p.station_staff, p.sibling):
        client.force_login(persona)
        answer = client.post(
            f"/api/network/places/{village.pk}/link", json.dumps({"unit_id": p.station_b.pk}),
            content_type="application/json",
        )
        assert answer.status_code == 403
    assert Place.objects.get(pk=village.pk).unit_id is None
