"""Links this app adds to the navigation (core.registry.NavLink)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from civicloop.core.registry import NavLink

LINKS = (NavLink(url="stats:dashboard", label=_("Figures"), roles=("staff",), group="data"),)
