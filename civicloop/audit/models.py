"""Append-only, tamper-evident audit events (DESIGN §4): who, unit, what, object, outcome, IP, time.

Each row carries `row_hash`, an HMAC (key derived from FIELD_ENCRYPTION_KEY) over its content and the previous
row's hash (`prev_hash`), so changing or deleting a row breaks the chain that `manage.py audit_verify` walks.
Writers take a lock first (an advisory lock on PostgreSQL; SQLite's IMMEDIATE transactions already serialise
writers), so the chain never forks. On PostgreSQL a trigger also refuses UPDATE and DELETE (migration 0003);
only the retention job may remove rows, and only those older than the retention period.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from typing import Any, NoReturn

from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

CHAIN_LOCK = 725_001  # pg_advisory_xact_lock key for appending to the chain


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs: Any) -> NoReturn:
        raise PermissionError("audit events are append-only")

    def delete(self) -> NoReturn:
        raise PermissionError("audit events are append-only")


class AuditEvent(models.Model):
    class Outcome(models.TextChoices):
        OK = "ok", _("allowed")
        DENIED = "denied", _("denied")
        FAILED = "failed", _("failed")

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_name = models.CharField(_("actor"), max_length=150, blank=True)
    unit = models.ForeignKey(
        "network.Unit", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(_("action"), max_length=50, db_index=True)
    object_type = models.CharField(_("object type"), max_length=50, blank=True)
    object_id = models.CharField(_("object id"), max_length=50, blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.OK)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    detail = models.CharField(_("detail"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    prev_hash = models.CharField(max_length=64, blank=True, editable=False)
    row_hash = models.CharField(max_length=64, blank=True, editable=False, db_index=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.outcome}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Guard, not business logic: an existing audit row must never be rewritten.
        if self.pk is not None:
            raise PermissionError("audit events are append-only")
        # No savepoint: nothing here needs rolling back on its own, and it keeps each audit write to two queries.
        with transaction.atomic(savepoint=False):
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK])
            last = AuditEvent.objects.order_by("-id").values_list("row_hash", flat=True).first()
            self.created_at = timezone.now()
            self.prev_hash = last or ""
            self.row_hash = self.compute_hash()
            super().save(*args, **kwargs)

    def compute_hash(self) -> str:
        return chain_hash(self)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise PermissionError("audit events are append-only")


def chain_key() -> bytes:
    master = hashlib.sha256(settings.FIELD_ENCRYPTION_KEY.encode()).digest()
    return hmac.new(master, b"civicloop-audit-chain", hashlib.sha256).digest()


CHAINED_FIELDS = ("actor_name", "action", "object_type", "object_id", "outcome", "ip", "detail", "prev_hash")


def chain_hash(row: Any) -> str:
    """HMAC of a row's content and its predecessor's hash. Links to users and units are left out: they become
    NULL when a user or unit is removed (the actor's name is kept in the row)."""
    created = row.created_at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    parts = [created, *(str(getattr(row, name) or "") for name in CHAINED_FIELDS)]
    return hmac.new(chain_key(), "\x1f".join(parts).encode(), hashlib.sha256).hexdigest()
