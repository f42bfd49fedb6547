"""/api/ mounted lazily: the API (django-ninja, pydantic and every schema, ~40 MB per worker) loads on a
worker's first API request, not at start-up. A worker that only serves pages never loads it (issue #19: the
per-worker memory target); one that serves both loads it once, as before.

No page reverses an API URL name, so the root URLconf need not hold the API's patterns; during an API request the
URLconf is the root one plus the API's, so the API (its OpenAPI document, for one) reverses its own names.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, get_resolver, path, set_urlconf
from django.views.decorators.csrf import csrf_exempt


# Threads of a worker asking at once on its first API requests may each build it; the copies are equal and one
# is kept, so no lock is held on every API request for it.
@cache
def urlconf_with_api() -> Any:
    from civicloop.api import api

    class WithApi:
        urlpatterns = [path("api/", api.urls), *get_resolver().url_patterns]

    return WithApi


# The API's own views are CSRF-exempt and check the token themselves for cookie sessions (django-ninja).
@csrf_exempt
def api_entry(request: HttpRequest) -> HttpResponse:
    from civicloop.core.views import api_not_found

    urlconf = urlconf_with_api()
    try:
        match = get_resolver(urlconf).resolve(request.path_info)
    except Resolver404:
        return api_not_found(request)
    if match.func is api_entry:  # under /api/ but no operation: a JSON 404, like the API's own
        return api_not_found(request)
    set_urlconf(urlconf)  # this request's thread only; Django resets it at the start of the next request
    request.urlconf = urlconf
    request.resolver_match = match
    return match.func(request, *match.args, **match.kwargs)
