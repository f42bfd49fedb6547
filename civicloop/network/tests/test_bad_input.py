"""Garbage into the unit-tree API: 400 or 404 in Chinese, never a 500."""

from __future__ import annotations

import pytest

from civicloop.orders.tests.test_api import client_for

pytestmark = pytest.mark.django_db
HUGE = 10**22


def test_unit_list_with_a_page_too_large_is_400(personas):
    r = client_for("station").get(f"/api/network/units?page={HUGE}")
    assert r.status_code == 400 and r.json()["detail"] == "以下字段格式不正确：page"


def test_unit_list_with_page_zero_keeps_its_own_message(personas):
    r = client_for("station").get("/api/network/units?page=0")
    assert r.status_code == 400 and r.json()["detail"] == "页码必须大于或等于1。"


@pytest.mark.parametrize("path", [f"/api/network/units/{HUGE}", f"/api/network/units?parent={HUGE}"])
def test_unknown_unit_is_404_in_chinese(personas, path):
    r = client_for("station").get(path)
    assert r.status_code == 404 and r.json()["detail"] == "未找到。"


def test_patch_with_a_body_that_is_not_json_is_400_in_chinese(personas):
    r = client_for("station").patch(
        f"/api/network/units/{personas.station.pk}", b"{name:", content_type="application/json"
    )
    assert r.status_code == 400 and r.json()["detail"] == "请求内容不是有效的 JSON。"
