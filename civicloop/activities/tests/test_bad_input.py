"""Garbage into the activities API and sign-up form: 400 or a form message, never a 500, nothing written."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from civicloop.activities.models import Activity, Signup
from civicloop.activities.tests.helpers import make_activity
from civicloop.orders.tests.test_api import client_for

pytestmark = pytest.mark.django_db
HUGE = 10**22


@pytest.mark.parametrize("query", [f"limit={HUGE}", f"offset={HUGE}", "limit=1000"])
def test_list_with_numbers_out_of_range_is_400(personas: Any, query: str) -> None:
    r = Client(HTTP_ACCEPT_LANGUAGE="zh-hans").get(f"/api/activities/?{query}")
    assert r.status_code == 400, r.content
    assert r.json()["detail"].startswith("以下字段格式不正确")


def test_signup_with_a_role_id_too_large_is_400_and_signs_nobody_up(personas: Any) -> None:
    activity = make_activity(personas, start_in=dt.timedelta(days=2))
    r = client_for("volunteer").post(
        f"/api/activities/{activity.pk}/signup", {"role_id": HUGE}, content_type="application/json"
    )
    assert r.status_code == 400, r.content
    assert not Signup.objects.filter(activity=activity).exists()


@pytest.mark.parametrize("role", ["²", "abc", str(HUGE)])
def test_page_signup_with_a_role_that_is_no_id_takes_the_default_role(personas: Any, role: str) -> None:
    activity = make_activity(personas, start_in=dt.timedelta(days=2))
    c = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    c.force_login(personas.volunteer)
    r = c.post(f"/activities/p/{activity.pk}/signup/", {"role": role})
    assert r.status_code == 302
    assert Signup.objects.filter(activity=activity).count() == 1


@pytest.mark.parametrize("kind", ["sign-in", "sign-out"])
def test_a_sign_in_code_with_chinese_characters_is_refused_not_a_500(personas: Any, kind: str) -> None:
    """hmac.compare_digest raises TypeError on non-ASCII text; such a code simply does not match."""
    activity = make_activity(personas)
    r = client_for("volunteer").post(
        f"/api/activities/{activity.pk}/{kind}", {"token": "签到码"}, content_type="application/json"
    )
    assert r.status_code == 400, r.content
    assert "请重新扫描组织者屏幕上的二维码" in r.json()["detail"]
    assert not Signup.objects.filter(activity=activity, signed_in_at__isnull=False).exists()


def test_the_scan_page_with_a_chinese_code_says_it_is_not_valid(personas: Any) -> None:
    activity = make_activity(personas)
    c = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    c.force_login(personas.volunteer)
    r = c.get(f"/activities/{activity.pk}/scan/in/签到码/")
    assert r.status_code == 200
    assert r.context["valid"] is False


def _new_activity(personas: Any, **changes: str) -> Any:
    c = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    c.force_login(personas.station_staff)
    data = {
        "unit": personas.station.pk,
        "category": "health",
        "title": "健康义诊",
        "place": "万和阳光社区广场",
        "starts_at": "2026-12-20T09:00",
        "ends_at": "2026-12-20T11:00",
        "roles": "志愿者 10",
        "expected_audience": "10",
        **changes,
    }
    return c.post("/activities/new/", data)


@pytest.mark.parametrize(
    "starts,ends", [("0001-01-01T00:00", "0001-01-01T03:00"), ("9999-12-31T20:00", "9999-12-31T23:00")]
)
def test_an_activity_in_year_1_or_9999_is_a_form_message(personas: Any, starts: str, ends: str) -> None:
    """Year 1 in Beijing time is before year 1 in UTC: storing it failed with OverflowError."""
    r = _new_activity(personas, starts_at=starts, ends_at=ends)
    assert r.status_code == 200
    assert "活动时间无效。" in r.content.decode()
    assert not Activity.objects.exists()


def test_a_role_with_a_superscript_number_is_a_form_message(personas: Any) -> None:
    r = _new_activity(personas, roles="志愿者 ²")
    assert r.status_code == 200
    assert "讲解员 5" in r.content.decode()
    assert not Activity.objects.exists()


@pytest.mark.parametrize("unit", ["²", "1" * 5000, str(HUGE), "abc"])
@pytest.mark.parametrize("path", ["/activities/", "/activities/calendar/"])
def test_list_filters_with_a_unit_that_is_no_id_show_the_page(personas: Any, unit: str, path: str) -> None:
    c = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    c.force_login(personas.station_staff)
    assert c.get(path, {"unit": unit}).status_code == 200
