"""Staff sessions end after a period of inactivity (DESIGN §4: 30 minutes)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

from civicloop import access

SESSION_KEY = "last_seen"
ROLE_KEY = "roles"  # [user id, role codes, checked at]: decided once per session and five minutes
ROLE_PATHS = ("/people/", "/network/", "/accounts/")  # where a POST may change the poster's own roles
STAMP_EVERY_SECONDS = 60  # the stamp is rewritten at most once a minute: no session write per page view
ROLE_RECHECK_SECONDS = 300  # a role granted during a session starts counting within five minutes


STAFF_LIKE = frozenset({"office", "staff", "liaison", "auditor"})


def _cached_roles(request: HttpRequest, user: Any, now: int) -> list[str] | None:
    cached = request.session.get(ROLE_KEY)
    if (
        isinstance(cached, list)
        and len(cached) == 3
        and cached[0] == user.pk
        and isinstance(cached[1], list)
        and now - int(cached[2]) < ROLE_RECHECK_SECONDS
    ):
        return list(cached[1])
    return None


def _session_roles(request: HttpRequest, user: Any, now: int) -> list[str]:
    """The user's role codes, kept in the session for a few minutes.

    Written the first time (one set of membership/team/profile reads per session and five minutes), then read
    from the session: a page view costs no role queries and, for residents and volunteers, no session write.
    The navigation (`user_roles`) and the idle limit use them; permissions are still decided per request by
    the access package. A successful POST under ROLE_PATHS (registering as a volunteer, say) drops the copy;
    a role someone else grants shows in the menu within ROLE_RECHECK_SECONDS.
    """
    found = _cached_roles(request, user, now)
    if found is None:
        found = access.roles(user)
        request.session[ROLE_KEY] = [user.pk, found, now]
    return found


def _staff_like(request: HttpRequest, user: Any, now: int) -> bool:
    if user.is_staff or user.is_superuser:
        return True
    if request.path.startswith("/api/"):
        # The API has no navigation: use the session's note if there is one, else the memberships alone (which
        # the API's own scope checks read anyway, cached on the user) — no session write either way.
        roles = _cached_roles(request, user, now)
        if roles is None:
            return access.is_staff(user) or access.is_auditor(user) or access.is_liaison(user)
    else:
        roles = _session_roles(request, user, now)
        request.civicloop_roles = roles  # type: ignore[attr-defined]
    return bool(STAFF_LIKE.intersection(roles))


def stamp_on_login(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """Signing in is activity: the first request after it need not write the session to start the clock."""
    session = getattr(request, "session", None)
    if session is not None:
        session[SESSION_KEY] = int(time.time())


class IdleTimeoutMiddleware:
    """Signs a staff-like session out after STAFF_IDLE_TIMEOUT_SECONDS without a request, pages and API alike.

    Sits after MessageMiddleware (the sign-out notice is a message). On /api/ an idle session is simply signed
    out and the request goes on anonymous, so the API answers 401 unless it carries a valid bearer token.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            if _staff_like(request, user, now):
                last = request.session.get(SESSION_KEY)
                if last is not None and now - int(last) > settings.STAFF_IDLE_TIMEOUT_SECONDS:
                    logout(request)
                    if request.path.startswith("/api/"):
                        return self.get_response(request)
                    messages.info(
                        request,
                        _("You were signed out after 30 minutes without activity. Please sign in again."),
                        fail_silently=True,
                    )
                    return redirect_to_login(request.get_full_path())
                if last is None or now - int(last) >= STAMP_EVERY_SECONDS:
                    request.session[SESSION_KEY] = now
            response = self.get_response(request)
            if (
                request.method == "POST"
                and response.status_code < 400
                and request.path.startswith(ROLE_PATHS)
            ):
                request.session.pop(ROLE_KEY, None)  # the user may have just registered or changed a role
            return response
        return self.get_response(request)


class LanguageMiddleware:
    """Chinese unless the person chose English (language cookie); API clients may ask via Accept-Language.

    Django's LocaleMiddleware would follow the browser's Accept-Language, which shows English to anyone whose
    phone happens to be set to English; the platform's users expect Chinese first.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        supported = {code for code, _name in settings.LANGUAGES}
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in supported and request.path.startswith("/api/"):
            language = translation.get_language_from_request(request)
        if language not in supported:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie", "Accept-Language"))
        response.headers.setdefault("Content-Language", language)
        return response


class NulCharacterMiddleware:
    """Refuse a request whose address or form data holds a NUL character (400, translated).

    No browser sends one; PostgreSQL cannot store or even compare text with one, so a `?q=%00` used to reach the
    database and fail there with a 500. JSON bodies are checked by the API's parser (`civicloop.api`).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._has_nul(request):
            message = _("The request contains characters that are not allowed.")
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": message}, status=400)
            return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
        return self.get_response(request)

    @staticmethod
    def _has_nul(request: HttpRequest) -> bool:
        if "\x00" in request.path:
            return True
        data = [request.GET]
        if request.method == "POST" and request.content_type in (
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        ):
            data.append(request.POST)
        return any(
            "\x00" in key or "\x00" in value for d in data for key, values in d.lists() for value in values
        )
