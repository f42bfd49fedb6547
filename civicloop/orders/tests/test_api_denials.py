"""Every order endpoint refuses the wrong person: another team's leader, a sibling station, the resident where
only the team may act, an outsider. The order is left as it was."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model

from civicloop.orders.models import Order
from civicloop.orders.tests.factories import walk

pytestmark = pytest.mark.django_db


def _as(client: Any, username: str) -> Any:
    client.logout()
    client.force_login(get_user_model().objects.get(username=username))
    return client


@pytest.mark.parametrize(
    ("state", "step", "who", "body"),
    [
        ("dispatched", "/api/orders/{number}/accept", "leader_b", {}),
        ("dispatched", "/api/orders/{number}/accept", "resident", {}),
        ("accepted", "/api/orders/{number}/assign", "leader_b", {"volunteer_ids": [1]}),
        ("accepted", "/api/orders/{number}/assign", "sibling", {"volunteer_ids": [1]}),
        ("accepted", "/api/orders/{number}/check-in", "outsider", {}),
        ("accepted", "/api/orders/{number}/check-in", "resident", {}),
        ("in_service", "/api/orders/{number}/check-out", "leader_b", {}),
        ("in_service", "/api/orders/{number}/report", "volunteer", {"summary": "x", "people_served": 1, "hours": {}}),
        ("in_service", "/api/orders/{number}/report", "sibling", {"summary": "x", "people_served": 1, "hours": {}}),
        ("served", "/api/orders/{number}/rate", "leader", {"score": 5}),
        ("served", "/api/orders/{number}/rate", "station", {"score": 5}),
        ("served", "/api/orders/{number}/verify", "sibling", {}),
        ("served", "/api/orders/{number}/verify", "leader", {}),
    ],
)
def test_wrong_person_is_refused(client: Any, personas: Any, state: str, step: str, who: str, body: dict) -> None:
    order = walk(personas, state)
    before = (order.status, Order.objects.get(pk=order.pk).version)
    r = _as(client, who).post(step.format(number=order.number), body, content_type="application/json")
    assert r.status_code in (403, 404), (who, step, r.status_code, r.content)
    fresh = Order.objects.get(pk=order.pk)
    assert (fresh.status, fresh.version) == before


def test_lists_show_nothing_outside_the_callers_scope(client: Any, personas: Any) -> None:
    walk(personas, "open")
    walk(personas, "accepted")
    submitted = walk(personas, "submitted")
    assert _as(client, "sibling").get("/api/orders/queue").json()["items"] == []
    assert _as(client, "leader_b").get("/api/orders/hall").json()["items"] == []
    assert _as(client, "leader_b").get("/api/orders/tasks").json()["items"] == []
    assert _as(client, "sibling").get("/api/orders/follow-up").json()["items"] == []
    assert _as(client, "outsider").get("/api/orders/similar", {"category": "health", "title": submitted.title}).json()["items"] == []
    assert _as(client, "leader_b").get(f"/api/matching/orders/{submitted.number}/teams").status_code in (403, 404)
    # the right people do see them
    assert _as(client, "station").get("/api/orders/queue").json()["items"]
    assert _as(client, "leader").get("/api/orders/tasks").json()["items"]
