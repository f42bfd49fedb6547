"""Reads for the inbox."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from civicloop.core.hot import hot_cached
from civicloop.notify.models import InboxItem


def inbox_items(user: Any) -> QuerySet[InboxItem]:
    if not getattr(user, "is_authenticated", False):
        return InboxItem.objects.none()
    return InboxItem.objects.filter(user=user).order_by("-created_at", "-pk")


INBOX = "inbox"  # the shared cache's space for unread counts (core.hot), bumped by notify.services


def unread_count(user: Any) -> int:
    """The badge on every page: cached per person until a message arrives or is read (with a shared cache)."""
    if not getattr(user, "is_authenticated", False):
        return 0
    return hot_cached(
        f"user{user.pk}",
        ("unread",),
        lambda: InboxItem.objects.filter(user=user, read_at__isnull=True).count(),
        space=INBOX,
    )
