"""No N+1: the hall, the staff queue, the resident's and team's lists and the order API cost a fixed number
of queries however many orders there are."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from civicloop.orders import selectors
from civicloop.orders.tests.factories import walk

pytestmark = pytest.mark.django_db


def render(rows: Any) -> list[tuple]:
    return [
        (
            o.number,
            o.unit.name,
            o.team.name if o.team_id else "",
            o.requester.masked_name,
            selectors.due_colour(o),
        )
        for o in rows
    ]


def cost(fn: Any) -> int:
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


def test_lists_cost_the_same_for_3_and_12_orders(personas: Any) -> None:
    personas.team.capacity = 100
    personas.team.save()
    lists = {
        "queue": lambda: render(selectors.staff_queue(personas.station_staff)[:20]),
        "hall": lambda: render(selectors.hall(personas.leader, personas.team)[:20]),
        "mine": lambda: render(selectors.resident_orders(personas.resident_profile)[:20]),
        "tasks": lambda: render(selectors.team_tasks(personas.team)[:20]),
        "volunteer": lambda: render(selectors.volunteer_tasks(personas.volunteer_profile)[:20]),
    }
    for _ in range(3):
        walk(personas, "open")
        walk(personas, "in_service")
    small = {name: cost(fn) for name, fn in lists.items()}
    for _ in range(9):
        walk(personas, "open")
        walk(personas, "in_service")
    big = {name: cost(fn) for name, fn in lists.items()}
    assert big == small
    assert all(n <= 4 for n in big.values()), big


def test_order_detail_api_bounded(personas: Any, client: Any, django_assert_max_num_queries: Any) -> None:
    order = walk(personas, "closed")
    client.force_login(personas.station_staff)
    with django_assert_max_num_queries(30):
        r = client.get(f"/api/orders/{order.number}")
    assert r.status_code == 200 and len(r.json()["timeline"]) == 8


def test_api_list_bounded(personas: Any, client: Any, django_assert_max_num_queries: Any) -> None:
    for _ in range(12):
        walk(personas, "open")
    client.force_login(personas.station_staff)
    with django_assert_max_num_queries(12):
        r = client.get("/api/orders/queue")
    assert r.json()["count"] == 12
    client.force_login(personas.leader)
    with django_assert_max_num_queries(12):
        r = client.get("/api/orders/hall")
    assert r.json()["count"] == 12
