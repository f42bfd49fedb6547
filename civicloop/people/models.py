"""People: accounts, residents who order services, volunteers and the teams they serve in.

Sensitive values (phone, ID number, exact address, birth date, focus groups) are encrypted at rest; the
`*_hash` columns are keyed hashes used for exact lookups and `phone_last4` serves the "last four digits"
search that the masked display already reveals.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from civicloop.core import masking
from civicloop.core.choices import FocusGroup, Platform, VolunteerType
from civicloop.core.fields import EncryptedDateField, EncryptedJSONField, EncryptedTextField, PathField
from civicloop.core.models import WorkflowEvent
from civicloop.core.validators import validate_latitude, validate_longitude
from civicloop.network.models import Unit


class User(AbstractUser):
    full_name = models.CharField(_("full name"), max_length=50, blank=True)
    name_initials = models.CharField(max_length=30, blank=True, db_index=True)
    phone = EncryptedTextField(_("mobile"), blank=True)
    phone_hash = models.CharField(max_length=64, blank=True, db_index=True)
    phone_last4 = models.CharField(max_length=4, blank=True, db_index=True)

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.username

    def save(self, *args: Any, **kwargs: Any) -> None:
        # A new password ends every API token (sessions end through Django's session auth hash).
        password_changed = self.pk is not None and self._password is not None
        super().save(*args, **kwargs)
        if password_changed:
            ApiToken.objects.filter(user=self).delete()

    @property
    def display_name(self) -> str:
        return self.full_name or self.username

    @property
    def masked_phone(self) -> str:
        return masking.mask_phone(self.phone)

    @property
    def masked_name(self) -> str:
        return masking.mask_name(self.display_name)


WEEKDAY_LABELS = {
    "mon": _("Monday"),
    "tue": _("Tuesday"),
    "wed": _("Wednesday"),
    "thu": _("Thursday"),
    "fri": _("Friday"),
    "sat": _("Saturday"),
    "sun": _("Sunday"),
}
DAY_PART_LABELS = {"am": _("Morning"), "pm": _("Afternoon"), "eve": _("Evening")}


class Resident(models.Model):
    """A person who orders services; may exist without an account when staff enter them offline (代点单)."""

    user = models.OneToOneField(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="resident"
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="residents", verbose_name=_("station")
    )
    unit_path = PathField(max_length=255, db_index=True, editable=False)
    name = models.CharField(_("name"), max_length=50)
    name_initials = models.CharField(max_length=30, blank=True, db_index=True)
    phone = EncryptedTextField(_("mobile"), blank=True)
    phone_hash = models.CharField(max_length=64, blank=True, db_index=True)
    phone_last4 = models.CharField(max_length=4, blank=True, db_index=True)
    id_number = EncryptedTextField(_("ID number"), blank=True)
    id_hash = models.CharField(max_length=64, blank=True, db_index=True)
    address = EncryptedTextField(_("address"), blank=True)
    birth_date = EncryptedDateField(_("birth date"), null=True, blank=True)
    focus_groups = EncryptedJSONField(_("focus groups"), null=True, blank=True)
    guardian_name = models.CharField(_("guardian"), max_length=50, blank=True)
    guardian_phone = EncryptedTextField(_("guardian mobile"), blank=True)
    guardian_consent_at = models.DateTimeField(_("guardian consent"), null=True, blank=True)
    consent_at = models.DateTimeField(_("consent given"), null=True, blank=True)
    entered_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("entered by")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    erased_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("resident")
        verbose_name_plural = _("residents")
        indexes = [models.Index(fields=["unit_path", "-created_at"], name="resident_path_created")]

    def __str__(self) -> str:
        return self.name

    @property
    def masked_name(self) -> str:
        return masking.mask_name(self.name)

    @property
    def masked_phone(self) -> str:
        return masking.mask_phone(self.phone)

    @property
    def masked_id_number(self) -> str:
        return masking.mask_id_number(self.id_number)

    @property
    def masked_address(self) -> str:
        return masking.mask_address(self.address)

    def focus_group_labels(self) -> list[str]:
        return [str(FocusGroup(g).label) for g in (self.focus_groups or []) if g in FocusGroup.values]


class Volunteer(models.Model):
    """A registered volunteer. The volunteer number identifies them in records — never the ID number."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="volunteer")
    number = models.CharField(_("volunteer number"), max_length=20, unique=True)
    home_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="volunteers", verbose_name=_("home unit")
    )
    unit_path = PathField(max_length=255, db_index=True, editable=False)
    types = models.JSONField(_("volunteer types"), default=list, blank=True)
    skills = models.CharField(_("skills"), max_length=200, blank=True)
    categories = models.JSONField(_("service platforms"), default=list, blank=True)
    id_number = EncryptedTextField(_("ID number"), blank=True)
    id_hash = models.CharField(max_length=64, blank=True, db_index=True)
    lat = models.FloatField(null=True, blank=True, validators=[validate_latitude])
    lng = models.FloatField(null=True, blank=True, validators=[validate_longitude])
    # {"mon": ["am", "pm"], "sat": ["eve"]}: when this volunteer can usually serve.
    availability = models.JSONField(_("weekly availability"), default=dict, blank=True)
    consent_at = models.DateTimeField(_("consent given"), null=True, blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("volunteer")
        verbose_name_plural = _("volunteers")

    def __str__(self) -> str:
        return f"{self.user.display_name} ({self.number})"

    def type_labels(self) -> list[str]:
        return [str(VolunteerType(t).label) for t in self.types if t in VolunteerType.values]

    def category_labels(self) -> list[str]:
        return [str(Platform(c).label) for c in self.categories if c in Platform.values]

    @property
    def masked_id_number(self) -> str:
        return masking.mask_id_number(self.id_number)

    def availability_labels(self) -> list[str]:
        """{"mon": ["am"]} -> ["Monday Morning"], in week order."""
        return [
            f"{WEEKDAY_LABELS[day]}{DAY_PART_LABELS[part]}"
            for day in WEEKDAY_LABELS
            for part in DAY_PART_LABELS
            if part in (self.availability or {}).get(day, [])
        ]


class Team(models.Model):
    """A volunteer team: belongs to a home unit, serves a set of units and platforms.

    Its life (founded → approved by the owning unit → suspended / dissolved) is the `people.team` workflow
    (civicloop/people/workflow.py); `is_active` mirrors "approved and not suspended or dissolved" so the order
    hall, matching and claims keep reading one indexed flag.
    """

    class Status(models.TextChoices):
        PROPOSED = "proposed", pgettext_lazy("team state", "Awaiting approval")
        ACTIVE = "active", pgettext_lazy("team state", "Active")
        SUSPENDED = "suspended", pgettext_lazy("team state", "Suspended")
        REJECTED = "rejected", pgettext_lazy("team state", "Not approved")
        DISSOLVED = "dissolved", pgettext_lazy("team state", "Dissolved")

    name = models.CharField(_("name"), max_length=100)
    team_type = models.CharField(_("team type"), max_length=32, choices=VolunteerType.choices)
    home_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="teams", verbose_name=_("home unit")
    )
    unit_path = PathField(max_length=255, db_index=True, editable=False)
    served_units = models.ManyToManyField(Unit, related_name="serving_teams", verbose_name=_("units served"))
    categories = models.JSONField(_("service platforms"), default=list, blank=True)
    leader = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="led_teams",
        verbose_name=_("leader"),
    )
    capacity = models.PositiveIntegerField(_("orders at once"), default=3)
    description = models.TextField(_("description"), blank=True)
    contact_name = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = EncryptedTextField(_("contact mobile"), blank=True)
    founded_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("founded by")
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.ACTIVE, db_index=True
    )
    version = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        indexes = [models.Index(fields=["unit_path", "status"], name="team_path_status")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return f"/people/teams/{self.pk}/"

    def category_labels(self) -> list[str]:
        return [str(Platform(c).label) for c in self.categories if c in Platform.values]

    @property
    def masked_contact_phone(self) -> str:
        return masking.mask_phone(self.contact_phone)


class TeamEvent(WorkflowEvent):
    """The team's timeline: founding, approval, handovers, members leaving or removed, suspension, dissolution."""

    subject = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="events")

    class Meta(WorkflowEvent.Meta):
        verbose_name = _("team event")
        verbose_name_plural = _("team events")


class TeamRequest(models.Model):
    """A volunteer's application to join a team, or the leader's invitation to a volunteer (`people.team_request`).

    Approved requests become `TeamMember` rows; the request stays as the record of who asked and who decided.
    """

    class Kind(models.TextChoices):
        APPLY = "apply", _("Application")
        INVITE = "invite", _("Invitation")

    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("team request state", "Pending")
        APPROVED = "approved", pgettext_lazy("team request state", "Joined")
        DECLINED = "declined", pgettext_lazy("team request state", "Declined")
        WITHDRAWN = "withdrawn", pgettext_lazy("team request state", "Withdrawn")

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="requests")
    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="team_requests")
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    unit_path = PathField(max_length=255, db_index=True, editable=False)
    message = models.CharField(_("message"), max_length=300, blank=True)
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    version = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("team request")
        verbose_name_plural = _("team requests")
        constraints = [
            models.UniqueConstraint(
                fields=["team", "volunteer"], condition=models.Q(status="pending"), name="team_request_pending_once"
            )
        ]
        indexes = [models.Index(fields=["team", "status"], name="team_request_team_status")]

    def __str__(self) -> str:
        return f"{self.kind} {self.volunteer_id}→{self.team_id}"

    def get_absolute_url(self) -> str:
        return f"/people/teams/{self.team_id}/"


class TeamRequestEvent(WorkflowEvent):
    subject = models.ForeignKey(TeamRequest, on_delete=models.CASCADE, related_name="events")

    class Meta(WorkflowEvent.Meta):
        verbose_name = _("team request event")
        verbose_name_plural = _("team request events")


class TeamMember(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="team_memberships")
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["team", "volunteer"], name="team_member_unique")]

    def __str__(self) -> str:
        return f"{self.volunteer_id}@{self.team_id}"


class ApiToken(models.Model):
    """Bearer token for API clients. Only the hash is kept; the token is shown once when issued.

    A token lives `API_TOKEN_LIFETIME_DAYS`; staff-like accounts also lose it after the session idle limit. One
    live token per device name: issuing a new one for the same name replaces the old. Signing out, changing
    the password and `DELETE /api/auth/token` delete it.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    token_hash = models.CharField(max_length=64, unique=True)
    name = models.CharField(max_length=50, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "name"], name="api_token_one_per_device")]

    def __str__(self) -> str:
        return f"token #{self.pk} of {self.user_id}"


class PasswordResetCode(models.Model):
    """A pending password reset sent by SMS; only a keyed hash of the code is kept."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    code_hash = models.CharField(max_length=64)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"reset code of {self.user_id}"


class SmsCode(models.Model):
    """A code sent by SMS to sign in or to register with a mobile number (civicloop/people/smscodes.py).

    Keyed by the number's keyed hash (not the user: registration has none yet); one pending code per number and
    purpose. Only a keyed hash of the code is kept; it is void after expiry or too many wrong tries, and deleted
    when used."""

    class Purpose(models.TextChoices):
        LOGIN = "login", _("sign in")
        REGISTER = "register", _("register")

    phone_hash = models.CharField(max_length=64)
    purpose = models.CharField(max_length=10, choices=Purpose.choices)
    code_hash = models.CharField(max_length=64)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["phone_hash", "purpose"], name="sms_code_one_per_number")
        ]

    def __str__(self) -> str:
        return f"{self.purpose} code {self.pk}"


class PhoneChange(models.Model):
    """A pending change of a person's mobile: the new number waits until the code sent to it by SMS is typed back.
    Only a keyed hash of the code is kept."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="phone_changes")
    new_phone = EncryptedTextField()
    code_hash = models.CharField(max_length=64)
    attempts = models.PositiveSmallIntegerField(default=0)
    expires_at = models.DateTimeField()
    confirmed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["user", "-created_at"], name="phone_change_user")]

    def __str__(self) -> str:
        return f"phone change {self.pk} of {self.user_id}"
