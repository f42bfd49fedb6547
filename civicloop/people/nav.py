"""Links this app adds to the navigation (core.registry.NavLink)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from civicloop.core.registry import NavLink

LINKS = (
    NavLink(url="people:resident_list", label=_("Residents"), roles=("staff",), group="network"),
    NavLink(url="people:volunteer_list", label=_("Volunteers"), roles=("staff",), group="network"),
    NavLink(url="people:team_list", label=_("Teams"), roles=("staff",), group="network"),
    NavLink(url="people:my_teams", label=_("My teams"), roles=("leader",), group="mine"),
    NavLink(url="people:volunteer_home", label=_("My volunteer page"), roles=("volunteer",), group="mine"),
    NavLink(url="people:resident_home", label=_("My data"), roles=("resident",), group="mine"),
    NavLink(
        url="people:team_list", label=_("Teams"), roles=("volunteer",), not_roles=("staff",), group="mine"
    ),
    NavLink(url="people:my_team_requests", label=_("My team requests"), roles=("volunteer",), group="mine"),
    # Switching role: a resident may also volunteer, a volunteer may also order as a resident.
    NavLink(
        url="people:register_volunteer",
        label=_("Also volunteer"),
        roles=("resident",),
        not_roles=("volunteer",),
        group="mine",
    ),
    NavLink(
        url="people:become_resident",
        label=_("Also order services as a resident"),
        roles=("volunteer", "leader"),
        not_roles=("resident",),
        group="mine",
    ),
)
