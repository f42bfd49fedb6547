"""Reads of the audit log."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from civicloop.audit.models import AuditEvent


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def audit_events(
    *,
    action: str = "",
    outcome: str = "",
    actor: str = "",
    since: dt.date | None = None,
    until: dt.date | None = None,
    **_ignored: Any,
) -> QuerySet[AuditEvent]:
    """Events newest first, narrowed by the given filters; dates are whole local days, both ends included."""
    events = AuditEvent.objects.select_related("unit")
    if action:
        events = events.filter(action__iexact=action.strip())
    if outcome:
        events = events.filter(outcome=outcome)
    if actor:
        events = events.filter(actor_name__iexact=actor.strip())
    if since:
        events = events.filter(created_at__gte=_day_start(since))
    if until:
        events = events.filter(created_at__lt=_day_start(until + dt.timedelta(days=1)))
    return events.order_by("-created_at", "-id")


def audit_actions() -> list[str]:
    """The action codes seen so far, for the filter's suggestions."""
    return list(AuditEvent.objects.order_by("action").values_list("action", flat=True).distinct()[:200])
