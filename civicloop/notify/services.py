"""Notifications: `notify_queue` writes outbox rows and their delivery task inside the caller's
transaction (one commit); a worker delivers them once it is committed.

Delivery writes an in-app `InboxItem` and calls each configured channel (settings.NOTIFY_CHANNELS, default:
email). A channel that fails leaves the row pending; the worker's periodic sweep retries it later, so a row is
never lost. Delivery is idempotent: the inbox item is unique per notification and a channel that succeeded once
is not called again.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.module_loading import import_string

from civicloop.core.hot import hot_invalidate
from civicloop.core.msg import Msg, from_lazy
from civicloop.notify.models import InboxItem, Notification
from civicloop.notify.selectors import INBOX

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 10
DEFAULT_CHANNELS = ["civicloop.notify.channels.EmailChannel"]


Text = str | Msg | Promise


def _message(value: Text) -> tuple[str, str, dict[str, Any]]:
    """(text in the platform's language, code, parameters) of a title or body. A `Msg` (or a lazy label) is
    stored as its code and rendered in each reader's language; a plain string is data (a reason someone typed,
    a team's name) and stays as it is."""
    if isinstance(value, Promise):
        value = from_lazy(value)
    if isinstance(value, Msg):
        data = value.to_json()
        return value.stored(), data["code"], data["params"]
    return str(value), "", {}


def notify_queue(
    *,
    recipients: Iterable[Any],
    kind: str,
    title: Text,
    body: Text = "",
    url: str = "",
    order: Any = None,
) -> list[Notification]:
    """Write one outbox row per distinct active recipient; enqueue delivery when the transaction commits.

    Give `title` (and a `body` that is not someone's own words) as `core.msg.Msg`, so each reader sees it in
    their language."""
    return notify_queue_many(
        notices=[{"recipients": recipients, "kind": kind, "title": title, "body": body, "url": url}], order=order
    )


def notify_queue_many(*, notices: Iterable[Mapping[str, Any]], order: Any = None) -> list[Notification]:
    """`notify_queue` for several notices of one use case (each a mapping of its keyword arguments): the rows of
    all of them in one statement and one delivery task. A person named in two notices gets both."""
    rows: list[Notification] = []
    for notice in notices:
        title_text, title_code, title_params = _message(notice["title"])
        body_text, body_code, body_params = _message(notice.get("body", ""))
        params = {k: v for k, v in (("title", title_params), ("body", body_params)) if v}
        seen: set[int] = set()
        for user in notice["recipients"]:
            if user is None or not getattr(user, "pk", None) or user.pk in seen:
                continue
            if not getattr(user, "is_active", True):
                continue
            seen.add(user.pk)
            rows.append(
                Notification(
                    recipient_id=user.pk,
                    kind=str(notice["kind"])[:40],
                    title=title_text[:200],
                    body=body_text,
                    title_code=title_code,
                    body_code=body_code,
                    params=params,
                    url=str(notice.get("url", ""))[:300],
                    order=order,
                )
            )
    if not rows:
        return []
    created = Notification.objects.bulk_create(rows)
    ids = [n.pk for n in created if n.pk is not None]
    if not ids:  # backends without RETURNING: the sweep delivers them
        return created
    if not _queue_is_transactional():
        # An immediate backend (development, tests) would send before the rows are committed, and a queue
        # outside the database (RQ on Redis) could run the job before the commit, or be down and fail a use
        # case that has nothing to do with it: enqueue after commit, and the periodic sweep delivers what a
        # failed enqueue left.
        transaction.on_commit(lambda: _enqueue_after_commit(ids))
        return created
    order_id = getattr(order, "pk", None)
    if order_id is not None and _batched(order_id):
        return created  # this transaction's task already delivers the order's new rows
    _enqueue(ids, order_id=order_id)
    return created


class _Batch:
    """A no-op on-commit callback that marks "this transaction enqueued delivery for order N".

    Django drops it on commit, on rollback and when the savepoint it was registered in rolls back (together
    with the task row written in it), so the mark lives exactly as long as the enqueued task row.
    """

    def __init__(self, order_id: int) -> None:
        self.order_id = order_id

    def __call__(self) -> None:
        return None


def _batched(order_id: int) -> bool:
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        return False
    if any(
        isinstance(f, _Batch) and f.order_id == order_id for _sids, f, _robust in connection.run_on_commit
    ):
        return True
    transaction.on_commit(_Batch(order_id))
    return False


def _queue_is_transactional() -> bool:
    """True when the task queue is a table in this database, so a task row commits or rolls back with the
    use case that wrote it."""
    from django_tasks_db import DatabaseBackend

    from civicloop.notify.tasks import deliver_notifications

    return isinstance(deliver_notifications.get_backend(), DatabaseBackend)


def _enqueue(ids: list[int], order_id: int | None = None) -> None:
    """One task row, written in the caller's transaction (one commit for the move, its outbox and its task):
    it delivers `ids` and every later undelivered row of the same order from this transaction. If writing it
    fails the use case fails with it, so no outbox row is left without its task."""
    from civicloop.notify.tasks import deliver_notifications

    if order_id is None:
        deliver_notifications.enqueue(ids)
    else:
        deliver_notifications.enqueue(ids, order_id=order_id)


def _enqueue_after_commit(ids: list[int]) -> None:
    from civicloop.notify.tasks import deliver_notifications

    try:
        deliver_notifications.enqueue(ids)
    except Exception as exc:  # the periodic sweep picks the rows up
        log.warning("could not enqueue notification delivery (%s); the sweep will deliver", type(exc).__name__)


def channels() -> list[Any]:
    return [import_string(path)() for path in getattr(settings, "NOTIFY_CHANNELS", DEFAULT_CHANNELS)]


def notify_deliver(*, notification: Notification) -> bool:
    """Deliver one row to the inbox and the channels. True when every channel succeeded."""
    with transaction.atomic():
        row = Notification.objects.select_for_update().select_related("recipient").get(pk=notification.pk)
        if row.delivered_at is not None:
            return True
        hot_invalidate([f"user{row.recipient_id}"], space=INBOX)  # their unread count, once this commits
        InboxItem.objects.get_or_create(
            notification=row,
            defaults={
                "user_id": row.recipient_id, "title": row.title, "body": row.body, "url": row.url,
                "title_code": row.title_code, "body_code": row.body_code, "params": row.params,
            },
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


def notify_deliver_many(*, ids: Iterable[int], order_id: int | None = None) -> int:
    """Deliver the given rows; with `order_id`, also the order's undelivered rows written after the first of
    them (the rest of the writing transaction's outbox: one task per transaction, not one per call)."""
    ids = list(ids)
    rows = Notification.objects.filter(pk__in=ids, delivered_at__isnull=True)
    if order_id is not None and ids:
        rows = Notification.objects.filter(
            Q(pk__in=ids) | Q(order_id=order_id, pk__gt=min(ids)), delivered_at__isnull=True
        )
    done = 0
    for row in rows.order_by("pk"):
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
    marked = qs.update(read_at=timezone.now())
    hot_invalidate([f"user{user.pk}"], space=INBOX)  # after the update: a read in between caches no old count
    return marked


def _masked(address: str) -> str:
    name, _at, domain = address.partition("@")
    return f"{name[:1]}***@{domain}"


def notify_address_after_commit(*, address: str, subject: str, body: str, auto_reply: bool = False) -> bool:
    """E-mail an address that belongs to no account once the current transaction commits (never for a rolled
    back one). Returns False, sending nothing, for an address that is not one. A failure is logged with the
    address masked and does not undo the caller's work: such receipts are a courtesy, not the record."""
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    from civicloop.notify.channels import send_to_address

    address = (address or "").strip()
    try:
        validate_email(address)
    except ValidationError:
        return False

    def send() -> None:
        try:
            send_to_address(address, subject, body, auto_reply=auto_reply)
        except Exception as exc:  # the mail server being down must not fail the import that filed the entry
            log.warning("e-mail to %s failed: %s", _masked(address), exc)

    transaction.on_commit(send)
    return True
