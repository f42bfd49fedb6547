"""Who may change a unit's order settings (deadlines, auto-dispatch, whistle departments, auto-rating delay)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from civicloop.access import in_scope, visible_units
from civicloop.network.models import Unit


def can_edit_unit_settings(user: Any, unit: Unit) -> bool:
    """Staff of the unit or of a unit above it (the office covers the district); practice units only."""
    return unit.kind == Unit.Kind.PRACTICE and in_scope(user, unit)


def settings_units(user: Any) -> QuerySet[Unit]:
    return visible_units(user).filter(kind=Unit.Kind.PRACTICE, is_active=True)
