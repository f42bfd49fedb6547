"""Hot reads cached in the shared cache, each under a generation its writers bump: the dashboards' figures
(space "stats", bumped by the counters), each person's unread-message count (space "inbox", bumped by the
inbox's writes) and a team's page of the order hall (space "hall", bumped by the orders' moves).

Every counter change rolls up to each unit above it (stats.services.rolled_up), so a unit's figures change only
when a counter row at its own path changes. Each path has a generation number in the cache; the counters bump
the generations of the paths they touched when their transaction commits, and a cached figure is keyed by its
path's generation, so a stale entry is simply never read again (it expires on its own).

Only on a shared cache (Redis; settings.<SPACE>_CACHE_SECONDS > 0): with the per-process
memory cache a worker's bump would not reach the web processes, so caching is off there and every read is fresh.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from civicloop.core.db_router import reading_replica

log = logging.getLogger(__name__)
T = TypeVar("T")
REPLICA_SECONDS = 10
STATS = "stats"


def _seconds(space: str) -> int:
    """How long entries of a space live (`<SPACE>_CACHE_SECONDS`); 0 turns its caching off (no shared cache)."""
    return int(getattr(settings, f"{space.upper()}_CACHE_SECONDS", 0) or 0)


def _gen_key(space: str, path: str) -> str:
    return f"{space}:gen:{path}"


def _generations(space: str, paths: Sequence[str]) -> list[int]:
    keys = [_gen_key(space, p) for p in paths]
    found = cache.get_many(keys)  # one round trip for all of them; a path read for the first time starts at 1
    return [found[k] if k in found else cache.get_or_set(k, 1, timeout=None) for k in keys]


def hot_cached(
    path: str | Sequence[str], parts: tuple[Any, ...], compute: Callable[[], T], *, space: str = STATS
) -> T:
    """compute() once per generation of `path` (or of each of several paths) in `space`; its entries live
    `<SPACE>_CACHE_SECONDS`. A cache that is down only costs the cached read."""
    seconds = _seconds(space)
    if seconds <= 0:
        return compute()
    paths = [path] if isinstance(path, str) else list(path)
    try:
        generations = _generations(space, paths)
        # hashed: a hall's key holds its URL and several paths, and keys stay short whatever they hold
        named = ":".join(str(p) for p in (*paths, *generations, *parts))
        key = f"{space}:hot:" + hashlib.sha256(named.encode()).hexdigest()[:40]
        value = cache.get(key)
    except Exception:
        log.warning("%s cache unavailable; reading the database", space)
        return compute()
    if value is None:
        value = compute()
        # A replica may not have replayed the change that bumped the generation yet: what it returns is kept
        # only briefly, so a lagging read cannot pin a stale value for the whole cache period.
        with contextlib.suppress(Exception):
            cache.set(key, value, min(REPLICA_SECONDS, seconds) if reading_replica() else seconds)
    return value


def hot_invalidate(paths: Iterable[str], *, space: str = STATS) -> None:
    """Bump the generations of the given paths in `space` once the current transaction commits."""
    if _seconds(space) <= 0:
        return
    todo = sorted(set(paths))

    def bump() -> None:
        try:
            for path in todo:
                with contextlib.suppress(ValueError):  # no generation yet: nothing cached under it
                    cache.incr(_gen_key(space, path))
        except Exception:  # entries expire on their own anyway
            log.warning("could not invalidate the %s cache", space)

    transaction.on_commit(bump)
