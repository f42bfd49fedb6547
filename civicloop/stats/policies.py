"""Who may read which figures: staff read their own subtree's; the public page shows only aggregate counts."""

from __future__ import annotations

from typing import Any

from civicloop import access
from civicloop.network.models import Unit


def stats_home_unit(user: Any) -> Unit | None:
    """The highest unit the user is staff of (the dashboard opens there)."""
    units = sorted(access.staff_units(user), key=lambda u: u.depth)
    return units[0] if units else None


def can_view_stats(user: Any, unit: Unit) -> bool:
    return access.in_scope(user, unit)
