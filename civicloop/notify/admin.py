from __future__ import annotations

from django.contrib import admin

from civicloop.notify.models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("kind", "recipient", "title", "created_at", "delivered_at", "attempts", "last_error")
    list_filter = ("kind",)
    readonly_fields = [f.name for f in Notification._meta.fields]
