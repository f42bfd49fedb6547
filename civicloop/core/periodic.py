"""Periodic jobs scheduled once per period across any number of workers.

settings.PERIODIC_JOBS lists (dotted path of an idempotent job, every N seconds). Time is cut into periods
aligned to the epoch (a 300-second job has periods 12:00:00, 12:05:00, ...). On every tick each worker asks, for
each job, whether the current period is claimed yet; the first to claim it enqueues the job as a django-task, so
it runs on whichever worker takes it from the queue (RQ on Redis, or the database queue).

The PeriodicRun row with its unique (job, slot) is the ledger that decides; a Redis key with an expiry (when
REDIS_URL is set), written once the row exists, lets the other workers skip the insert. So a Redis restart
mid-period cannot make a job run twice or not at all, and without Redis the database alone does the job.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from civicloop.core.models import PeriodicRun

log = logging.getLogger(__name__)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def slot_of(now: dt.datetime, every: int) -> dt.datetime:
    seconds = int(now.timestamp()) // every * every
    return dt.datetime.fromtimestamp(seconds, tz=dt.UTC)


def _redis() -> Any | None:
    url = getattr(settings, "REDIS_URL", "")
    if not url:
        return None
    import redis

    return redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)


def _redis_key(job: str, slot: dt.datetime) -> str:
    return f"civicloop:periodic:{job}:{int(slot.timestamp())}"


def _redis_claimed(job: str, slot: dt.datetime) -> bool:
    """True when Redis already knows this period is taken; False when it does not, or Redis is away."""
    client = _redis()
    if client is None:
        return False
    try:
        return bool(client.exists(_redis_key(job, slot)))
    except Exception:  # Redis down: the database ledger decides
        log.warning("redis unavailable for the periodic lock; using the database only")
        return False


def _redis_mark(job: str, slot: dt.datetime, every: int, worker: str) -> None:
    client = _redis()
    if client is None:
        return
    try:
        client.set(_redis_key(job, slot), worker, ex=max(2 * every, 10))
    except Exception:
        log.warning("redis unavailable for the periodic lock; using the database only")


def periodic_claim(*, job: str, slot: dt.datetime, every: int, worker: str) -> PeriodicRun | None:
    """Claim one period of one job; None when another worker has it.

    The database row decides; the Redis key (set once the row exists, expiring after two periods) lets the
    other workers skip the insert. The key is written only after the row, so a worker that dies between the two
    leaves a period that is claimed in the ledger, never one that is only "claimed" in Redis and run by nobody.
    """
    if _redis_claimed(job, slot):
        return None
    try:
        with transaction.atomic():
            run = PeriodicRun.objects.create(job=job, slot=slot, worker=worker[:100])
    except IntegrityError:
        _redis_mark(job, slot, every, worker)
        return None
    _redis_mark(job, slot, every, worker)
    return run


def periodic_tick(
    *, now: dt.datetime | None = None, worker: str | None = None, seen: dict[str, dt.datetime] | None = None
) -> list[PeriodicRun]:
    """One scheduler pass: claim every job whose current period is unclaimed and enqueue it.

    `seen` is the calling worker's memory of the last period it tried per job, so a worker asks once per
    period, not once per tick.
    """
    from civicloop.core.tasks import run_periodic

    now = now or timezone.now()
    worker = worker or worker_name()
    seen = {} if seen is None else seen
    claimed = []
    for job, every in settings.PERIODIC_JOBS:
        slot = slot_of(now, every)
        if seen.get(job) == slot:
            continue
        run = periodic_claim(job=job, slot=slot, every=every, worker=worker)
        seen[job] = slot  # only once the claim got an answer: a database error is retried next tick
        if run is None:
            continue
        claimed.append(run)
        try:
            run_periodic.enqueue(run.pk)
        except Exception:
            # The queue is unreachable: run it here rather than lose the period.
            log.exception("could not enqueue periodic job %s; running it in the scheduler", job)
            periodic_run(run_id=run.pk)
    return claimed


def periodic_run(*, run_id: int) -> str:
    """Run a claimed period once. A run already started (a re-delivered task) is not started again."""
    if not PeriodicRun.objects.filter(pk=run_id, started_at__isnull=True).update(started_at=timezone.now()):
        return "already started"
    run = PeriodicRun.objects.get(pk=run_id)
    try:
        result = import_string(run.job)()
        run.result = str(result)[:200]
    except Exception as exc:  # recorded; the next period runs the job again (every job is idempotent)
        log.exception("periodic job %s failed", run.job)
        run.error = f"{type(exc).__name__}: {exc}"[:300]
    run.finished_at = timezone.now()
    run.save(update_fields=["result", "error", "finished_at"])
    return run.result


def periodic_prune(*, keep_days: int = 7) -> int:
    """Periodic job: forget ledger rows older than a week."""
    cutoff = timezone.now() - dt.timedelta(days=keep_days)
    return PeriodicRun.objects.filter(claimed_at__lt=cutoff).delete()[0]
