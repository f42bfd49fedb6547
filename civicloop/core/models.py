"""Abstract pieces other apps build on, and the platform's own bookkeeping (the periodic-job ledger)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkflowEvent(models.Model):
    """One row per step of a declared workflow (civicloop.core.workflow): the object's timeline.

    A subclass adds `subject = models.ForeignKey(<Model>, on_delete=models.CASCADE, related_name="events")`.
    """

    from_status = models.CharField(max_length=24, blank=True)
    to_status = models.CharField(max_length=24, blank=True)
    step = models.CharField(_("step"), max_length=32)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    unit = models.ForeignKey("network.Unit", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    note = models.TextField(_("note"), blank=True)
    automatic = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        abstract = True
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.step} {self.from_status}→{self.to_status}"


class PeriodicRun(models.Model):
    """One row per periodic job per period: the ledger that makes each period run once across all workers.

    The unique (job, slot) pair is the lock of last resort: whichever worker inserts it owns the period; any
    other worker's insert fails and it moves on. A Redis lock in front of it (when REDIS_URL is set) only saves
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
