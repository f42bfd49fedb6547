"""Template helpers for order pages: the deadline that matters now and its colour."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

register = template.Library()

_DUE_BY_STATUS = {
    "submitted": "review_due",
    "open": "claim_due",
    "dispatched": "claim_due",
    "accepted": "complete_due",
    "in_service": "complete_due",
}


@register.filter
def current_due(order: Any) -> dt.datetime | None:
    """The deadline the order is waiting on in its state (review, claim or completion)."""
    field = _DUE_BY_STATUS.get(order.status)
    return getattr(order, field, None) if field else None


@register.filter
def due_class(order: Any) -> str:
    """`overdue` (red) when past due, `due-soon` (gold) when due within 24 hours, else empty."""
    due = current_due(order)
    if due is None:
        return ""
    now = timezone.now()
    if due <= now:
        return "overdue"
    if due <= now + dt.timedelta(hours=24):
        return "due-soon"
    return ""


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    return mapping.get(key, "") if hasattr(mapping, "get") else ""


EVENT_LABELS = {
    "submit": _("Ordered"),
    "publish": _("Published to the hall"),
    "withdraw": _("Withdrawn from the hall"),
    "dispatch": _("Dispatched to a team"),
    "reroute": _("Sent to another unit"),
    "merge": _("Merged into a duplicate"),
    "reject": _("Rejected"),
    "claim": _("Claimed by a team"),
    "accept": _("Accepted by the team"),
    "decline": _("Declined by the team"),
    "release": _("Released back to the hall"),
    "assign": _("Volunteers assigned"),
    "check_in": _("Checked in"),
    "check_out": _("Checked out"),
    "report": _("Service report filed"),
    "rate": _("Rated"),
    "return": _("Returned for rework"),
    "verify": _("Verified; hours credited"),
    "cancel": _("Cancelled"),
    "whistle": _("Whistle blown"),
    "whistle_answer": _("Department answered"),
    "escalate": _("Raised to the parent unit"),
    "auto_rate": _("Rated automatically"),
    "whistle_accept": _("Department took on the whistle"),
    "whistle_assign": _("Department put a team or staff member on it"),
    "whistle_close": _("Department closed the whistle with a result"),
    "whistle_overdue": _("Whistle answer overdue; raised again"),
}


@register.filter
def event_label(action: str) -> str:
    return str(EVENT_LABELS.get(action, action))
