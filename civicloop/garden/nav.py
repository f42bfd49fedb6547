"""Links this app adds to the navigation (core.registry.NavLink)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from civicloop.core.registry import NavLink

ANY_ROLE = ("office", "staff", "liaison", "auditor", "leader", "volunteer", "resident")

LINKS = (
    NavLink(url="garden:garden_list", label=_("Learning garden"), roles=ANY_ROLE, group="activities"),
    NavLink(url="garden:moderation_queue", label=_("Message review"), roles=("staff",), group="activities"),
)
