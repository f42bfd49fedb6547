"""Periodic jobs scheduled once per period across any number of workers.

settings.PERIODIC_JOBS lists (dotted path of an idempotent job, every N seconds). Time is cut into periods
aligned to the epoch (a 300-second job has periods 12:00:00, 12:05:00, ...). On every tick each worker asks, for
each job, whether the current period is claimed yet; the first to claim it enqueues the job as a django-task, so
it runs on whichever worker takes it from the queue (RQ on Redis, or the database queue).

Claiming is two-stage: a Redis `SET NX EX` (when REDIS_URL is set; it expires after two periods) lets the other
workers skip the period without touching the database, and the PeriodicRun row with its unique (job, slot) is
the ledger that decides for certain — so a Redis restart mid-period cannot make a job run twice, and without
Redis the database alone does the job.
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


def _redis_gate(job: str, slot: dt.datetime, every: int, worker: str) -> bool:
    """False when another worker already holds this period in Redis; True when we do or Redis is away."""
    client = _redis()
    if client is None:
        return True
    try:
        key = f"civicloop:periodic:{job}:{int(slot.timestamp())}"
        return bool(client.set(key, worker, nx=True, ex=max(2 * every, 10)))
    except Exception:  # Redis down: the database ledger still decides
        log.warning("redis unavailable for periodic lock; using the database only")
        return True


def periodic_claim(*, job: str, slot: dt.datetime, every: int, worker: str) -> PeriodicRun | None:
    """Claim one period of one job; None when another worker has it."""
    if not _redis_gate(job, slot, every, worker):
        return None
    try:
        with transaction.atomic():
            return PeriodicRun.objects.create(job=job, slot=slot, worker=worker[:100])
    except IntegrityError:
        return None


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
        seen[job] = slot
        run = periodic_claim(job=job, slot=slot, every=every, worker=worker)
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
