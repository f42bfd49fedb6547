"""`{% if request.user|on_committee %}`: the nav link for the people a committee is made of — the office (staff
of a root unit) and the people of units directly below a root (departments, towns and streets: where member
units sit) — read from the memberships the access core has already loaded for this request, so the nav costs
no query on any page. Everyone else who reaches /plans/ without a committee gets the usual refusal."""

from __future__ import annotations

from typing import Any

from django import template

from civicloop import access

register = template.Library()


@register.filter
def on_committee(user: Any) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return any(u.depth <= 2 for u in [*access.staff_units(user), *access.liaison_units(user)])
