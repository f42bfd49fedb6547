"""Notifications: an outbox written inside the business transaction, delivered after commit."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from civicloop.core.msg import render_stored


class Rendered:
    """Title and body in the reader's language: rows carry the message code and its parameters (issue #13);
    `title`/`body` keep the text in the platform's language, and are all that rows from before codes have."""

    title: str
    body: str
    title_code: str
    body_code: str
    params: dict

    @property
    def shown_title(self) -> str:
        return render_stored(self.title_code, (self.params or {}).get("title"), self.title)

    @property
    def shown_body(self) -> str:
        return render_stored(self.body_code, (self.params or {}).get("body"), self.body)


class Notification(Rendered, models.Model):
    """One outbox row per recipient. Delivery marks it delivered; a failed channel leaves it pending."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=40)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    # The English msgids (core.msg.Msg) and their parameters ({"title": {...}, "body": {...}}): the same data the
    # texts above show, no more.
    title_code = models.TextField(blank=True)
    body_code = models.TextField(blank=True)
    params = models.JSONField(default=dict, blank=True)
    url = models.CharField(max_length=300, blank=True)
    order = models.ForeignKey(
        "orders.Order", null=True, blank=True, on_delete=models.CASCADE, related_name="notifications"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    delivered_at = models.DateTimeField(null=True, blank=True, db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    # channel name → "ok" or the last error; the inbox is always the first channel.
    channel_state = models.JSONField(default=dict, blank=True)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["delivered_at", "created_at"], name="notification_pending")]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient_id}"


class InboxItem(Rendered, models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="inbox_items")
    notification = models.OneToOneField(Notification, on_delete=models.CASCADE, related_name="inbox_item")
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    title_code = models.TextField(blank=True)
    body_code = models.TextField(blank=True)
    params = models.JSONField(default=dict, blank=True)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("inbox item")
        verbose_name_plural = _("inbox items")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "read_at", "-created_at"], name="inbox_user_unread")]

    def __str__(self) -> str:
        return self.shown_title
