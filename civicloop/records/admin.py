"""The hours and points ledgers in the back office: read-only (corrections are reversing rows, via services)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet

from civicloop import access
from civicloop.core.admin import ReadOnlyAdmin, ScopedAdmin
from civicloop.records import policies as policy
from civicloop.records.models import PointsEntry, ServiceRecord


def _visible_points(user: Any) -> QuerySet[PointsEntry]:
    return PointsEntry.objects.filter(volunteer__in=access.visible_volunteers(user))


@admin.register(ServiceRecord)
class ServiceRecordAdmin(ReadOnlyAdmin, ScopedAdmin):
    scope = staticmethod(policy.visible_records)
    list_display = ("served_on", "volunteer", "hours", "source", "category", "unit", "reverses")
    list_filter = ("source", "category")
    search_fields = ("volunteer__number", "description")
    list_select_related = ("volunteer__user", "unit", "reverses")
    date_hierarchy = "served_on"
    list_per_page = 100
    actions = None


@admin.register(PointsEntry)
class PointsEntryAdmin(ReadOnlyAdmin, ScopedAdmin):
    scope = staticmethod(_visible_points)
    list_display = ("created_at", "volunteer", "kind", "points", "reason")
    list_filter = ("kind",)
    search_fields = ("volunteer__number",)
    list_select_related = ("volunteer__user",)
    list_per_page = 100
    actions = None
