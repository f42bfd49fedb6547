"""Links this app adds to the navigation (core.registry.NavLink)."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from civicloop.core.registry import NavLink
from civicloop.plans.templatetags.plans_tags import on_committee


def _on_committee(request: HttpRequest) -> bool:
    return on_committee(request.user)


LINKS = (
    NavLink(
        url="plans:home",
        label=_("Civilisation committee"),
        roles=("staff", "liaison"),
        group="campaigns",
        show=_on_committee,
    ),
)
