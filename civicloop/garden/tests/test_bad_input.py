"""Garbage into the garden API and pages: 400 or 404 with a message, never a 500, nothing written."""

from __future__ import annotations

import pytest
from django.urls import reverse

from civicloop.garden.models import SensitiveWord
from civicloop.orders.tests.test_api import client_for

pytestmark = pytest.mark.django_db
HUGE = 10**22


@pytest.mark.parametrize("query", [f"unit_id={HUGE}", f"page={HUGE}", f"page_size={HUGE}"])
def test_post_list_with_numbers_too_large_is_400(personas, query):
    r = client_for("resident").get(f"/api/garden/posts?{query}")
    assert r.status_code == 400, r.content
    assert r.json()["detail"].startswith("以下字段格式不正确")


def test_unknown_post_is_404_in_chinese(personas):
    r = client_for("resident").get("/api/garden/posts/123456/comments")
    assert r.status_code == 404 and r.json()["detail"] == "未找到。"


@pytest.mark.parametrize("remove", ["abc", "²", str(HUGE), "-1"])
def test_removing_a_word_by_an_id_that_is_no_id_is_404(client, personas, remove):
    client.force_login(personas.office)
    client.post(reverse("garden:words"), {"word": "刷单"})
    before = SensitiveWord.objects.count()
    assert client.post(reverse("garden:words"), {"remove": remove}).status_code == 404
    assert SensitiveWord.objects.count() == before
