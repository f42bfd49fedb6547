"""Admin: read-only, scoped views of orders, whistles and deadlines (every change goes through the services:
the workflow for orders, `unit_settings_update` for deadlines)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet

from civicloop import access
from civicloop.core.admin import ReadOnlyAdmin, ScopedAdmin
from civicloop.orders import policies as policy
from civicloop.orders.models import Order, OrderEvent, UnitDeadlines, Whistle


class ReadOnly(ReadOnlyAdmin, ScopedAdmin):
    pass


def _deadlines_in_scope(user: Any) -> QuerySet[UnitDeadlines]:
    return UnitDeadlines.objects.filter(unit__in=access.visible_units(user))


class EventInline(admin.TabularInline):
    model = OrderEvent
    extra = 0
    can_delete = False
    fields = ("created_at", "action", "from_status", "to_status", "actor", "note", "automatic")
    readonly_fields = fields


@admin.register(Order)
class OrderAdmin(ReadOnly):
    scope = staticmethod(policy.visible_orders)
    list_display = ("number", "title", "category", "status", "unit", "team", "escalation_level", "created_at")
    list_filter = ("status", "category", "channel")
    search_fields = ("number", "title")
    exclude = ("address",)
    inlines = [EventInline]
    list_select_related = ("unit", "team")


@admin.register(Whistle)
class WhistleAdmin(ReadOnly):
    scope = staticmethod(policy.whistles_for)
    list_display = ("order", "reason", "from_unit", "to_unit", "automatic", "answered_at", "created_at")
    list_select_related = ("order", "from_unit", "to_unit")


@admin.register(UnitDeadlines)
class UnitDeadlinesAdmin(ReadOnly):
    scope = staticmethod(_deadlines_in_scope)
    list_display = (
        "unit",
        "review_hours",
        "claim_hours",
        "complete_hours",
        "auto_dispatch",
        "auto_dispatch_hours",
    )
