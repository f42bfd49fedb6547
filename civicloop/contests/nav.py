"""Links this app adds to the navigation (core.registry.NavLink)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from civicloop.core.registry import NavLink

LINKS = (
    NavLink(url="contests:call_list", label=_("Calls for entries"), group="campaigns"),
    NavLink(url="contests:manage_list", label=_("Manage calls"), roles=("staff",), group="campaigns"),
)
