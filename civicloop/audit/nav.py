"""Links this app adds to the navigation (core.registry.NavLink)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from civicloop.core.registry import NavLink

LINKS = (NavLink(url="audit:event_list", label=_("Audit log"), roles=("auditor",), group="system"),)
