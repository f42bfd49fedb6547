"""Contact details (full mobile, exact address) go to the serving side only while it serves (issue #11, 10)."""

from __future__ import annotations

import pytest
from django.test import Client

from civicloop.orders import services
from civicloop.orders.tests.factories import fresh, time_passes, walk
from conftest import token_for

pytestmark = pytest.mark.django_db

FULL_PHONE = "13812341234"


def _api(username: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {token_for(Client(), username)}")


def _post(c: Client, path: str, data: dict | None = None) -> dict:
    r = c.post(path, data or {}, content_type="application/json")
    assert r.status_code == 200, r.content
    return r.json()


@pytest.mark.parametrize(
    ("state", "full"),
    [("open", False), ("accepted", True), ("in_service", True), ("served", True), ("closed", False)],
)
@pytest.mark.parametrize("who", ["leader", "volunteer"])
def test_serving_side_sees_contact_only_while_serving(personas, state, full, who):
    order = walk(personas, state, address="万和阳光社区3栋2单元501")
    if who == "volunteer" and state in ("open", "accepted"):
        pytest.skip("not assigned yet")
    body = _api(who).get(f"/api/orders/{order.number}")
    if state == "open" and who == "leader":
        assert body.status_code == 200  # the hall shows it masked
    data = body.json()
    assert (data["requester_phone"] == FULL_PHONE) is full
    assert ("501" in data["address"]) is full
    if not full:
        assert data["requester_phone"] == "138****1234" and data["lat"] is None


def test_staff_and_requester_keep_seeing_contact_after_close(personas):
    order = walk(personas, "closed", address="万和阳光社区3栋2单元501")
    for who in ("station", "resident"):
        assert _api(who).get(f"/api/orders/{order.number}").json()["requester_phone"] == FULL_PHONE


def test_step_answers_leave_contact_out(personas):
    order = walk(personas, "open", address="万和阳光社区3栋2单元501")
    leader, vol = _api("leader"), _api("volunteer")
    steps = [
        _post(leader, f"/api/orders/{order.number}/claim", {"team_id": personas.team.pk}),
        _post(
            leader, f"/api/orders/{order.number}/assign", {"volunteer_ids": [personas.volunteer_profile.pk]}
        ),
        _post(vol, f"/api/orders/{order.number}/check-in", {"lat": 40.63, "lng": 109.81}),
        time_passes(order) and _post(vol, f"/api/orders/{order.number}/check-out"),
        _post(
            leader,
            f"/api/orders/{order.number}/report",
            {"summary": "量血压", "people_served": 1, "hours": {str(personas.volunteer_profile.pk): "2"}},
        ),
    ]
    for answer in steps:
        assert answer["requester_phone"] == "138****1234"
        assert "501" not in answer["address"]
    # while serving, the page they need (the order itself) still has it
    assert leader.get(f"/api/orders/{order.number}").json()["requester_phone"] == FULL_PHONE
    services.order_verify(actor=personas.station_staff, order=fresh(order))
    assert vol.get(f"/api/orders/{order.number}").json()["requester_phone"] == "138****1234"


@pytest.mark.parametrize(("state", "full"), [("accepted", True), ("served", True), ("closed", False)])
def test_order_page_follows_the_same_rule(client, personas, state, full):
    order = walk(personas, state, address="万和阳光社区3栋2单元501")
    client.force_login(personas.leader)
    page = client.get(f"/orders/{order.number}/").content.decode()
    assert ("3栋2单元501" in page) is full
    client.force_login(personas.station_staff)  # staff in scope keep the full address after the close
    assert "3栋2单元501" in client.get(f"/orders/{order.number}/").content.decode()
