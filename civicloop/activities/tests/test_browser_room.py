"""On a phone (390 px): station staff plan an activity in a shared venue room; the room is booked with it. A
second activity at an overlapping time in the same room is refused with the booking's message and not saved.
Screenshots activities-room-*."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from civicloop.activities.models import Activity
from civicloop.network import services as network
from civicloop.network.models import Booking


def _local(hour: int) -> str:
    day = timezone.localdate() + dt.timedelta(days=3)
    return f"{day:%Y-%m-%d}T{hour:02d}:00"


def _fill(page, room, title: str, start: int, end: int) -> None:
    page.select_option("select[name=unit]", label="万和阳光社区新时代文明实践站")
    page.select_option("select[name=category]", "health")
    page.fill("input[name=title]", title)
    page.select_option("select[name=room]", str(room.pk))
    page.fill("input[name=starts_at]", _local(start))
    page.fill("input[name=ends_at]", _local(end))
    page.fill("textarea[name=roles]", "志愿者 5")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_station_staff_plan_an_activity_in_a_room_on_a_phone(personas, phone):
    venue = network.venue_create(actor=personas.office, unit=personas.station, name="万和阳光党群服务中心", kind="party_service")
    room = network.room_create(actor=personas.office, venue=venue, name="多功能厅", capacity=60)
    phone.login("station")
    phone.go("/activities/new/")
    _fill(phone.page, room, "健康讲座", 9, 11)
    box = phone.page.locator("select[name=room]").bounding_box()
    assert box and box["height"] >= 44 and box["x"] + box["width"] <= 390
    phone.shot("activities-room-form-phone")
    phone.page.locator("form.form button[type=submit]").click()
    phone.page.wait_for_load_state()
    activity = Activity.objects.get(title="健康讲座")
    assert activity.booking is not None and activity.booking.room_id == room.pk
    assert "万和阳光党群服务中心 · 多功能厅" in phone.page.content()

    phone.go("/activities/new/")
    _fill(phone.page, room, "八段锦教学", 10, 12)
    phone.page.locator("form.form button[type=submit]").click()
    phone.page.wait_for_load_state()
    assert "该时段已被预约" in phone.page.content()
    phone.shot("activities-room-taken-phone")
    assert not Activity.objects.filter(title="八段锦教学").exists()
    assert Booking.objects.count() == 1
