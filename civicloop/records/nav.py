"""Links this app adds to the navigation (core.registry.NavLink)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from civicloop.core.registry import NavLink

LINKS = (
    NavLink(url="records:my_hours", label=_("My hours"), roles=("volunteer",), group="mine"),
    NavLink(url="records:my_points", label=_("My points"), roles=("volunteer",), group="mine"),
    NavLink(url="records:rankings", label=_("Hours rankings"), roles=("staff",), group="data"),
    NavLink(url="records:makeup_list", label=_("Make-up hours"), roles=("staff", "leader"), group="data"),
    NavLink(url="records:shop_manage", label=_("Points shop"), roles=("staff",), group="data"),
)
