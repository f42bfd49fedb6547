"""Per-IP and global rate limits for the doors attackers knock on: sign-in, token, registration, password reset.

Lockout (django-axes) protects one account; these limits stop one address from trying many accounts and a
botnet from trying everything at once. Counters live in the Django cache in fixed windows; with several server
processes point `CACHES` at a shared cache. Limits are generous per IP because a station's residents often
share one connection.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

log = logging.getLogger(__name__)


def _ip(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR") or "-"


def _count(key: str, window: int) -> int:
    """The attempts in this window so far, this one included; 0 when the cache is down (the limit fails open
    for that while: django-axes still locks each account, and refusing every sign-in would be worse)."""
    slot = int(time.time()) // window
    full = f"rl:{key}:{slot}"
    try:
        if cache.add(full, 1, timeout=window + 5):
            return 1
        try:
            return int(cache.incr(full) or 0)
        except ValueError:  # expired between add and incr
            cache.add(full, 1, timeout=window + 5)
            return 1
    except Exception:
        log.warning("rate-limit cache unavailable; not counting")
        return 0


def over_limit(request: HttpRequest, scope: str) -> bool:
    """Count one attempt in `scope`; True when this IP or everyone together went over the limit."""
    per_ip, overall, window = settings.RATE_LIMITS[scope]
    ip_count = _count(f"{scope}:ip:{_ip(request)}", window)
    all_count = _count(f"{scope}:all", window)
    limited = ip_count > per_ip or all_count > overall
    if limited:
        # core sits below the audit app: the row is written through the hook the audit app registers.
        from civicloop.core.workflow import HOOKS

        # One row per window and IP is enough to see the flood without writing one per request.
        if HOOKS.audit and (ip_count == per_ip + 1 or all_count == overall + 1):
            HOOKS.audit(
                action="rate_limited",
                request=request,
                object_type="scope",
                object_id=scope,
                outcome="denied",
            )
    return limited


def over_key_limit(key: str, limit: int, window: int) -> bool:
    """Count one use of `key` (e.g. SMS codes sent to one number's hash) in a fixed window; True past `limit`."""
    return _count(f"key:{key}", window) > limit


def recently(key: str, seconds: int) -> bool:
    """True if `key` was marked within the last `seconds` (and marks it now if not): a minimum gap. Fails open
    like the counters when the cache cannot answer (an error, or None from a backend that ignores errors)."""
    if seconds <= 0:
        return False
    try:
        added = cache.add(f"gap:{key}", 1, timeout=seconds)
    except Exception:
        return False
    return added is False


def too_many_message() -> str:
    return _("Too many attempts. Please wait a few minutes and try again.")


def too_many_response(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": too_many_message()}, status=429)
    return render(request, "core/too_many.html", {"message": too_many_message()}, status=429)


def rate_limited(scope: str) -> Callable:
    """View decorator: POSTs beyond the limit answer 429 with a translated message (JSON under /api/)."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method == "POST" and over_limit(request, scope):
                return too_many_response(request)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
