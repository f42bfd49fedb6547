"""Links this app adds to the navigation (core.registry.NavLink)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from civicloop.core.registry import NavLink

LINKS = (
    NavLink(
        url="campaigns:report_current",
        label=_("Report a problem"),
        roles=("resident",),
        group="start",
    ),
    NavLink(url="campaigns:list", label=_("Civilised-city campaign"), roles=("staff",), group="campaigns"),
    NavLink(url="campaigns:public", label=_("Exposure page"), group="campaigns"),
)
