"""Sign-in plumbing: axes' lockout answer (JSON for the API, the page otherwise) and the login page's limits."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _

from civicloop.core.ratelimit import rate_limited


def lockout_message() -> str:
    return _("Too many failed sign-in attempts. This account is locked for 30 minutes.")


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: the API answers with its usual JSON error, pages with the lockout page."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": lockout_message()}, status=429)
    return render(request, "registration/locked_out.html", status=429)


@method_decorator(rate_limited("signin"), name="dispatch")
class LoginView(auth_views.LoginView):
    redirect_authenticated_user = True
