"""Admin: read-only views of orders and their history (every change goes through the services)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from civicloop.orders.models import Order, OrderEvent, UnitDeadlines, Whistle


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


class EventInline(admin.TabularInline):
    model = OrderEvent
    extra = 0
    can_delete = False
    fields = ("created_at", "action", "from_status", "to_status", "actor", "note", "automatic")
    readonly_fields = fields


@admin.register(Order)
class OrderAdmin(ReadOnly):
    list_display = ("number", "title", "category", "status", "unit", "team", "escalation_level", "created_at")
    list_filter = ("status", "category", "channel")
    search_fields = ("number", "title")
    exclude = ("address",)
    inlines = [EventInline]
    list_select_related = ("unit", "team")


@admin.register(Whistle)
class WhistleAdmin(ReadOnly):
    list_display = ("order", "reason", "from_unit", "to_unit", "automatic", "answered_at", "created_at")
    list_select_related = ("order", "from_unit", "to_unit")


@admin.register(UnitDeadlines)
class UnitDeadlinesAdmin(admin.ModelAdmin):
    list_display = (
        "unit",
        "review_hours",
        "claim_hours",
        "complete_hours",
        "auto_dispatch",
        "auto_dispatch_hours",
    )
