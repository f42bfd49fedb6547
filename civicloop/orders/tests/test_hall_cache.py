"""The order hall's cards cached in Redis per team, until an order moves into or out of the hall beneath the
team's units (core.hot space "hall", bumped by orders.services._hall_changed after commit)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from civicloop.orders import services
from civicloop.orders.models import Order
from civicloop.orders.tests.factories import walk

pytestmark = pytest.mark.django_db


def _hall(client: Any) -> tuple[str, int]:
    """The hall's HTML and how many statements read orders for it."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/orders/hall/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    return response.content.decode(), sum('FROM "orders_order"' in q["sql"] for q in ctx.captured_queries)


def test_the_hall_is_read_once_and_is_fresh_after_every_move(
    personas: Any, client: Any, redis_cache: None, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        first = walk(personas, "open", title="上门量血压")
    client.force_login(personas.leader)
    html, reads = _hall(client)
    assert first.number in html and reads >= 1
    html, reads = _hall(client)
    assert first.number in html and reads == 0  # the second look comes from the cache

    with django_capture_on_commit_callbacks(execute=True):  # a new order published to the hall
        second = walk(personas, "open", title="陪老人看病")
    html, reads = _hall(client)
    assert first.number in html and second.number in html and reads >= 1

    with django_capture_on_commit_callbacks(execute=True):  # claimed: it leaves the hall at once
        services.order_claim(actor=personas.leader, order=first, team=personas.team)
    html, _reads = _hall(client)
    assert first.number not in html and second.number in html

    with django_capture_on_commit_callbacks(execute=True):  # an open order withdrawn by the station
        services.order_withdraw(actor=personas.station_staff, order=Order.objects.get(pk=second.pk))
    html, _reads = _hall(client)
    assert second.number not in html, html[html.find(second.number) - 300 : html.find(second.number) + 100]
    assert "接单大厅暂时没有订单" in html


def test_a_cached_hall_claims_with_each_sessions_own_csrf_token(
    personas: Any, redis_cache: None, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        order = walk(personas, "open")
    warm = Client()
    warm.force_login(personas.leader)
    _hall(warm)  # another session fills the cache
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.leader)
    html, reads = _hall(client)
    assert reads == 0
    tokens = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert tokens and "<!--claim-fields-->" not in html
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/orders/{order.number}/claim/",
            {"csrfmiddlewaretoken": tokens[-1], "team": personas.team.pk, "next": "/orders/hall/"},
        )
    assert response.status_code == 302
    assert Order.objects.get(pk=order.pk).status == "accepted"


def test_without_a_shared_cache_the_hall_reads_every_time(personas: Any, client: Any) -> None:
    order = walk(personas, "open")
    client.force_login(personas.leader)
    assert _hall(client)[1] >= 1
    html, reads = _hall(client)
    assert order.number in html and reads >= 1
