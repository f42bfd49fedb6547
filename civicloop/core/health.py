"""The health page (`/health/`): what a load balancer and an operator need to know, as JSON.

It names no person and no record: database reachable, the replica's lag, the cache, the task backend. A 503
tells the load balancer to stop sending this app server requests (the primary is unreachable).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache

from civicloop.core.db_router import replica_lag


def _database() -> str:
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
        return "ok"
    except Exception as exc:
        return f"error: {type(exc).__name__}"


def _cache() -> str:
    try:
        cache.set("health:ping", "1", 10)
        return "ok" if cache.get("health:ping") == "1" else "error: not stored"
    except Exception as exc:
        return f"error: {type(exc).__name__}"


def health_report() -> dict[str, Any]:
    database = _database()
    return {
        "status": "ok" if database == "ok" else "error",
        "database": database,
        "database_vendor": connections["default"].vendor,
        # bytes of WAL the replica has not replayed yet, and for how many seconds; null without a replica
        "replica_lag": replica_lag() if database == "ok" else None,
        "cache": _cache(),
        "cache_backend": settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1],
        "tasks_backend": settings.TASKS["default"]["BACKEND"].rsplit(".", 1)[-1],
    }


@never_cache
def health(request: HttpRequest) -> JsonResponse:
    report = health_report()
    return JsonResponse(report, status=200 if report["status"] == "ok" else 503)
