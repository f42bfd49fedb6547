"""A room booking is confirmed when it is made and cancelled once, through its declared steps: each one an event
shown on the room's page (cancelled bookings of the shown days too)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from civicloop.audit.models import AuditEvent
from civicloop.core.exceptions import Conflict
from civicloop.network import services
from civicloop.network.models import Booking, BookingEvent

pytestmark = pytest.mark.django_db


def _at(hour: int) -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(hour), tzinfo=timezone.get_current_timezone())


@pytest.fixture
def booking(personas):
    venue = services.venue_create(actor=personas.office, unit=personas.station, name="党群服务中心", kind="party_service")
    room = services.room_create(actor=personas.office, venue=venue, name="多功能厅", capacity=60)
    return services.booking_create(
        actor=personas.leader, room=room, starts_at=_at(9), ends_at=_at(11), title="合唱排练", team=personas.team
    )


def _steps(b):
    return list(BookingEvent.objects.filter(subject=b).values_list("step", "from_status", "to_status", "actor"))


def test_booking_and_cancelling_are_events_shown_on_the_room_page(client, personas, booking):
    services.booking_cancel(actor=personas.station_staff, booking=booking)
    booking.refresh_from_db()
    assert (booking.status, booking.version) == ("cancelled", 1) and booking.cancelled_at is not None
    assert _steps(booking) == [
        ("book", "", "confirmed", personas.leader.pk),
        ("cancel", "confirmed", "cancelled", personas.station_staff.pk),
    ]
    assert AuditEvent.objects.filter(action="network.booking.cancel", actor=personas.station_staff).count() == 1
    client.force_login(personas.station_staff)
    page = client.get(f"{booking.room.get_absolute_url()}?date={_at(9).date().isoformat()}").content.decode()
    assert "已取消的预约" in page and "合唱排练" in page and "预约记录" in page
    assert "取消预约" in page and "已预约 → 已取消" in page


def test_a_second_cancel_is_409_with_the_same_message_and_a_stranger_is_403(client, personas, booking):
    client.force_login(personas.sibling)
    assert client.post(f"/api/network/bookings/{booking.pk}/cancel").status_code == 403
    stale = Booking.objects.get(pk=booking.pk)  # a copy read before the cancel
    client.force_login(personas.leader)
    assert client.post(f"/api/network/bookings/{booking.pk}/cancel").json()["status"] == "cancelled"
    again = client.post(f"/api/network/bookings/{booking.pk}/cancel")
    assert again.status_code == 409 and again.json()["detail"] == "该预约已取消。"
    with pytest.raises(Conflict):
        services.booking_cancel(actor=personas.leader, booking=stale)
    assert [s[0] for s in _steps(booking)] == ["book", "cancel"]
