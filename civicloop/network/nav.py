"""Links this app adds to the navigation (core.registry.NavLink)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from civicloop.core.registry import NavLink

LINKS = (
    NavLink(url="network:unit_tree", label=_("Units"), roles=("staff",), group="network"),
    NavLink(url="network:venue_list", label=_("Venues"), roles=("staff", "leader"), group="network"),
    NavLink(url="network:coverage", label=_("Coverage"), roles=("office",), group="network"),
)
