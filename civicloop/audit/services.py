"""Writing audit events. Every write goes through `audit_record`."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest

from civicloop.audit.models import AuditEvent


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def audit_record(
    *,
    action: str,
    actor=None,
    request: HttpRequest | None = None,
    unit=None,
    obj=None,
    object_type: str = "",
    object_id: str = "",
    outcome: str = AuditEvent.Outcome.OK,
    detail: str = "",
) -> AuditEvent:
    if actor is None and request is not None and request.user.is_authenticated:
        actor = request.user
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    return AuditEvent.objects.create(
        actor=actor if actor is not None and getattr(actor, "pk", None) else None,
        actor_name=(getattr(actor, "username", "") or "")[:150],
        unit=unit,
        action=action,
        object_type=object_type[:50],
        object_id=str(object_id)[:50],
        outcome=outcome,
        ip=client_ip(request),
        detail=detail[:300],
    )


# --- the chain: verification and retention --------------------------------------------------------------------

RETENTION_MIN_DAYS = 184  # 网络安全法 §21: network logs are kept at least six months


def audit_chain_verify() -> tuple[int, list[str]]:
    """Walk each chain in id order; returns (rows checked, problems). A changed row fails its own hash; a removed
    row breaks the link of the row after it; a chain's last row must be its tip (rows cut from the end); rows
    removed from the start must match a retention record."""
    from civicloop.audit.models import AuditChainTip, chain_hash

    problems: list[str] = []
    anchors: dict[int, set[str]] = {}
    for detail in AuditEvent.objects.filter(action="audit_retention").values_list("detail", flat=True):
        parts = dict(part.split("=", 1) for part in detail.split() if "=" in part)
        if "last_hash" in parts:  # records written before there were several chains name no chain: chain 0
            anchors.setdefault(int(parts.get("chain", 0)), set()).add(parts["last_hash"])
    tips = dict(AuditChainTip.objects.values_list("chain", "row_hash"))
    prev: tuple[int, str] | None = None
    chain: int | None = None
    checked = 0

    def chain_ends(chain: int, last: tuple[int, str] | None) -> None:
        tip = tips.pop(chain, "")
        if last is not None and tip != last[1]:
            problems.append(f"#{last[0]}: rows after it were removed (chain {chain} ends elsewhere)")

    for row in AuditEvent.objects.order_by("chain", "id").iterator(chunk_size=2000):
        if row.chain != chain:
            if chain is not None:
                chain_ends(chain, prev)
            chain, prev = row.chain, None
        checked += 1
        if prev is None and row.prev_hash not in {"", *anchors.get(row.chain, ())}:
            problems.append(f"#{row.pk}: the rows before it were removed outside the retention job")
        if prev is not None and row.prev_hash != prev[1]:
            problems.append(
                f"#{row.pk}: does not follow #{prev[0]} (a row between them was removed or changed)"
            )
        if row.row_hash != chain_hash(row):
            problems.append(f"#{row.pk}: its content was changed")
        prev = (row.pk, row.row_hash)
    if chain is not None:
        chain_ends(chain, prev)
    for empty, tip in tips.items():  # chains with no rows left: all must have gone through retention
        if tip and tip not in anchors.get(empty, set()):
            problems.append(f"chain {empty}: its rows were removed outside the retention job")
    return checked, problems


def audit_retain(*, days: int | None = None) -> int:
    """Remove audit rows older than the retention period (never less than 184 days); records what it removed
    so `audit_verify` knows where the chain now starts. Periodic job."""
    from django.conf import settings
    from django.db import connection, transaction
    from django.db.models import Count, Max, QuerySet
    from django.utils import timezone

    keep = max(days or getattr(settings, "AUDIT_RETENTION_DAYS", RETENTION_MIN_DAYS), RETENTION_MIN_DAYS)
    cutoff = timezone.now() - dt.timedelta(days=keep)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:  # lets the append-only trigger allow this one deletion
                cursor.execute("SET LOCAL civicloop.audit_retention = 'on'")
        old: QuerySet[AuditEvent] = QuerySet(model=AuditEvent).filter(created_at__lt=cutoff)
        per_chain = list(old.values("chain").annotate(n=Count("id"), last=Max("id")).order_by("chain"))
        if not per_chain:
            return 0
        last_hash = dict(
            QuerySet(model=AuditEvent)
            .filter(pk__in=[c["last"] for c in per_chain])
            .values_list("chain", "row_hash")
        )
        removed = old._raw_delete(old.db)
        for c in per_chain:  # one record per chain: where that chain now starts
            audit_record(
                action="audit_retention",
                object_type="audit.auditevent",
                detail=f"removed={c['n']} before={cutoff:%Y-%m-%d} chain={c['chain']} "
                f"last_hash={last_hash[c['chain']]}",
            )
    return removed
