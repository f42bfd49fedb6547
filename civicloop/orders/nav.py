"""Links this app adds to the navigation (core.registry.NavLink)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from civicloop.core.registry import NavLink

LINKS = (
    NavLink(url="orders:new", label=_("Order a service"), roles=("resident",), tab="order", group="start"),
    NavLink(url="orders:mine", label=_("My orders"), roles=("resident",), group="start"),
    NavLink(url="orders:hall", label=_("Order hall"), roles=("leader",), group="start"),
    NavLink(
        url="orders:tasks", label=_("My tasks"), roles=("leader", "volunteer"), tab="tasks", group="start"
    ),
    NavLink(url="orders:queue", label=_("Order queue"), roles=("staff",), group="orders"),
    NavLink(url="orders:enter", label=_("Enter an order"), roles=("staff",), group="orders"),
    NavLink(url="orders:whistles", label=_("Whistles"), roles=("staff", "liaison"), group="orders"),
    NavLink(url="orders:unit_settings_list", label=_("Unit settings"), roles=("staff",), group="system"),
)
