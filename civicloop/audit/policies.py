"""Access policy for the audit log: auditors read it; nobody changes it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from civicloop.access import can_read_audit
from civicloop.audit.models import AuditEvent

if TYPE_CHECKING:
    from civicloop.people.models import User


def visible_audit_events(user: User) -> QuerySet[AuditEvent]:
    if not can_read_audit(user):
        return AuditEvent.objects.none()
    return AuditEvent.objects.all()
