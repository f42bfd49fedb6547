"""Garbage into the orders API and the order pages: a 400 with a Chinese message, never a 500, nothing written.

Each case here answered 500 before: numbers too large for the database (page, ids), naive or far-off wanted
times, text the database cannot store (lone surrogates, NUL), ids too large in the pages' multi-choice fields.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from civicloop.orders.models import Order, OrderAssignment, OrderEvent, Whistle
from civicloop.orders.tests.factories import fresh, walk
from civicloop.orders.tests.test_api import client_for, post

pytestmark = pytest.mark.django_db
HUGE = 10**22  # beyond 64 bits: SQLite and PostgreSQL drivers fail on it


def detail(r: Any) -> str:
    return r.json()["detail"]


@pytest.mark.parametrize(
    "path",
    [
        f"/api/orders/?page={HUGE}",
        f"/api/orders/queue?page={HUGE}",
        f"/api/orders/whistles?page=2&page_size={HUGE}",
        f"/api/orders/follow-up?page={HUGE}",
        f"/api/orders/hall?team={HUGE}",
        f"/api/orders/hall?unit={HUGE}",
    ],
)
def test_numbers_too_large_in_the_query_are_400(personas: Any, path: str) -> None:
    r = client_for("station").get(path)
    assert r.status_code == 400, r.content
    assert detail(r).startswith("以下字段格式不正确")


def test_a_page_past_the_end_is_empty_not_an_error(personas: Any) -> None:
    walk(personas, "submitted")
    r = client_for("station").get("/api/orders/?page=1000000")
    assert r.status_code == 200 and r.json()["items"] == []


def test_submit_with_a_naive_wanted_time_takes_it_as_beijing_time(personas: Any) -> None:
    day = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    r = post(
        client_for("resident"),
        "/api/orders/",
        {
            "category": "health",
            "title": "量血压",
            "wanted_from": f"{day}T09:00:00",
            "wanted_to": f"{day}T11:00",
        },
    )
    assert r.status_code == 201, r.content
    order = Order.objects.get(number=r.json()["number"])
    assert timezone.localtime(order.wanted_from).hour == 9
    assert timezone.localtime(order.wanted_to).hour == 11


@pytest.mark.parametrize(
    "times",
    [
        {"wanted_from": "0001-01-01T00:00:00+08:00", "wanted_to": "2099-01-01T00:00:00+08:00"},
        {"wanted_to": "9999-12-31T23:59:59+08:00"},
    ],
)
def test_submit_with_a_wanted_time_far_off_is_400(personas: Any, times: dict) -> None:
    r = post(client_for("resident"), "/api/orders/", {"category": "health", "title": "量血压", **times})
    assert r.status_code == 400, r.content
    assert detail(r) == "期望的时间无效。"
    assert not Order.objects.exists() and not OrderEvent.objects.exists()


@pytest.mark.parametrize("title", ["\ud800", "量\x00血压"])
def test_text_the_database_cannot_store_is_400(personas: Any, title: str) -> None:
    r = post(client_for("resident"), "/api/orders/", {"category": "health", "title": title})
    assert r.status_code == 400, r.content
    assert detail(r) == "文本中含有不允许的字符。"
    assert not Order.objects.exists()


@pytest.mark.parametrize("body", [b"not json", b'{"category": "health", "title": "\xff"}'])
def test_a_body_that_is_not_json_is_400_in_chinese(personas: Any, body: bytes) -> None:
    r = client_for("resident").post("/api/orders/", body, content_type="application/json")
    assert r.status_code == 400
    assert detail(r) == "请求内容不是有效的 JSON。"
    assert not Order.objects.exists()


def test_unknown_order_is_404_in_chinese(personas: Any) -> None:
    r = client_for("station").post("/api/orders/whistles/123456/answer", {"answer": "好"}, "application/json")
    assert r.status_code == 404 and detail(r) == "未找到。"


def test_assign_with_an_id_too_large_is_400_and_assigns_nobody(personas: Any) -> None:
    order = walk(personas, "accepted")
    r = post(client_for("leader"), f"/api/orders/{order.number}/assign", {"volunteer_ids": [HUGE]})
    assert r.status_code == 400, r.content
    assert "volunteer_ids" in detail(r)
    assert not OrderAssignment.objects.filter(order=order).exists()


def test_whistle_with_an_id_too_large_is_400_and_blows_nothing(personas: Any) -> None:
    order = walk(personas, "submitted")
    r = post(
        client_for("station"),
        f"/api/orders/{order.number}/whistle",
        {"department_ids": [personas.department.pk, HUGE], "note": "需要卫健委支持"},
    )
    assert r.status_code == 400, r.content
    assert not Whistle.objects.exists() and fresh(order).escalation_level == 0


@pytest.mark.parametrize("field", ["team_id", "unit_id"])
def test_dispatch_and_reroute_with_ids_too_large_are_400(personas: Any, field: str) -> None:
    order = walk(personas, "submitted")
    action = "dispatch" if field == "team_id" else "reroute"
    r = post(client_for("station"), f"/api/orders/{order.number}/{action}", {field: HUGE, "reason": "x"})
    assert r.status_code == 400, r.content
    assert fresh(order).status == "submitted"


# --- the order pages ----------------------------------------------------------------------------------------


def page_client(user: Any) -> Client:
    c = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    c.force_login(user)
    return c


def test_page_assign_with_an_id_too_large_is_a_form_error(personas: Any) -> None:
    order = walk(personas, "accepted")
    r = page_client(personas.leader).post(f"/orders/{order.number}/assign/", {"volunteers": [str(HUGE)]})
    assert r.status_code == 400
    assert "选择一个有效的选项" in r.content.decode()
    assert not OrderAssignment.objects.filter(order=order).exists()


def test_page_whistle_with_an_id_too_large_is_a_form_error(personas: Any) -> None:
    order = walk(personas, "submitted")
    r = page_client(personas.station_staff).post(
        f"/orders/{order.number}/whistle/", {"departments": [str(-HUGE)], "note": "需要支持"}
    )
    assert r.status_code == 400
    assert "选择一个有效的选项" in r.content.decode()
    assert not Whistle.objects.exists()


def test_report_hours_that_are_not_a_number_are_refused_by_the_service(personas: Any) -> None:
    from django.core.exceptions import ValidationError

    from civicloop.orders import services

    order = walk(personas, "in_service")
    with pytest.raises(ValidationError) as exc:
        services.order_report(
            actor=personas.leader,
            order=order,
            summary="量血压",
            people_served=1,
            hours={personas.volunteer_profile.pk: "nan"},
        )
    assert exc.value.messages == ["时长必须是数字。"]
    assert fresh(order).status == "in_service"


@pytest.mark.parametrize("nxt", ["abc", "0", "orders:hall", "https://evil.example/", "//evil.example/"])
def test_page_action_with_a_next_that_is_no_path_goes_to_the_default(personas: Any, nxt: str) -> None:
    order = walk(personas, "open")
    r = page_client(personas.leader).post(
        f"/orders/{order.number}/claim/", {"team": personas.team.pk, "next": nxt}
    )
    assert r.status_code == 302 and r["Location"] == f"/orders/{order.number}/"
    assert fresh(order).status == "accepted"


def test_a_body_over_the_upload_limit_is_413_in_chinese(personas: Any, settings: Any) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = {"category": "health", "title": "量血压", "description": "很长" * 1000}
    r = post(client_for("resident"), "/api/orders/", body)
    assert r.status_code == 413 and detail(r) == "请求内容过大。"
    assert not Order.objects.exists()


def test_a_write_without_token_or_session_is_refused_in_chinese(personas: Any) -> None:
    r = Client(HTTP_ACCEPT_LANGUAGE="zh-hans", enforce_csrf_checks=True).post(
        "/api/orders/", {"category": "health", "title": "量血压"}, content_type="application/json"
    )
    assert r.status_code == 403 and detail(r) == "安全校验失败：请重新登录，或使用令牌访问。"
    assert not Order.objects.exists()
