from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from civicloop import access
from civicloop.core.nav import Nav


def roles(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    cached = getattr(request, "civicloop_roles", None)  # from the session (IdleTimeoutMiddleware)
    if not user.is_authenticated:
        cached = []
    user_roles = cached if cached is not None else SimpleLazyObject(lambda: access.roles(user))
    return {
        "user_roles": user_roles,
        "SITE_NAME": settings.CIVICLOOP["SITE_NAME"],
        "nav": SimpleLazyObject(lambda: Nav(request, list(user_roles))),
    }
