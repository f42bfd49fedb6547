"""The orders API: each step with a bearer token; 400 bad input, 403 out of scope, 404, 409 wrong state."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from civicloop.orders.models import Order, OrderEvent
from civicloop.orders.tests.factories import fresh, submit, time_passes, walk
from civicloop.records.models import ServiceRecord
from conftest import PASSWORD, otp_for

pytestmark = pytest.mark.django_db


def client_for(username: str) -> Client:
    c = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    r = c.post(
        "/api/auth/token", {"username": username, "password": PASSWORD, **otp_for(username)}, content_type="application/json"
    )
    assert r.status_code == 200, r.content
    return Client(HTTP_AUTHORIZATION=f"Bearer {r.json()['token']}", HTTP_ACCEPT_LANGUAGE="zh-hans")


def post(c: Client, path: str, data: dict | None = None) -> Any:
    return c.post(path, data or {}, content_type="application/json")


def test_whole_loop_through_the_api(personas: Any) -> None:
    resident, staff, leader, vol = (client_for(u) for u in ("resident", "station", "leader", "volunteer"))
    r = post(
        resident, "/api/orders/", {"category": "health", "title": "上门量血压", "description": "腿脚不便"}
    )
    assert r.status_code == 201, r.content
    number = r.json()["number"]
    assert r.json()["status"] == "submitted" and r.json()["allowed_actions"] == ["cancel"]
    r = staff.get(f"/api/orders/{number}")
    assert {"publish", "dispatch", "reject", "reroute", "merge", "cancel", "whistle"} <= set(
        r.json()["allowed_actions"]
    )
    assert r.json()["address"] == "万和阳光社区3栋2单元501"  # staff of the station see the full address
    assert post(staff, f"/api/orders/{number}/dispatch", {"team_id": personas.team.pk}).status_code == 200
    assert post(leader, f"/api/orders/{number}/accept").json()["status"] == "accepted"
    r = post(leader, f"/api/orders/{number}/assign", {"volunteer_ids": [personas.volunteer_profile.pk]})
    assert r.status_code == 200
    r = post(vol, f"/api/orders/{number}/check-in", {"lat": 40.63, "lng": 109.81})
    assert r.json()["status"] == "in_service"
    time_passes(Order.objects.get(number=number))
    assert post(vol, f"/api/orders/{number}/check-out").status_code == 200
    r = post(
        leader,
        f"/api/orders/{number}/report",
        {"summary": "量血压", "people_served": 1, "hours": {str(personas.volunteer_profile.pk): "2"}},
    )
    assert r.json()["status"] == "served", r.content
    r = post(resident, f"/api/orders/{number}/rate", {"score": 5, "tags": ["耐心"], "comment": "谢谢"})
    assert r.json()["rating"]["score"] == 5
    r = post(staff, f"/api/orders/{number}/verify", {"note": "ok"})
    assert r.json()["status"] == "closed"
    assert ServiceRecord.objects.get().volunteer == personas.volunteer_profile
    actions = [e["action"] for e in r.json()["timeline"]]
    assert actions == [
        "submit",
        "dispatch",
        "accept",
        "assign",
        "check_in",
        "check_out",
        "report",
        "rate",
        "verify",
    ]


def test_claim_conflict_is_409_already_taken(personas: Any) -> None:
    order = walk(personas, "open")
    leader = client_for("leader")
    assert post(leader, f"/api/orders/{order.number}/claim").status_code == 200
    r = post(leader, f"/api/orders/{order.number}/claim")
    assert r.status_code == 409 and r.json()["detail"] == "该订单已被其他队伍领走。"
    assert OrderEvent.objects.filter(order=order, action="claim").count() == 1


def test_second_team_gets_409_already_taken(personas: Any) -> None:
    from civicloop.people import services as people

    other = people.user_create(username="leader_c", password=PASSWORD, full_name="丙队长")
    people.team_create(
        name="万和阳光健康服务队",
        team_type="party_member",
        home_unit=personas.station,
        served_units=[personas.station],
        categories=["health"],
        leader=other,
    )
    order = walk(personas, "open")
    assert post(client_for("leader"), f"/api/orders/{order.number}/claim").status_code == 200
    r = post(client_for("leader_c"), f"/api/orders/{order.number}/claim")
    assert r.status_code == 409 and r.json()["detail"] == "该订单已被其他队伍领走。"
    # a leader whose team does not serve the order is refused outright
    assert post(client_for("leader_b"), f"/api/orders/{order.number}/claim").status_code == 403
    assert fresh(order).team == personas.team


def test_wrong_state_is_409(personas: Any) -> None:
    order = walk(personas, "closed")
    r = post(client_for("station"), f"/api/orders/{order.number}/publish")
    assert r.status_code == 409 and "不能进行此操作" in r.json()["detail"]


@pytest.mark.parametrize("username", ["sibling", "outsider", "leader_b", "liaison"])
def test_out_of_scope_is_403_and_changes_nothing(personas: Any, username: str) -> None:
    order = walk(personas, "submitted")
    c = client_for(username)
    assert c.get(f"/api/orders/{order.number}").status_code == 403
    r = post(c, f"/api/orders/{order.number}/reject", {"reason": "x"})
    assert r.status_code == 403 and r.json()["detail"] == "您没有权限执行此操作。"
    assert fresh(order).status == "submitted"


def test_resident_cannot_do_staff_moves(personas: Any) -> None:
    order = walk(personas, "submitted")
    r = post(client_for("resident"), f"/api/orders/{order.number}/publish")
    assert r.status_code == 403 and fresh(order).status == "submitted"


def test_bad_input_is_400(personas: Any) -> None:
    resident = client_for("resident")
    r = post(resident, "/api/orders/", {"category": "cooking", "title": "x"})
    assert r.status_code == 400 and r.json()["detail"] == "请选择六大平台之一。"
    order = walk(personas, "submitted")
    r = post(client_for("station"), f"/api/orders/{order.number}/reject", {"reason": "  "})
    assert r.status_code == 400 and "原因" in r.json()["detail"]
    assert Order.objects.count() == 1 and fresh(order).status == "submitted"


def test_unknown_order_is_404_and_anonymous_401(personas: Any) -> None:
    r = client_for("station").get("/api/orders/KD-20000101-0001")
    assert r.status_code == 404 and r.json()["detail"] == "该订单不存在。"
    assert Client().get("/api/orders/").status_code == 401


def test_staff_enters_order_for_resident(personas: Any) -> None:
    r = post(
        client_for("station"),
        "/api/orders/",
        {
            "category": "lecture",
            "title": "政策宣讲",
            "channel": "phone",
            "resident_id": personas.resident_profile.pk,
        },
    )
    assert r.status_code == 201 and r.json()["channel"] == "phone"
    r = post(
        client_for("sibling"),
        "/api/orders/",
        {"category": "lecture", "title": "政策宣讲", "resident_id": personas.resident_profile.pk},
    )
    assert r.status_code == 403


def test_lists_are_scoped_and_paginated(personas: Any) -> None:
    for _ in range(23):
        submit(personas)
    staff = client_for("station")
    r = staff.get("/api/orders/")
    assert r.json()["count"] == 23 and len(r.json()["items"]) == 20
    assert len(staff.get("/api/orders/?page=2").json()["items"]) == 3
    assert client_for("sibling").get("/api/orders/").json()["count"] == 0
    assert client_for("resident").get("/api/orders/").json()["count"] == 23
    assert client_for("outsider").get("/api/orders/queue").json()["count"] == 0
    assert staff.get("/api/orders/queue?status=submitted").json()["count"] == 23


def test_hall_masks_requester_and_address(personas: Any) -> None:
    order = walk(personas, "open")
    leader = client_for("leader")
    r = leader.get("/api/orders/hall")
    assert r.json()["count"] == 1 and r.json()["items"][0]["requester"] == "张*"
    detail = leader.get(f"/api/orders/{order.number}").json()
    assert (
        detail["requester"] == "张*"
        and "501" not in detail["address"]
        and detail["allowed_actions"] == ["claim"]
    )
    assert client_for("leader_b").get("/api/orders/hall").json()["count"] == 0
    post(leader, f"/api/orders/{order.number}/claim")
    detail = leader.get(f"/api/orders/{order.number}").json()
    assert detail["requester"] == "张三" and detail["address"].endswith("501")
    assert leader.get("/api/orders/tasks").json()["count"] == 1


def test_whistle_and_answer(personas: Any) -> None:
    order = walk(personas, "accepted")
    staff = client_for("station")
    r = post(
        staff,
        f"/api/orders/{order.number}/whistle",
        {"department_ids": [personas.department.pk], "note": "需要医生"},
    )
    assert r.status_code == 201, r.content
    wid = r.json()["id"]
    liaison = client_for("liaison")
    assert liaison.get("/api/orders/whistles").json()["count"] == 1
    assert liaison.get(f"/api/orders/{order.number}").status_code == 200
    assert (
        post(client_for("sibling"), f"/api/orders/whistles/{wid}/answer", {"answer": "x"}).status_code == 403
    )
    r = post(liaison, f"/api/orders/whistles/{wid}/answer", {"answer": "周三派医生"})
    assert r.status_code == 200 and r.json()["answer"] == "周三派医生"
    assert post(liaison, f"/api/orders/whistles/{wid}/answer", {"answer": "again"}).status_code == 409
    actions = [e["action"] for e in staff.get(f"/api/orders/{order.number}").json()["timeline"]]
    assert actions[-2:] == ["whistle", "whistle_answer"]


def test_openapi_lists_order_steps(personas: Any) -> None:
    r = Client().get("/api/openapi.json")
    paths = r.json()["paths"]
    for step in ("claim", "accept", "decline", "release", "check-in", "report", "rate", "verify", "whistle"):
        assert f"/api/orders/{{number}}/{step}" in paths


def test_review_steps_through_the_api(personas: Any) -> None:
    staff, leader, resident = client_for("station"), client_for("leader"), client_for("resident")
    a = walk(personas, "submitted")
    b = walk(personas, "submitted")
    assert post(staff, f"/api/orders/{a.number}/publish").json()["status"] == "open"
    assert post(staff, f"/api/orders/{a.number}/withdraw").json()["status"] == "submitted"
    r = post(staff, f"/api/orders/{b.number}/merge", {"into": a.number})
    assert r.json()["status"] == "cancelled" and r.json()["merged_into"] == a.number
    r = post(
        staff, f"/api/orders/{a.number}/reroute", {"unit_id": personas.institute.pk, "reason": "需所协调"}
    )
    assert r.json()["unit_id"] == personas.institute.pk
    # now outside the station's area: the station may no longer act on it
    assert post(staff, f"/api/orders/{a.number}/publish").status_code == 403
    staff = client_for("institute")
    r = post(staff, f"/api/orders/{a.number}/dispatch", {"team_id": personas.team.pk, "note": "就近"})
    assert r.json()["status"] == "dispatched"
    r = post(leader, f"/api/orders/{a.number}/decline", {"reason": "人手不足"})
    assert r.json()["status"] == "submitted" and r.json()["team_id"] is None
    # team A serves the station's subtree, not the institute above it
    r = post(staff, f"/api/orders/{a.number}/publish")
    assert post(leader, f"/api/orders/{a.number}/claim").status_code == 403
    e = walk(personas, "open")
    post(leader, f"/api/orders/{e.number}/claim", {"team_id": personas.team.pk})
    r = post(leader, f"/api/orders/{e.number}/release", {"reason": "临时有事"})
    assert r.json()["status"] == "open"
    assert (
        post(resident, f"/api/orders/{a.number}/cancel", {"reason": "不用了"}).json()["status"] == "cancelled"
    )
    c = walk(personas, "served")
    r = post(staff, f"/api/orders/{c.number}/return", {"reason": "补充照片"})
    assert r.json()["status"] == "accepted"
    d = walk(personas, "submitted")
    r = post(staff, f"/api/orders/{d.number}/reject", {"reason": "超出范围"})
    assert r.json()["status"] == "rejected"
    # the resident sees the reason on the timeline of their own order
    timeline = resident.get(f"/api/orders/{d.number}").json()["timeline"]
    assert timeline[-1]["action"] == "reject" and timeline[-1]["note"] == "超出范围"


def test_similar_open_orders_hint(personas: Any) -> None:
    walk(personas, "open", title="上门量血压测血糖")
    r = client_for("resident").get("/api/orders/similar?category=health&title=量血压")
    assert r.json()["count"] == 1
    assert (
        client_for("resident").get("/api/orders/similar?category=culture&title=量血压").json()["count"] == 0
    )
