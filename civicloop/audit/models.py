"""Append-only, tamper-evident audit events (DESIGN §4): who, unit, what, object, outcome, IP, time.

Each row carries `row_hash`, an HMAC (key derived from FIELD_ENCRYPTION_KEY) over its content and the previous
row's hash in the same chain (`prev_hash`), so changing or deleting a row breaks the chain that
`manage.py audit_verify` walks; each chain's tip row (`AuditChainTip`) holds its last hash, so removing the
newest rows is found too, and a trigger moves the tip within each INSERT (migration 0006). There are CHAINS
independent chains and each database connection appends to one of them: a writer locks only its chain's tip
row until commit, so simultaneous requests on other connections do not queue behind it (one global chain made
every write in the province wait for the one before it to commit). One transaction uses one connection, hence
one chain, so two writers never wait on each other's tips (no deadlock).
On PostgreSQL a trigger also refuses UPDATE and DELETE of audit rows (migration 0003); only the retention job may
remove rows, and only those older than the retention period.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import itertools
import os
from typing import Any, NoReturn

from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

CHAINS = 16  # independent chains; more lets more writers append at once, each costs a tip row
_connections = itertools.count(os.getpid())  # spreads a process's connections over the chains


def chain_of(connection: Any) -> int:
    """The chain this database connection appends to (fixed for the connection's life)."""
    chain = getattr(connection, "civicloop_audit_chain", None)
    if chain is None:
        chain = connection.civicloop_audit_chain = next(_connections) % CHAINS
    return int(chain)


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
    chain = models.PositiveSmallIntegerField(default=0, editable=False)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["chain", "id"], name="audit_event_chain_walk")]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.outcome}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Guard, not business logic: an existing audit row must never be rewritten.
        if self.pk is not None:
            raise PermissionError("audit events are append-only")
        # No savepoint: nothing here needs rolling back on its own, and it keeps each audit write to two queries
        # (the tip row is moved by the INSERT's trigger, migration 0006).
        with transaction.atomic(savepoint=False):
            chain = chain_of(connection)
            tips = AuditChainTip.objects.select_for_update().filter(chain=chain).values_list("row_hash", flat=True)
            last = tips.first()
            if last is None:  # the chain's first row (or the table was emptied, as between tests)
                AuditChainTip.objects.bulk_create([AuditChainTip(chain=chain)], ignore_conflicts=True)
                last = tips.first()
            self.chain = chain
            self.created_at = timezone.now()
            self.prev_hash = last or ""
            self.row_hash = self.compute_hash()
            super().save(*args, **kwargs)

    def compute_hash(self) -> str:
        return chain_hash(self)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise PermissionError("audit events are append-only")


class AuditChainTip(models.Model):
    """The newest hash of one chain. Its row lock is what a writer waits for, and verification compares the
    chain's last row with it, so rows cut from the end of a chain are found."""

    chain = models.PositiveSmallIntegerField(primary_key=True)
    row_hash = models.CharField(max_length=64, blank=True)
    last_id = models.BigIntegerField(null=True, blank=True)

    def __str__(self) -> str:
        return f"chain {self.chain}: #{self.last_id}"


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
