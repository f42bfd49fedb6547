"""Garbage into the records pages (points shop, make-up hours): a clear message, never a 500, nothing written."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from civicloop.activities import services as activity_services
from civicloop.activities.tests.helpers import make_activity, shift
from civicloop.records.models import MakeupClaim, ShopItem

pytestmark = pytest.mark.django_db
HUGE = str(10**22)


def _create(client, personas, **changes):
    data = {"unit": personas.station.pk, "name": "雨伞", "price": "30", "stock": "5", **changes}
    return client.post(reverse("records:shop_item_create"), data, follow=True)


@pytest.mark.parametrize("unit", ["abc", "²", HUGE, ""])
def test_creating_an_item_for_a_unit_that_is_no_id_is_refused(client, personas, unit):
    client.force_login(personas.station_staff)
    assert _create(client, personas, unit=unit).status_code == 403
    assert not ShopItem.objects.exists()


@pytest.mark.parametrize(
    "changes,message",
    [
        ({"price": HUGE}, "所需积分最多为 1000000。"),
        ({"stock": HUGE}, "库存最多为 1000000。"),
        ({"name": "伞" * 101}, "文字太长（最多 100 个字）。"),
        ({"description": "好" * 201}, None),  # the view cuts descriptions at 200 characters
    ],
)
def test_creating_an_item_with_values_out_of_range_is_a_message(client, personas, changes, message):
    client.force_login(personas.station_staff)
    response = _create(client, personas, **changes)
    assert response.status_code == 200
    if message:
        assert message in response.content.decode()
        assert not ShopItem.objects.exists()


@pytest.mark.parametrize("add", [HUGE, "999999"])
def test_restocking_beyond_the_limit_is_a_message_and_changes_nothing(client, personas, add):
    item = ShopItem.objects.create(
        unit=personas.station, unit_path=personas.station.path, name="洗衣液", price=10, stock=5
    )
    client.force_login(personas.station_staff)
    response = client.post(reverse("records:shop_item_restock", args=[item.pk]), {"add": add}, follow=True)
    assert "库存最多为 1000000。" in response.content.decode()
    assert ShopItem.objects.get(pk=item.pk).stock == 5


def _ended_activity(personas):
    activity = make_activity(personas)
    activity_services.signup_create(activity=activity, volunteer=personas.volunteer_profile)
    return shift(activity, start_in=dt.timedelta(hours=-3), length=dt.timedelta(hours=2))


@pytest.mark.parametrize("hours", ["nan", "NaN", "sNaN", "inf", "1e999", "abc"])
def test_makeup_hours_that_are_not_a_number_are_a_message(client, personas, hours):
    activity = _ended_activity(personas)
    client.force_login(personas.volunteer)
    response = client.post(
        reverse("records:makeup_new"),
        {"activity": activity.pk, "hours": hours, "note": "布置场地"},
        follow=True,
    )
    assert response.status_code == 200
    assert "请用数字填写时长，如 2 或 1.5。" in response.content.decode()
    assert not MakeupClaim.objects.exists()


@pytest.mark.parametrize("chosen", ["abc", "1" * 5000, HUGE, "²"])
def test_makeup_for_an_activity_that_is_no_id_is_a_message(client, personas, chosen):
    _ended_activity(personas)
    client.force_login(personas.volunteer)
    response = client.post(
        reverse("records:makeup_new"), {"activity": chosen, "hours": "1", "note": "布置场地"}, follow=True
    )
    assert response.status_code == 200
    assert "请选择您报名过的活动。" in response.content.decode()
    assert not MakeupClaim.objects.exists()


@pytest.mark.parametrize("unit", ["²", "1" * 5000, HUGE, "abc"])
def test_rankings_with_a_unit_that_is_no_id_show_an_empty_list(client, personas, unit):
    client.force_login(personas.office)
    assert client.get(reverse("records:rankings"), {"unit": unit}).status_code == 200


def test_the_shop_service_refuses_nul_in_names():
    """Pages stop NUL in the middleware; the service refuses it too, for every other caller."""
    from django.core.exceptions import ValidationError

    from civicloop.records import services

    with pytest.raises(ValidationError):
        services.shop_item_create(unit=None, name="雨\x00伞", price=1, stock=1, actor=None)
