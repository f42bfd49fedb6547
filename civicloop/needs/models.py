"""Needs rounds (需求征集), the needs collected in them, and questionnaires (问卷) with their answers.

A round is the start and the end of the loop: needs arrive from orders, questionnaires and staff visits,
each ends met (linked to an order or activity), planned or unmet (with a reason), and closing a round drafts
the next one from the unmet and recurring needs.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from civicloop.core.choices import FocusGroup, Platform
from civicloop.core.fields import PathField
from civicloop.core.models import WorkflowEvent
from civicloop.network.models import Unit


class NeedsRound(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Collecting")
        CLOSED = "closed", pgettext_lazy("needs", "Closed")

    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="needs_rounds", verbose_name=_("unit")
    )
    unit_path = PathField(max_length=255, db_index=True, editable=False)
    title = models.CharField(_("title"), max_length=120)
    starts_on = models.DateField(_("period start"))
    ends_on = models.DateField(_("period end"))
    target_groups = models.JSONField(_("target groups"), default=list, blank=True)
    scope_note = models.CharField(_("scope"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    version = models.PositiveIntegerField(default=0)  # moved only by the workflow engine
    drafted_from = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="drafted_rounds",
        verbose_name=_("drafted from"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("needs round")
        verbose_name_plural = _("needs rounds")
        ordering = ["-starts_on", "-id"]
        indexes = [models.Index(fields=["unit_path", "-starts_on"], name="round_path_start")]

    def __str__(self) -> str:
        return self.title

    def target_group_labels(self) -> list[str]:
        return [str(FocusGroup(g).label) for g in self.target_groups if g in FocusGroup.values]


class Need(models.Model):
    class Source(models.TextChoices):
        ORDER = "order", _("Order")
        SURVEY = "survey", _("Questionnaire")
        VISIT = "visit", _("Home visit")
        OTHER = "other", pgettext_lazy("needs", "Other")

    class Status(models.TextChoices):
        OPEN = "open", _("Not yet handled")
        MET = "met", _("Met")
        PLANNED = "planned", _("Planned")
        UNMET = "unmet", _("Unmet")

    round = models.ForeignKey(
        NeedsRound, on_delete=models.CASCADE, related_name="needs", verbose_name=_("round")
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="needs", verbose_name=_("unit"))
    unit_path = PathField(max_length=255, db_index=True, editable=False)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.OTHER)
    category = models.CharField(_("platform"), max_length=16, choices=Platform.choices, blank=True)
    focus_group = models.CharField(_("focus group"), max_length=24, choices=FocusGroup.choices, blank=True)
    description = models.TextField(_("description"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    unmet_reason = models.CharField(_("reason unmet"), max_length=200, blank=True)
    order = models.ForeignKey(
        "orders.Order",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("order"),
    )
    activity = models.ForeignKey(
        "activities.Activity",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("activity"),
    )
    # A home visit links the visited resident; nothing of their personal data is copied into the need.
    visited_resident = models.ForeignKey(
        "people.Resident",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("visited resident"),
    )
    visited_on = models.DateField(_("visit date"), null=True, blank=True)
    recurring = models.BooleanField(_("recurring"), default=False)
    recurrence_count = models.PositiveIntegerField(_("rounds seen"), default=1)
    drafted_from = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("drafted from"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("need")
        verbose_name_plural = _("needs")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["unit_path", "created_at"], name="need_path_created")]

    def __str__(self) -> str:
        return self.description[:40]


class Survey(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", pgettext_lazy("needs", "Open")
        CLOSED = "closed", pgettext_lazy("needs", "Closed")

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="surveys", verbose_name=_("unit"))
    unit_path = PathField(max_length=255, db_index=True, editable=False)
    round = models.ForeignKey(
        NeedsRound,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="surveys",
        verbose_name=_("needs round"),
    )
    title = models.CharField(_("title"), max_length=120)
    intro = models.TextField(_("introduction"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    version = models.PositiveIntegerField(default=0)  # moved only by the workflow engine
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    paper_distributed = models.PositiveIntegerField(_("paper copies handed out"), default=0)
    # The poster's link works without an account (one answer per device, and per mobile when asked for one).
    allow_anonymous = models.BooleanField(_("answers without an account"), default=True)
    ask_phone = models.BooleanField(_("ask answerers without an account for a mobile number"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["unit_path", "-created_at"], name="survey_path_created")]

    def __str__(self) -> str:
        return self.title


class Question(models.Model):
    class Kind(models.TextChoices):
        SINGLE = "single", _("Single choice")
        MULTIPLE = "multiple", _("Multiple choice")
        RATING = "rating", _("Rating (1-5)")
        TEXT = "text", _("Free text")

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveIntegerField(default=0)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    text = models.CharField(_("question"), max_length=300)
    required = models.BooleanField(_("required"), default=True)
    options = models.JSONField(_("options"), default=list, blank=True)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.text

    @property
    def has_options(self) -> bool:
        return self.kind in (self.Kind.SINGLE, self.Kind.MULTIPLE)


class Response(models.Model):
    class Channel(models.TextChoices):
        ONLINE = "online", pgettext_lazy("needs", "Online")
        PAPER = "paper", pgettext_lazy("needs", "Paper")

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Answers without an account: keyed hashes of the device's cookie id and of the mobile (never the number).
    device_hash = models.CharField(max_length=64, blank=True, default="")
    phone_hash = models.CharField(max_length=64, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "respondent"],
                condition=models.Q(respondent__isnull=False),
                name="response_once_per_user",
            ),
            models.UniqueConstraint(
                fields=["survey", "device_hash"], condition=~models.Q(device_hash=""), name="response_once_per_device"
            ),
            models.UniqueConstraint(
                fields=["survey", "phone_hash"], condition=~models.Q(phone_hash=""), name="response_once_per_phone"
            ),
        ]

    def __str__(self) -> str:
        return f"response #{self.pk}"


class Answer(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    choices = models.JSONField(default=list, blank=True)
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    text = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["response", "question"], name="answer_once")]

    def __str__(self) -> str:
        return f"answer #{self.pk}"


class NeedEvent(WorkflowEvent):
    """One row per step of a need's workflow: its timeline."""

    subject = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="events")

    class Meta(WorkflowEvent.Meta):
        pass


class NeedsRoundEvent(WorkflowEvent):
    """One row per step of a needsround's workflow: its timeline."""

    subject = models.ForeignKey(NeedsRound, on_delete=models.CASCADE, related_name="events")

    class Meta(WorkflowEvent.Meta):
        pass


class SurveyEvent(WorkflowEvent):
    """One row per step of a survey's workflow: its timeline."""

    subject = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="events")

    class Meta(WorkflowEvent.Meta):
        pass
