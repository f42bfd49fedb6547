"""`{% if request.user|on_committee %}`: the nav link only for people who have a committee to open (its office
or a member unit), read once per request."""

from __future__ import annotations

from typing import Any

from django import template

from civicloop.plans import policies

register = template.Library()
_CACHE = "_plans_on_committee"


@register.filter
def on_committee(user: Any) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    cached = getattr(user, _CACHE, None)
    if cached is None:
        cached = policies.visible_committees(user).exists()
        setattr(user, _CACHE, cached)
    return bool(cached)
