"""Practice activities (文明实践活动): planned by a unit or team, volunteers sign up, sign in, hours credited."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from civicloop.core.choices import FocusGroup, Platform
from civicloop.core.fields import PathField
from civicloop.core.models import WorkflowEvent
from civicloop.core.validators import validate_latitude, validate_longitude


class Activity(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        CLOSED = "closed", _("Finished")
        CANCELLED = "cancelled", _("Cancelled")

    unit = models.ForeignKey(
        "network.Unit", on_delete=models.PROTECT, related_name="activities", verbose_name=_("unit")
    )
    unit_path = PathField(max_length=255, db_index=True, editable=False)
    team = models.ForeignKey(
        "people.Team",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="activities",
        verbose_name=_("organising team"),
    )
    category = models.CharField(_("platform"), max_length=16, choices=Platform.choices)
    title = models.CharField(_("title"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    place = models.CharField(_("place"), max_length=200)
    booking = models.OneToOneField(
        "network.Booking", null=True, blank=True, on_delete=models.SET_NULL, related_name="activity",
        verbose_name=_("room booking"),
    )
    lat = models.FloatField(_("latitude"), null=True, blank=True, validators=[validate_latitude])
    lng = models.FloatField(_("longitude"), null=True, blank=True, validators=[validate_longitude])
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    target_group = models.CharField(
        _("target group"),
        max_length=32,
        choices=FocusGroup.choices,
        blank=True,
        help_text=_("Empty: everyone"),
    )
    expected_audience = models.PositiveIntegerField(_("expected audience"), default=0)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    version = models.PositiveIntegerField(default=0)  # moved only by the workflow engine
    auto_accept = models.BooleanField(_("accept sign-ups automatically"), default=True)
    people_served = models.PositiveIntegerField(_("people served"), default=0)
    summary = models.TextField(_("activity summary"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["-starts_at"]
        indexes = [
            models.Index(fields=["unit_path", "starts_at"], name="activity_path_start"),
            models.Index(fields=["status", "starts_at"], name="activity_status_start"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def length_hours(self) -> float:
        return (self.ends_at - self.starts_at).total_seconds() / 3600


class ActivityRole(models.Model):
    """A volunteer role with its quota; `filled` counts places taken and is changed only by conditional UPDATEs."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="roles")
    name = models.CharField(_("volunteer role"), max_length=50)
    quota = models.PositiveIntegerField(_("quota"))
    filled = models.PositiveIntegerField(_("places taken"), default=0)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(filled__lte=models.F("quota")), name="role_not_overfilled"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.filled}/{self.quota})"

    @property
    def places_left(self) -> int:
        return max(self.quota - self.filled, 0)


class Signup(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Not approved")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class How(models.TextChoices):
        QR = "qr", _("QR code")
        ROLL_CALL = "roll_call", _("Roll call")
        CARD = "card", _("Volunteer card")

    HOLDING = (Status.PENDING, Status.APPROVED)

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="signups")
    volunteer = models.ForeignKey("people.Volunteer", on_delete=models.PROTECT, related_name="signups")
    role = models.ForeignKey(ActivityRole, on_delete=models.PROTECT, related_name="signups")
    status = models.CharField(_("status"), max_length=16, choices=Status.choices)
    signed_in_at = models.DateTimeField(_("signed in"), null=True, blank=True)
    signed_out_at = models.DateTimeField(_("signed out"), null=True, blank=True)
    how = models.CharField(_("signed in by"), max_length=16, choices=How.choices, blank=True)
    credited_hours = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "volunteer"],
                condition=models.Q(status__in=["pending", "approved"]),
                name="signup_one_live_per_volunteer",
            )
        ]
        indexes = [models.Index(fields=["volunteer", "status"], name="signup_volunteer_status")]

    def __str__(self) -> str:
        return f"{self.volunteer_id}@{self.activity_id} {self.status}"


class SignupEvent(WorkflowEvent):
    """One row per step of a sign-up's workflow: its timeline."""

    subject = models.ForeignKey(Signup, on_delete=models.CASCADE, related_name="events")

    class Meta(WorkflowEvent.Meta):
        pass


class CardTokenUse(models.Model):
    """A volunteer-card token (电子志愿者证) once an organiser has scanned it: the unique nonce makes a replayed
    token (a screenshot, a second scan) fail instead of signing the volunteer in or out again."""

    nonce = models.CharField(max_length=32, unique=True)
    volunteer = models.ForeignKey("people.Volunteer", on_delete=models.CASCADE, related_name="+")
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="+")
    used_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.volunteer_id}@{self.activity_id}"


class ActivityPhoto(models.Model):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("photo"), upload_to="activities/%Y/%m/")
    caption = models.CharField(_("caption"), max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.caption or f"photo {self.pk}"


class ActivityEvent(WorkflowEvent):
    """One row per step of a activity's workflow: its timeline."""

    subject = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="events")

    class Meta(WorkflowEvent.Meta):
        pass
