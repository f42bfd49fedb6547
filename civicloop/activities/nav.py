"""Links this app adds to the navigation (core.registry.NavLink)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from civicloop.core.registry import NavLink

LINKS = (
    NavLink(url="activities:list", label=_("Activities"), roles=("staff", "leader"), group="activities"),
    # A volunteer's activities tab is their own sign-ups; everyone else's is the calendar.
    NavLink(
        url="activities:my", label=_("My activities"), roles=("volunteer",), tab="activities", group="mine"
    ),
    NavLink(url="activities:scanner", label=_("Scan"), roles=("volunteer",), group="mine"),
    NavLink(url="activities:calendar", label=_("Activity calendar"), tab="activities", group="activities"),
)
