"""The audit log in the back office: read-only for everybody, visible to auditors (and superusers)."""

from __future__ import annotations

from django.contrib import admin

from civicloop.audit import policies as policy
from civicloop.audit.models import AuditEvent
from civicloop.core.admin import ReadOnlyAdmin, ScopedAdmin


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin, ScopedAdmin):
    scope = staticmethod(policy.visible_audit_events)
    list_display = ("created_at", "actor_name", "unit", "action", "object_type", "object_id", "outcome", "ip")
    list_filter = ("outcome", "action")
    search_fields = ("actor_name", "action", "object_id", "detail")
    list_select_related = ("unit",)
    date_hierarchy = "created_at"
    list_per_page = 100
    actions = None
