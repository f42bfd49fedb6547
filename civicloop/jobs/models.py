"""The periodic-job ledger (civicloop.jobs.periodic)."""

from __future__ import annotations

from django.db import models


class PeriodicRun(models.Model):
    """One row per periodic job per period: the ledger that makes each period run once across all workers.

    The unique (job, slot) pair is the lock of last resort: whichever worker inserts it owns the period; any
    other worker's insert fails and it moves on. A Redis key written after it (when REDIS_URL is set) only saves
    the other workers the database round trip. Survives Redis restarts, unlike a Redis-only lock.
    """

    job = models.CharField(max_length=200)
    slot = models.DateTimeField(help_text="start of the period this run covers")
    worker = models.CharField(max_length=100)
    claimed_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    result = models.CharField(max_length=200, blank=True)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["job", "slot"], name="periodic_run_once_per_slot")]
        indexes = [models.Index(fields=["claimed_at"], name="periodic_run_claimed")]

    def __str__(self) -> str:
        return f"{self.job} @ {self.slot:%Y-%m-%d %H:%M:%S}"
