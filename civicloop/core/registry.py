"""Apps register themselves (DESIGN §8): a CivicApp config says where its pages and API live, what it adds to
the navigation, its demo seeder and its place in the demo order. urls.py, api.py, seed_demo and the nav
iterate these instead of keeping hand lists."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from importlib.util import find_spec
from typing import Any

from django.apps import AppConfig, apps
from django.http import HttpRequest
from django.utils.translation import pgettext_lazy

from civicloop.core.counters import register_counter_sources

# The menus of the desk roles (staff, office, liaison, auditor), in the order the top bar shows them. A link
# names its menu by key; "start" (shortcuts on the home page) and "mine" (the 我的 page) are the two places the
# field roles (resident, volunteer, leader) find what is not a tab.
NAV_GROUPS: tuple[tuple[str, Any], ...] = (
    ("orders", pgettext_lazy("menu", "Orders and needs")),
    ("activities", pgettext_lazy("menu", "Activities")),
    ("network", pgettext_lazy("menu", "Venues and organisations")),
    ("campaigns", pgettext_lazy("menu", "Contests and civilised city")),
    ("data", pgettext_lazy("menu", "Figures and hours")),
    ("system", pgettext_lazy("menu", "System")),
)
# Bottom tabs of the field roles on a phone, in order. "order" and "tasks" share the second place: a person
# with tasks (volunteer, leader) sees 任务, a resident 点单.
TAB_SLOTS: tuple[tuple[str, Any, str], ...] = (
    ("home", pgettext_lazy("tab", "Home"), "home"),
    ("tasks", pgettext_lazy("tab", "Tasks"), "clipboard-document-check"),
    ("order", pgettext_lazy("tab", "Order"), "hand-raised"),
    ("activities", pgettext_lazy("tab", "Activities"), "calendar-days"),
    ("inbox", pgettext_lazy("tab", "Messages"), "chat-bubble-left-right"),
    ("mine", pgettext_lazy("tab", "Me"), "user-circle"),
)
DESK_ROLES = frozenset({"office", "staff", "liaison", "auditor"})


@dataclass(frozen=True)
class NavLink:
    """One link an app adds to the navigation (declared in `<app>/nav.py` as `LINKS`).

    - `url`: a URL name; `label`: lazily translated text.
    - `roles`: shown to people with one of these role codes (empty: anyone signed in); `not_roles`: hidden from
      people with any of these.
    - `group`: the desk menu it sits in (a key of NAV_GROUPS), or "start"/"mine" for the field roles' home
      shortcuts and 我的 page. A link may sit in a menu and also be a tab (`tab`, a key of TAB_SLOTS).
    - `show`: a further test on the request (no query: read what the access core already loaded);
      `badge`: a count shown beside the link (the unread messages).
    """

    url: str
    label: Any
    roles: tuple[str, ...] = ()
    group: str = ""
    tab: str = ""
    not_roles: tuple[str, ...] = ()
    show: Callable[[HttpRequest], bool] | None = None
    badge: Callable[[HttpRequest], int] | None = None

    def visible_to(self, roles: list[str], request: HttpRequest) -> bool:
        if self.roles and not any(r in roles for r in self.roles):
            return False
        if any(r in roles for r in self.not_roles):
            return False
        return self.show is None or self.show(request)


class CivicApp(AppConfig):
    """Base config of a CivicLoop domain app.

    - `url_prefix`: pages mounted at `/<prefix>/` from `<app>.urls` ("" = none).
    - `api_prefix`: `<app>.api.router` mounted at `/api/<prefix>` ("" = none).
    - `nav_order`: where the app's links (`LINKS` in its `<app>.nav` module, a tuple of NavLink) come in the
      menus and on the 我的 page.
    - `demo_order`: apps with a `demo` module are seeded by `seed_demo` in this order (None = no seeder).
    - its `<app>.workflow` module, when there is one, is imported at start so its declarations are registered
      (`core.workflow.REGISTRY`: badges, timelines, the status-write test); an app that overrides `ready()`
      calls `super().ready()`;
    - the counter sources of its `<app>.counters` module (`SOURCES`, a tuple of core.counters.CounterSource)
      are registered at start too: the figures' counters follow them and the recount reads them, so stats
      imports none of the apps.
    """

    # apps.py imports this module, not the class: Django picks an app's config among the AppConfig classes
    # named in its apps.py, and must see only the app's own.

    url_prefix: str = ""
    api_prefix: str = ""
    nav_order: int = 1000
    demo_order: int | None = None

    def ready(self) -> None:
        if find_spec(f"{self.name}.workflow") is not None:
            import_module(f"{self.name}.workflow")
        if find_spec(f"{self.name}.counters") is not None:
            register_counter_sources(*import_module(f"{self.name}.counters").SOURCES)

    def urls_module(self) -> str:
        return f"{self.name}.urls"

    def api_router(self) -> Any:
        return import_module(f"{self.name}.api").router

    def demo_module(self) -> Any:
        return import_module(f"{self.name}.demo")

    def nav_links(self) -> tuple[NavLink, ...]:
        if find_spec(f"{self.name}.nav") is None:
            return ()
        return tuple(import_module(f"{self.name}.nav").LINKS)


def civic_apps() -> list[CivicApp]:
    return [a for a in apps.get_app_configs() if isinstance(a, CivicApp)]


def nav_links() -> list[NavLink]:
    """Every registered link, apps in `nav_order`, each app's links in the order it declares them."""
    return [link for a in sorted(civic_apps(), key=lambda a: a.nav_order) for link in a.nav_links()]


def demo_apps() -> list[CivicApp]:
    return sorted((a for a in civic_apps() if a.demo_order is not None), key=lambda a: a.demo_order or 0)
