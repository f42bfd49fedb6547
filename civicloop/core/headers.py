"""Security headers beyond Django's own: Permissions-Policy, and `Cache-Control: no-store` for signed-in answers.

Every page or API answer for a signed-in person may show personal data (names, mobiles, addresses, orders), so
none of it may stay in a browser's or proxy's cache; public pages for anonymous visitors stay cacheable. The
Content-Security-Policy comes from django-csp (settings.CONTENT_SECURITY_POLICY).
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        user = getattr(request, "user", None)
        personal = user is not None and user.is_authenticated
        if personal and not request.path.startswith(settings.STATIC_URL):
            response.headers["Cache-Control"] = "no-store, private"
            response.headers.pop("Expires", None)
        return response
