from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from civicloop import access
from civicloop.core.registry import nav_templates


def roles(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    cached = getattr(request, "civicloop_roles", None)  # from the session (IdleTimeoutMiddleware)
    if not user.is_authenticated:
        cached = []
    return {
        "user_roles": cached if cached is not None else SimpleLazyObject(lambda: access.roles(user)),
        "SITE_NAME": settings.CIVICLOOP["SITE_NAME"],
        "nav_templates": nav_templates(),
    }
