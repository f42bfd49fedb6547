"""Read-replica routing: read-only pages read from the replica, everything else from the primary.

With `DATABASE_REPLICA_URL` set there is a second database alias, `replica` (a streaming hot standby). Only the
pages listed in settings.REPLICA_READ_VIEWS (dashboards, big screen, reports, public pages, exports) read from
it, and only for GET/HEAD requests. Everything else — workers, commands, forms, the API's writes — reads and
writes the primary, as if there were no replica.

Read-your-writes: a request that writes anything is pinned to the primary for the rest of that request, and its
response sets a short-lived cookie (settings.REPLICA_STICKY_SECONDS) so the next pages its author opens — the
order just submitted, the dashboard that counts it — also read the primary until the replica has caught up.
Writes that every request makes (the session's last-seen stamp, login throttling, task queue rows) neither pin
nor set the cookie, otherwise no signed-in page would ever reach the replica.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connections
from django.http import HttpRequest, HttpResponse

REPLICA = "replica"
STICKY_COOKIE = "cl_primary"
# Always read from the primary: session and login state must never be stale.
PRIMARY_ONLY_APPS = frozenset({"sessions", "axes", "django_tasks_db"})
# Writes that do not make the request's later reads need the primary (bookkeeping every request may do:
# the session's last-seen stamp, login throttling, queued tasks, an API token's last-used time).
NON_PINNING_APPS = frozenset({"sessions", "axes", "django_tasks_db"})
NON_PINNING_MODELS = frozenset({"people.apitoken"})


@dataclass
class _Route:
    replica_ok: bool = False
    wrote: bool = False


_route: contextvars.ContextVar[_Route | None] = contextvars.ContextVar("civicloop_db_route", default=None)


def replica_configured() -> bool:
    return getattr(settings, "REPLICA_READS", False) and REPLICA in connections.settings


def reading_replica() -> bool:
    """True while this request's reads go to the replica (it is a replica page and has not written)."""
    route = _route.get()
    return bool(route and route.replica_ok and not route.wrote and replica_configured())


class ReplicaRouter:
    """Returns None (Django's default choice) whenever the replica is not in play, so a single-database
    deployment behaves exactly as without the router."""

    def db_for_read(self, model: type, **_hints: Any) -> str | None:
        if model._meta.app_label not in PRIMARY_ONLY_APPS and reading_replica():
            return REPLICA
        return "default" if replica_configured() else None

    def db_for_write(self, model: type, **_hints: Any) -> str | None:
        route = _route.get()
        meta = model._meta
        if (
            route is not None
            and meta.app_label not in NON_PINNING_APPS
            and meta.label_lower not in NON_PINNING_MODELS
        ):
            route.wrote = True
        return "default" if replica_configured() else None

    def allow_relation(self, _obj1: Any, _obj2: Any, **_hints: Any) -> bool | None:
        return True if replica_configured() else None  # one database, two copies of it

    def allow_migrate(self, db: str, app_label: str, **_hints: Any) -> bool | None:
        return False if db == REPLICA else None  # the replica replays the primary's migrations


class ReplicaRoutingMiddleware:
    """Decides per request whether reads may go to the replica; sets the read-your-writes cookie."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        route = _Route()
        token = _route.set(route)
        try:
            response = self.get_response(request)
        finally:
            _route.reset(token)
        if replica_configured() and (route.wrote or request.method not in ("GET", "HEAD", "OPTIONS")):
            response.set_cookie(
                STICKY_COOKIE,
                "1",
                max_age=settings.REPLICA_STICKY_SECONDS,
                httponly=True,
                samesite="Lax",
                secure=request.is_secure(),
            )
        return response

    def process_view(self, request: HttpRequest, _view: Any, _args: Any, _kwargs: Any) -> None:
        route = _route.get()
        if route is None or not replica_configured():
            return
        match = request.resolver_match
        route.replica_ok = (
            request.method in ("GET", "HEAD")
            and STICKY_COOKIE not in request.COOKIES
            and match is not None
            and (
                match.view_name in settings.REPLICA_READ_VIEWS
                or any(request.path.startswith(p) for p in settings.REPLICA_READ_PATHS)
            )
        )


def replica_lag() -> dict[str, Any] | None:
    """How far the replica is behind the primary: WAL bytes not yet replayed and, if behind, for how long.

    None without a replica. An idle primary writes nothing, so the age of the last replayed transaction alone
    would grow forever; the lag in seconds is only reported while bytes are outstanding.
    """
    if not replica_configured():
        return None
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT pg_current_wal_lsn()::text")
            primary_lsn = cursor.fetchone()[0]
        with connections[REPLICA].cursor() as cursor:
            cursor.execute(
                "SELECT pg_last_wal_replay_lsn()::text,"
                " EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()),"
                " pg_is_wal_replay_paused()"
            )
            replay_lsn, age, paused = cursor.fetchone()
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT pg_wal_lsn_diff(%s::pg_lsn, %s::pg_lsn)", [primary_lsn, replay_lsn])
            behind = int(cursor.fetchone()[0] or 0)
    except Exception as exc:  # a replica that is down
        return {"ok": False, "error": type(exc).__name__}
    return {
        "ok": True,
        "bytes": max(behind, 0),
        "seconds": round(float(age or 0), 1) if behind > 0 else 0.0,
        "paused": bool(paused),
    }
