"""The navigation one person sees, built from the links the apps register (registry.NavLink).

Desk roles (staff, office, liaison, auditor) get a few menus (registry.NAV_GROUPS): a menu bar on a desktop, a
drawer on a phone. Field roles (resident, volunteer, leader) get bottom tabs (registry.TAB_SLOTS); what is not a
tab is on the home page (group "start") and on the 我的 page (group "mine" and every other link they may see).
Everything is computed on first use, once per request: a page that shows no nav costs nothing."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import gettext_lazy as _

from civicloop.core.registry import DESK_ROLES, NAV_GROUPS, TAB_SLOTS, NavLink, nav_links

# Core's own links: the home page and the 我的 page (tabs) first, the account page after the apps' links.
CORE_LINKS: tuple[NavLink, ...] = (
    NavLink(url="home", label=_("Home"), tab="home"),
    NavLink(url="core:mine", label=_("Me"), tab="mine"),
)
CORE_TAIL: tuple[NavLink, ...] = (NavLink(url="account:account", label=_("Account and security"), group="mine"),)
# Where a field person's page belongs when it is no tab itself: shortcuts live on the home tab, the rest on 我的.
FIELD_TAB_OF_GROUP = {"start": "home"}


@dataclass
class Item:
    link: NavLink
    href: str
    label: Any
    badge: int = 0
    current: bool = False


@dataclass
class Menu:
    key: str
    label: Any
    items: list[Item] = field(default_factory=list)

    @property
    def current(self) -> bool:
        return any(i.current for i in self.items)


@dataclass
class Tab:
    slot: str
    label: Any
    icon: str
    item: Item
    current: bool = False


@lru_cache(maxsize=512)
def _href(url: str, prefix: str, urlconf: str) -> str:
    # A link's URL depends only on its name, the URLconf and the script prefix (no language prefix in our URLs):
    # every page reversed each of its ~15 links again, a few percent of a small page.
    return reverse(url, urlconf=urlconf)


class Nav:
    def __init__(self, request: HttpRequest, roles: list[str]) -> None:
        self.request = request
        self.roles = list(roles)

    @cached_property
    def is_desk(self) -> bool:
        return any(r in DESK_ROLES for r in self.roles)

    @cached_property
    def items(self) -> list[Item]:
        """The links this person may see, in registry order, the one for the current page marked."""
        found: list[Item] = []
        prefix, urlconf = get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF
        for link in (*CORE_LINKS, *nav_links(), *CORE_TAIL):
            if not link.visible_to(self.roles, self.request):
                continue
            found.append(Item(link=link, href=_href(link.url, prefix, urlconf), label=link.label))
        path = self.request.path
        # The longest link the path starts with is the current page ("/" only for itself).
        matching = [i for i in found if i.href == path or (i.href != "/" and path.startswith(i.href))]
        if matching:
            best = max(len(i.href) for i in matching)
            for i in matching:
                i.current = len(i.href) == best
        for i in found:
            if i.link.badge is not None:
                i.badge = i.link.badge(self.request)
        return found

    def group(self, key: str) -> list[Item]:
        return [i for i in self.items if i.link.group == key]

    # --- desk -------------------------------------------------------------------------------------------------

    @cached_property
    def menus(self) -> list[Menu]:
        menus = [Menu(key, label, self.group(key)) for key, label in NAV_GROUPS]
        return [m for m in menus if m.items]

    @cached_property
    def inbox(self) -> Item | None:
        return next((i for i in self.items if i.link.tab == "inbox"), None)

    @cached_property
    def personal(self) -> list[Item]:
        """The desk's 我的 menu: a staff member who also volunteers finds their own pages there."""
        return [i for i in self.items if i.link.group in ("start", "mine")]

    # --- field ------------------------------------------------------------------------------------------------

    @cached_property
    def tabs(self) -> list[Tab]:
        first: dict[str, Item] = {}
        for i in self.items:
            if i.link.tab and i.link.tab not in first:
                first[i.link.tab] = i
        if "tasks" in first:
            first.pop("order", None)  # a volunteer who is also a resident orders from the home page
        tabs = [Tab(slot, label, icon, first[slot]) for slot, label, icon in TAB_SLOTS if slot in first]
        current = next((i for i in self.items if i.current), None)
        if current is not None:
            slot = self._slot_of(current, tabs)
            for t in tabs:
                t.current = t.slot == slot
        return tabs

    def _slot_of(self, item: Item, tabs: list[Tab]) -> str:
        for t in tabs:
            if t.item is item:
                return t.slot
        return FIELD_TAB_OF_GROUP.get(item.link.group, "mine")

    @cached_property
    def tab_items(self) -> set[int]:
        return {id(t.item) for t in self.tabs}

    @cached_property
    def shortcuts(self) -> list[Item]:
        """The home page's big buttons: the things a field person comes to do (ordering, tasks, the hall)."""
        return self.group("start")

    @cached_property
    def start(self) -> list[Item]:
        return [i for i in self.group("start") if id(i) not in self.tab_items]

    @cached_property
    def mine(self) -> list[Item]:
        return [i for i in self.group("mine") if id(i) not in self.tab_items]

    @cached_property
    def more(self) -> list[Item]:
        """Links of the desk menus a field person may also see (a leader's venues and make-up hours)."""
        desk = {key for key, _label in NAV_GROUPS}
        return [i for i in self.items if i.link.group in desk and id(i) not in self.tab_items]
