"""Writing audit events. Every write goes through `audit_record`."""

from __future__ import annotations

from django.http import HttpRequest

from civicloop.audit.models import AuditEvent


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def audit_record(
    *,
    action: str,
    actor=None,
    request: HttpRequest | None = None,
    unit=None,
    obj=None,
    object_type: str = "",
    object_id: str = "",
    outcome: str = AuditEvent.Outcome.OK,
    detail: str = "",
) -> AuditEvent:
    if actor is None and request is not None and request.user.is_authenticated:
        actor = request.user
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    return AuditEvent.objects.create(
        actor=actor if actor is not None and getattr(actor, "pk", None) else None,
        actor_name=(getattr(actor, "username", "") or "")[:150],
        unit=unit,
        action=action,
        object_type=object_type[:50],
        object_id=str(object_id)[:50],
        outcome=outcome,
        ip=client_ip(request),
        detail=detail[:300],
    )
