from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet

from civicloop.core.admin import ReadOnlyAdmin, ScopedAdmin
from civicloop.notify.models import Notification


def _own(user: Any) -> QuerySet[Notification]:
    """A notification is personal: in the back office each user sees only their own (superusers all)."""
    return Notification.objects.filter(recipient=user)


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin, ScopedAdmin):
    scope = staticmethod(_own)
    list_display = ("kind", "recipient", "title", "created_at", "delivered_at", "attempts", "last_error")
    list_filter = ("kind",)
    readonly_fields = [f.name for f in Notification._meta.fields]
