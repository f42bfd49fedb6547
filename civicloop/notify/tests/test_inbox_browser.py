"""The inbox on a phone: a finished step of an order reaches the resident's inbox; the badge counts unread."""

from __future__ import annotations

from typing import Any

import pytest

from civicloop.orders import services
from civicloop.orders.tests.factories import submit


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_resident_reads_order_news_on_phone(personas: Any, phone: Any) -> None:
    order = submit(personas)
    services.order_reject(
        actor=personas.station_staff, order=order, reason="本站暂无此项服务，请联系社区医院"
    )
    phone.login("resident")
    phone.go("/notify/")
    page = phone.page
    badge = page.locator(".nav-inbox .badge")
    assert badge.inner_text() == "1"
    assert page.get_by_text("您的订单未被受理：上门量血压").is_visible()
    assert page.get_by_text("本站暂无此项服务，请联系社区医院").is_visible()
    phone.shot("notify-inbox-phone")
    page.get_by_role("button", name="标为已读").first.click()
    page.wait_for_load_state()
    assert page.locator(".nav-inbox .badge").count() == 0
    assert phone.outside_requests == []
