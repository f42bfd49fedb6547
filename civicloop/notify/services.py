"""Notifications: `notify_queue` writes outbox rows inside the caller's transaction; delivery runs after commit.

Delivery writes an in-app `InboxItem` and calls each configured channel (settings.NOTIFY_CHANNELS, default:
email). A channel that fails leaves the row pending; the worker's periodic sweep retries it later, so a row is
never lost. Delivery is idempotent: the inbox item is unique per notification and a channel that succeeded once
is not called again.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.module_loading import import_string

from civicloop.notify.models import InboxItem, Notification

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 10
DEFAULT_CHANNELS = ["civicloop.notify.channels.EmailChannel"]


def notify_queue(
    *,
    recipients: Iterable[Any],
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    order: Any = None,
) -> list[Notification]:
    """Write one outbox row per distinct active recipient; enqueue delivery when the transaction commits."""
    seen: set[int] = set()
    rows: list[Notification] = []
    for user in recipients:
        if user is None or not getattr(user, "pk", None) or user.pk in seen:
            continue
        if not getattr(user, "is_active", True):
            continue
        seen.add(user.pk)
        rows.append(
            Notification(
                recipient_id=user.pk,
                kind=kind[:40],
                title=str(title)[:200],
                body=str(body),
                url=url[:300],
                order=order,
            )
        )
    if not rows:
        return []
    created = Notification.objects.bulk_create(rows)
    ids = [n.pk for n in created if n.pk is not None]
    if not ids:  # backends without RETURNING: the sweep delivers them
        return created
    transaction.on_commit(lambda: _enqueue(ids))
    return created


def _enqueue(ids: list[int]) -> None:
    from civicloop.notify.tasks import deliver_notifications

    try:
        deliver_notifications.enqueue(ids)
    except Exception:  # the periodic sweep picks the rows up
        log.exception("could not enqueue notification delivery")


def channels() -> list[Any]:
    return [import_string(path)() for path in getattr(settings, "NOTIFY_CHANNELS", DEFAULT_CHANNELS)]


def notify_deliver(*, notification: Notification) -> bool:
    """Deliver one row to the inbox and the channels. True when every channel succeeded."""
    with transaction.atomic():
        row = Notification.objects.select_for_update().select_related("recipient").get(pk=notification.pk)
        if row.delivered_at is not None:
            return True
        InboxItem.objects.get_or_create(
            notification=row,
            defaults={"user_id": row.recipient_id, "title": row.title, "body": row.body, "url": row.url},
        )
        state = dict(row.channel_state or {})
        state["inbox"] = "ok"
        ok = True
        error = ""
        for channel in channels():
            if state.get(channel.name) == "ok":
                continue
            try:
                channel.send(row)
                state[channel.name] = "ok"
            except Exception as exc:  # a channel failing must not lose the row
                ok = False
                error = f"{channel.name}: {exc}"[:300]
                state[channel.name] = error
                log.warning("notification %s channel %s failed: %s", row.pk, channel.name, exc)
        row.channel_state = state
        row.attempts += 1
        row.last_error = error
        if ok or row.attempts >= MAX_ATTEMPTS:
            row.delivered_at = timezone.now()
        row.save(update_fields=["channel_state", "attempts", "last_error", "delivered_at"])
        return ok


def notify_deliver_many(*, ids: Iterable[int]) -> int:
    done = 0
    for row in Notification.objects.filter(pk__in=list(ids), delivered_at__isnull=True):
        notify_deliver(notification=row)
        done += 1
    return done


def notify_deliver_pending(limit: int = 500) -> int:
    """Periodic sweep: deliver rows whose after-commit task did not run or whose channel failed."""
    ids = list(
        Notification.objects.filter(delivered_at__isnull=True)
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
    return notify_deliver_many(ids=ids)


def inbox_mark_read(*, user: Any, items: QuerySet[InboxItem] | None = None) -> int:
    """Mark the user's items (all unread when none given) as read."""
    qs = InboxItem.objects.filter(user=user, read_at__isnull=True)
    if items is not None:
        qs = qs.filter(pk__in=items.values("pk"))
    return qs.update(read_at=timezone.now())
