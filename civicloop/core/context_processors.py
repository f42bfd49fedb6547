from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from civicloop import access
from civicloop.core.registry import nav_templates


def roles(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    return {
        "user_roles": SimpleLazyObject(lambda: access.roles(user)) if user.is_authenticated else [],
        "SITE_NAME": settings.CIVICLOOP["SITE_NAME"],
        "nav_templates": nav_templates(),
    }
