"""Garbage into the inbox API and page: 400 or a plain redirect, never a 500, nothing marked read."""

from __future__ import annotations

import pytest
from django.urls import reverse

from civicloop.notify.models import InboxItem, Notification
from civicloop.orders.tests.test_api import client_for

pytestmark = pytest.mark.django_db
HUGE = 10**22


def _one(personas):
    note = Notification.objects.create(recipient=personas.resident, kind="test", title="您有一条新消息")
    return InboxItem.objects.create(user=personas.resident, notification=note, title=note.title)


def test_marking_read_with_an_id_too_large_is_400(personas):
    r = client_for("resident").post("/api/notify/read", {"ids": [HUGE]}, content_type="application/json")
    assert r.status_code == 400 and r.json()["detail"].startswith("以下字段格式不正确")


@pytest.mark.parametrize("query", [f"page={HUGE}", f"page_size={HUGE}"])
def test_inbox_with_numbers_too_large_is_400(personas, query):
    assert client_for("resident").get(f"/api/notify/inbox?{query}").status_code == 400


@pytest.mark.parametrize("item", ["²", "abc", str(HUGE)])
def test_page_mark_read_with_an_item_that_is_no_id_marks_nothing(client, personas, item):
    _one(personas)
    client.force_login(personas.resident)
    assert client.post(reverse("notify:mark_read"), {"item": item}).status_code == 302
    assert not InboxItem.objects.filter(read_at__isnull=False).exists()
