"""The learning garden (学习园地): study posts at institutes and stations, and the moderated message area (留言区)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from civicloop.core.fields import PathField
from civicloop.core.models import WorkflowEvent
from civicloop.network.models import Unit


class Garden(models.Model):
    """One garden per institute or station; its moderation mode decides whether comments wait for approval."""

    class Moderation(models.TextChoices):
        PRE = "pre", _("Approve before showing")
        POST = "post", _("Show at once, hide if needed")

    unit = models.OneToOneField(Unit, on_delete=models.CASCADE, related_name="garden", verbose_name=_("unit"))
    unit_path = PathField(max_length=255, db_index=True, editable=False)
    moderation = models.CharField(
        _("moderation"), max_length=8, choices=Moderation.choices, default=Moderation.POST
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("learning garden")
        verbose_name_plural = _("learning gardens")

    def __str__(self) -> str:
        return str(self.unit)


class GardenPost(models.Model):
    garden = models.ForeignKey(Garden, on_delete=models.CASCADE, related_name="posts")
    unit_path = PathField(max_length=255, db_index=True, editable=False)
    title = models.CharField(_("title"), max_length=120)
    body = models.TextField(_("text"))
    image = models.ImageField(_("image"), upload_to="garden/%Y/%m/", blank=True)
    # [{"title": "...", "url": "https://..."}]: links to study materials (学习强国 articles, videos).
    links = models.JSONField(_("links"), default=list, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(_("published"), db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("study post")
        verbose_name_plural = _("study posts")
        ordering = ["-published_at", "-id"]
        indexes = [models.Index(fields=["unit_path", "-published_at"], name="gardenpost_path_pub")]

    def __str__(self) -> str:
        return self.title


class Comment(models.Model):
    class Status(models.TextChoices):
        VISIBLE = "visible", _("Visible")
        HELD = "held", _("Awaiting review")
        HIDDEN = "hidden", _("Hidden")

    post = models.ForeignKey(GardenPost, on_delete=models.CASCADE, related_name="comments")
    unit_path = PathField(max_length=255, db_index=True, editable=False)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    body = models.TextField(_("message"))
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, db_index=True)
    held_reason = models.CharField(_("why held"), max_length=200, blank=True)
    hidden_reason = models.CharField(_("why hidden"), max_length=200, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    moderated_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["unit_path", "status"], name="comment_path_status")]

    def __str__(self) -> str:
        return self.body[:30]


class CommentEvent(WorkflowEvent):
    """One row per step of a message's moderation: its timeline."""

    subject = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="events")

    class Meta(WorkflowEvent.Meta):
        pass


class SensitiveWord(models.Model):
    """Words that hold a message for review; edited by the office, added to the default list in data/."""

    word = models.CharField(_("word"), max_length=50, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("sensitive word")
        verbose_name_plural = _("sensitive words")
        ordering = ["word"]

    def __str__(self) -> str:
        return self.word
