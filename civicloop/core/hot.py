"""Hot reads of the dashboards cached in the shared cache, invalidated by the counters.

Every counter change rolls up to each unit above it (stats.services.rolled_up), so a unit's figures change only
when a counter row at its own path changes. Each path has a generation number in the cache; the counters bump
the generations of the paths they touched when their transaction commits, and a cached figure is keyed by its
path's generation, so a stale entry is simply never read again (it expires on its own).

Only on a shared cache (Redis, settings.STATS_CACHE_SECONDS > 0): with the per-process memory cache a worker's
bump would not reach the web processes, so caching is off there and every read is fresh, as before.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from civicloop.core.db_router import reading_replica

log = logging.getLogger(__name__)
T = TypeVar("T")
REPLICA_SECONDS = 10


def _enabled() -> bool:
    return getattr(settings, "STATS_CACHE_SECONDS", 0) > 0


def _gen_key(path: str) -> str:
    return f"stats:gen:{path}"


def hot_cached(path: str, parts: tuple[Any, ...], compute: Callable[[], T]) -> T:
    """compute() once per generation of `path`; a cache that is down only costs the cached read."""
    if not _enabled():
        return compute()
    try:
        generation = cache.get_or_set(_gen_key(path), 1, timeout=None)
        key = "stats:hot:" + ":".join(str(p) for p in (path, generation, *parts))
        value = cache.get(key)
        if value is None:
            value = compute()
            # A replica may not have replayed the change that bumped the generation yet: what it returns is
            # kept only briefly, so a lagging read cannot pin stale figures for the whole cache period.
            timeout = REPLICA_SECONDS if reading_replica() else settings.STATS_CACHE_SECONDS
            cache.set(key, value, min(timeout, settings.STATS_CACHE_SECONDS))
        return value
    except Exception:
        log.warning("stats cache unavailable; reading the database")
        return compute()


def hot_invalidate(paths: Iterable[str]) -> None:
    """Bump the generations of the given unit paths once the current transaction commits."""
    if not _enabled():
        return
    todo = sorted(set(paths))

    def bump() -> None:
        try:
            for path in todo:
                with contextlib.suppress(ValueError):  # no generation yet: nothing cached under it
                    cache.incr(_gen_key(path))
        except Exception:  # entries expire after STATS_CACHE_SECONDS anyway
            log.warning("could not invalidate the stats cache")

    transaction.on_commit(bump)
