"""Reads for the inbox."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from civicloop.notify.models import InboxItem


def inbox_items(user: Any) -> QuerySet[InboxItem]:
    if not getattr(user, "is_authenticated", False):
        return InboxItem.objects.none()
    return InboxItem.objects.filter(user=user).order_by("-created_at", "-pk")


def unread_count(user: Any) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return InboxItem.objects.filter(user=user, read_at__isnull=True).count()
