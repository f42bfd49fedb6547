"""Apps register themselves (DESIGN §8): a CivicApp config says where its pages and API live, what it adds to
the navigation, its demo seeder and its place in the demo order. urls.py, api.py, seed_demo and the nav
template iterate these instead of keeping hand lists."""

from __future__ import annotations

from importlib import import_module
from importlib.util import find_spec
from typing import Any

from django.apps import AppConfig, apps


class CivicApp(AppConfig):
    """Base config of a CivicLoop domain app.

    - `url_prefix`: pages mounted at `/<prefix>/` from `<app>.urls` ("" = none).
    - `api_prefix`: `<app>.api.router` mounted at `/api/<prefix>` ("" = none).
    - `nav_template`: a template with the app's links for the main nav (receives `user_roles`).
    - `demo_order`: apps with a `demo` module are seeded by `seed_demo` in this order (None = no seeder).
    - its `<app>.workflow` module, when there is one, is imported at start so its declarations are registered
      (`core.workflow.REGISTRY`: badges, timelines, the status-write test); an app that overrides `ready()`
      calls `super().ready()`.
    """

    # apps.py imports this module, not the class: Django picks an app's config among the AppConfig classes
    # named in its apps.py, and must see only the app's own.

    url_prefix: str = ""
    api_prefix: str = ""
    nav_template: str = ""
    nav_order: int = 1000
    demo_order: int | None = None

    def ready(self) -> None:
        if find_spec(f"{self.name}.workflow") is not None:
            import_module(f"{self.name}.workflow")

    def urls_module(self) -> str:
        return f"{self.name}.urls"

    def api_router(self) -> Any:
        return import_module(f"{self.name}.api").router

    def demo_module(self) -> Any:
        return import_module(f"{self.name}.demo")


def civic_apps() -> list[CivicApp]:
    return [a for a in apps.get_app_configs() if isinstance(a, CivicApp)]


def nav_templates() -> list[str]:
    return [a.nav_template for a in sorted(civic_apps(), key=lambda a: a.nav_order) if a.nav_template]


def demo_apps() -> list[CivicApp]:
    return sorted((a for a in civic_apps() if a.demo_order is not None), key=lambda a: a.demo_order or 0)
