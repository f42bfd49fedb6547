"""The unread badge on every page, cached per person in Redis until their inbox changes (core.hot, "inbox")."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from civicloop.notify.models import InboxItem
from civicloop.notify.services import notify_queue

pytestmark = pytest.mark.django_db


def _badge(client: Any) -> tuple[str | None, int]:
    """The unread count the home page's inbox tab shows, and how many statements read the inbox for it."""
    with CaptureQueriesContext(connection) as ctx:
        html = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    tab = re.search(r'nav-inbox"[^>]*>.*?</a>', html, re.S)
    assert tab is not None, "the home page shows the inbox tab"
    count = re.search(r'<span class="badge badge-red"[^>]*>(\d+)</span>', tab.group(0))
    return (count.group(1) if count else None), sum("notify_inboxitem" in q["sql"] for q in ctx.captured_queries)


def _resident_with_one_message(personas: Any, client: Any, on_commit: Any) -> None:
    with on_commit(execute=True):
        notify_queue(recipients=[personas.resident], kind="test", title="订单已派出")
    client.force_login(personas.resident)


def test_unread_badge_is_read_once_until_a_message_arrives_or_is_read(
    personas: Any, client: Any, redis_cache: None, django_capture_on_commit_callbacks: Any
) -> None:
    _resident_with_one_message(personas, client, django_capture_on_commit_callbacks)
    assert _badge(client) == ("1", 1)  # counted once …
    assert _badge(client) == ("1", 0)  # … then the shared cache answers

    with django_capture_on_commit_callbacks(execute=True):  # a new message: the next page counts again
        notify_queue(recipients=[personas.resident], kind="test", title="志愿者已签到")
    assert _badge(client) == ("2", 1)

    with django_capture_on_commit_callbacks(execute=True):  # someone else's message leaves this count alone
        notify_queue(recipients=[personas.volunteer], kind="test", title="别人的消息")
    assert _badge(client) == ("2", 0)

    with django_capture_on_commit_callbacks(execute=True):
        client.post("/notify/read/")
    assert InboxItem.objects.filter(user=personas.resident, read_at__isnull=True).count() == 0
    assert _badge(client) == (None, 1)  # read: the badge is gone at once, not after the cache expires


def test_without_a_shared_cache_every_page_counts(
    personas: Any, client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    _resident_with_one_message(personas, client, django_capture_on_commit_callbacks)
    assert _badge(client) == ("1", 1)
    assert _badge(client) == ("1", 1)  # the per-process memory cache would not hear another process's writes
