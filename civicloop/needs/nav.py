"""Links this app adds to the navigation (core.registry.NavLink)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from civicloop.core.registry import NavLink

LINKS = (
    NavLink(url="needs:round_list", label=_("Needs rounds"), roles=("staff",), group="orders"),
    NavLink(url="needs:survey_list", label=_("Questionnaires"), roles=("staff",), group="orders"),
    NavLink(url="needs:analysis", label=_("Needs analysis"), roles=("staff",), group="orders"),
)
