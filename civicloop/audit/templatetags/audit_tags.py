"""`{{ code|action_label }}`: an audit code's label from the one vocabulary (civicloop.audit.actions)."""

from __future__ import annotations

from django import template

from civicloop.audit.actions import action_label as _label

register = template.Library()


@register.filter
def action_label(code: str) -> str:
    return _label(code)
