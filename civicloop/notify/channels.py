"""Delivery channels. A channel has a `name` and `send(notification)`, raising on failure (the row is retried)."""

from __future__ import annotations

import logging
from typing import Protocol

from django.conf import settings
from django.core.mail import EmailMessage, send_mail
from django.utils import translation

from civicloop.notify.models import Notification

log = logging.getLogger(__name__)


class Channel(Protocol):
    name: str

    def send(self, notification: Notification) -> None: ...


def recipient_language(user: object) -> str:
    """The language a message to `user` is written in: their own preference where the user model has one
    (`language`), else the platform's (the unit's) language, zh-hans."""
    wanted = str(getattr(user, "language", "") or "")
    return wanted if wanted in {code for code, _name in settings.LANGUAGES} else settings.LANGUAGE_CODE


class EmailChannel:
    """Email through Django's mail backend; recipients without an address are skipped."""

    name = "email"

    def send(self, notification: Notification) -> None:
        email = notification.recipient.email
        if not email:
            return
        with translation.override(recipient_language(notification.recipient)):
            title, body = notification.shown_title, notification.shown_body
        if notification.url:
            body = f"{body}\n\n{notification.url}"
        send_mail(title, body, settings.DEFAULT_FROM_EMAIL, [email])


def send_to_address(address: str, subject: str, body: str, *, auto_reply: bool = False) -> None:
    """E-mail to someone without an account (e.g. the sender of an e-mailed contest entry). An automatic reply
    says so (RFC 3834 Auto-Submitted), so the sender's own auto-responder does not answer it back."""
    headers = {"Auto-Submitted": "auto-replied"} if auto_reply else {}
    EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [address], headers=headers).send()


class SmsChannel:
    """Interface for an SMS gateway: subclasses implement `send_text(phone, text)`."""

    name = "sms"

    def send(self, notification: Notification) -> None:
        phone = notification.recipient.phone
        if not phone:
            return
        with translation.override(recipient_language(notification.recipient)):
            self.send_text(phone, notification.shown_title)

    def send_text(self, phone: str, text: str) -> None:
        raise NotImplementedError


class LoggingSmsChannel(SmsChannel):
    """Development SMS channel: writes the message to the log instead of a gateway (phone masked)."""

    def send_text(self, phone: str, text: str) -> None:
        log.info("SMS to %s****%s: %s", phone[:3], phone[-4:], text)
