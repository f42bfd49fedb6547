"""The points shop (issue #13): nothing is redeemed without a confirmation, and what a volunteer cannot afford
is disabled with the reason beside it."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from civicloop.records import selectors, services
from civicloop.records.models import Redemption


def _shop(personas: Any) -> tuple[Any, Any]:
    services.points_adjust(
        volunteer=personas.volunteer_profile, points=30, reason="开通积分", actor=personas.station_staff
    )
    cup = services.shop_item_create(
        unit=personas.station, name="保温杯", price=20, stock=5, actor=personas.station_staff
    )
    cooker = services.shop_item_create(
        unit=personas.station, name="电饭煲", price=500, stock=1, actor=personas.station_staff
    )
    return cup, cooker


def test_the_shop_lists_no_redeem_form_and_names_what_is_missing(client: Any, personas: Any) -> None:
    cup, cooker = _shop(personas)
    client.force_login(personas.volunteer)
    page = client.get(reverse("records:my_points")).content.decode()
    assert f'action="{reverse("records:redeem", args=[cup.pk])}"' not in page  # no one-tap redemption
    assert f'href="{reverse("records:redeem", args=[cup.pk])}"' in page
    assert "积分不足，还差 470 分" in page
    assert f'href="{reverse("records:redeem", args=[cooker.pk])}"' not in page
    assert "disabled" in page


def test_redeeming_asks_first_then_spends(client: Any, personas: Any) -> None:
    cup, _cooker = _shop(personas)
    client.force_login(personas.volunteer)
    url = reverse("records:redeem", args=[cup.pk])
    confirm = client.get(url)
    assert confirm.status_code == 200
    body = confirm.content.decode()
    assert "确认兑换（扣 20 分）" in body and 'id="after">10<' in body
    assert not Redemption.objects.exists()  # asking costs nothing
    client.post(url, {"quantity": 1})
    assert Redemption.objects.filter(item=cup, volunteer=personas.volunteer_profile).count() == 1
    assert selectors.points_balance(personas.volunteer_profile) == 10


def test_the_confirmation_of_an_unaffordable_item_offers_no_button(client: Any, personas: Any) -> None:
    _cup, cooker = _shop(personas)
    client.force_login(personas.volunteer)
    body = client.get(reverse("records:redeem", args=[cooker.pk])).content.decode()
    assert "积分不足，还差 470 分" in body
    assert 'type="submit">确认兑换' not in body


def test_someone_outside_the_shop_cannot_open_the_confirmation(client: Any, personas: Any) -> None:
    cup, _cooker = _shop(personas)
    client.force_login(personas.resident)
    assert client.get(reverse("records:redeem", args=[cup.pk])).status_code == 403
