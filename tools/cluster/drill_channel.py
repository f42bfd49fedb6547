"""A notification channel for the fault drill, standing in for an SMS or mail gateway.

Delivery to a channel is at-least-once: a worker killed after the gateway accepted a message but before its
transaction committed sends it again on retry. Real gateways take an idempotency key for that; this one takes
the notification id — the first send of an id creates `sent/<id>` (O_EXCL), later ones are recognised as
repeats. Every attempt is also logged (one O_APPEND line), so the drill reports how often a retry happened
and checks that each notification reached its recipient exactly once.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from django.conf import settings


class RecordingChannel:
    name = "drill"

    def send(self, notification: object) -> None:
        log = Path(os.environ.get("CIVICLOOP_DRILL_SENT_LOG") or settings.VAR_DIR / "sent.log")
        pk = notification.pk  # type: ignore[attr-defined]
        fd = os.open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, f"{pk}\n".encode())
        finally:
            os.close(fd)
        delivered = log.parent / "sent"
        delivered.mkdir(exist_ok=True)
        # A repeat with a known idempotency key: the gateway does not deliver it again.
        with contextlib.suppress(FileExistsError):
            os.close(os.open(delivered / str(pk), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644))
