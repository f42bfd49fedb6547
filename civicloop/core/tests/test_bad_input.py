"""Requests with NUL characters: 400 with a Chinese message before they reach the database.

PostgreSQL refuses NUL in text (even in a WHERE clause), so `?q=%00` used to answer 500 there; SQLite let it by.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from civicloop.orders.tests.test_api import client_for

pytestmark = pytest.mark.django_db
MESSAGE = "请求中含有不允许的字符。"


@pytest.mark.parametrize("path", ["/api/orders/?q=%00", "/api/orders/a%00b", "/api/people/residents?q=a%00"])
def test_api_address_with_nul_is_400_json(personas: Any, path: str) -> None:
    r = client_for("station").get(path)
    assert r.status_code == 400 and r.json()["detail"] == MESSAGE


@pytest.mark.parametrize(
    "path", ["/orders/queue/?q=%00", "/orders/a%00b/", "/activities/?status=%00", "/records/verify/a%00/"]
)
def test_page_address_with_nul_is_400(personas: Any, path: str) -> None:
    c = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    c.force_login(personas.office)
    r = c.get(path)
    assert r.status_code == 400 and MESSAGE in r.content.decode()


def test_form_data_with_nul_is_400_and_writes_nothing(personas: Any) -> None:
    from civicloop.records.models import ShopItem

    c = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    c.force_login(personas.station_staff)
    r = c.post(
        "/records/shop/items/", {"unit": personas.station.pk, "name": "雨\x00伞", "price": "3", "stock": "1"}
    )
    assert r.status_code == 400 and MESSAGE in r.content.decode()
    assert not ShopItem.objects.exists()


def test_ordinary_requests_pass(personas: Any) -> None:
    c = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    c.force_login(personas.office)
    assert c.get("/orders/queue/", {"q": "量血压"}).status_code == 200
