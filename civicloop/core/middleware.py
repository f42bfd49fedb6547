"""Staff sessions end after a period of inactivity (DESIGN §4: 30 minutes)."""

from __future__ import annotations

import time
from collections.abc import Callable

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


class IdleTimeoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not request.path.startswith("/api/"):
            now = int(time.time())
            last = request.session.get(SESSION_KEY)
            limited = (
                access.is_staff(user) or access.is_auditor(user) or access.is_liaison(user) or user.is_staff
            )
            if limited and last is not None and now - int(last) > settings.STAFF_IDLE_TIMEOUT_SECONDS:
                logout(request)
                messages.info(
                    request, _("You were signed out after 30 minutes without activity. Please sign in again.")
                )
                return redirect_to_login(request.get_full_path())
            request.session[SESSION_KEY] = now
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
