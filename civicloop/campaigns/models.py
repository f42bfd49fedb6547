"""Civilised-city campaign supervision (创城): campaigns, their actions (八大行动) and tasks, 包联 leaders and their
督导 visits, problems found by inspectors or residents and their rectification (modelled on 数字化城管), the
per-unit daily figures behind the 考核, monthly 通报 and the public 曝光台."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.utils.translation import gettext_lazy as _

from civicloop.core.fields import PathField
from civicloop.core.models import WorkflowEvent
from civicloop.core.validators import validate_latitude, validate_longitude

User = settings.AUTH_USER_MODEL


def private_storage() -> Any:
    """Inspection photos show people and plates: kept outside MEDIA_ROOT, sent only by an access-checked view."""
    return storages["private"]


def public_storage() -> Any:
    return storages["default"]


# Weights of the 考核 score (points out of 100); the office may change them per campaign.
DEFAULT_WEIGHTS: dict[str, int] = {
    "on_time": 35,
    "rework": 20,
    "extension": 10,
    "recurrence": 10,
    "tasks": 15,
    "visits": 10,
}


class Campaign(models.Model):
    year = models.PositiveSmallIntegerField(_("year"))
    name = models.CharField(_("name"), max_length=100)
    goal = models.TextField(_("goal"), blank=True)
    command_unit = models.ForeignKey(
        "network.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("command unit")
    )
    unit_path = PathField(max_length=255, db_index=True)
    weights = models.JSONField(_("score weights"), default=dict, blank=True)
    visit_target = models.PositiveSmallIntegerField(_("supervision visits expected per unit and month"), default=2)
    recurrence_days = models.PositiveSmallIntegerField(_("recurrence window (days)"), default=30)
    recurrence_metres = models.PositiveSmallIntegerField(_("recurrence distance (metres)"), default=50)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-year", "pk"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return f"/campaigns/{self.pk}/"

    def score_weights(self) -> dict[str, int]:
        return {**DEFAULT_WEIGHTS, **{k: int(v) for k, v in (self.weights or {}).items() if k in DEFAULT_WEIGHTS}}


class Action(models.Model):
    """One of the campaign's actions (八大行动) or special campaigns (专项整治)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="actions")
    name = models.CharField(_("name"), max_length=100)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("campaign action")
        verbose_name_plural = _("campaign actions")
        ordering = ["campaign", "position", "pk"]

    def __str__(self) -> str:
        return self.name


class Task(models.Model):
    """A task of an action: its standard (what 达标 means), deadline, lead department and responsible units."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="tasks")
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(_("title"), max_length=150)
    lead_department = models.ForeignKey(
        "network.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("lead department")
    )
    units = models.ManyToManyField("network.Unit", related_name="+", verbose_name=_("responsible units"))
    unit_path = PathField(max_length=255, db_index=True)  # the lead department's path
    status = models.CharField(max_length=16, default="open", db_index=True)
    version = models.PositiveIntegerField(default=0)
    due_at = models.DateTimeField(_("deadline"), db_index=True)
    escalation_level = models.PositiveSmallIntegerField(default=0)
    escalated_due = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["due_at", "pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return f"/campaigns/tasks/{self.pk}/"


class StandardItem(models.Model):
    """A checklist item of a task's standard (测评标准): one thing that must hold for the task to be 达标."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="items")
    text = models.CharField(_("standard"), max_length=200)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        ordering = ["task", "position", "pk"]

    def __str__(self) -> str:
        return self.text


class TaskEvent(WorkflowEvent):
    subject = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="events")


class TaskReport(models.Model):
    """A responsible unit's progress report on a task, with evidence."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="reports")
    unit = models.ForeignKey("network.Unit", on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    progress = models.PositiveSmallIntegerField(_("progress (%)"))
    note = models.TextField(_("work done"))
    photo = models.ImageField(_("evidence photo"), upload_to="campaigns/tasks/%Y/%m/", storage=private_storage, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.task_id} {self.progress}%"


class Liaison(models.Model):
    """包联: a leader (an office account) in charge of an area or unit for the campaign."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="liaisons")
    leader = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+", verbose_name=_("leader in charge"))
    unit = models.ForeignKey("network.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("area or unit"))
    unit_path = PathField(max_length=255, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("liaison assignment")
        verbose_name_plural = _("liaison assignments")
        constraints = [models.UniqueConstraint(fields=["campaign", "leader", "unit"], name="campaign_liaison_once")]

    def __str__(self) -> str:
        return f"{self.leader_id} → {self.unit_id}"


class Visit(models.Model):
    """A 督导 visit by a 包联 leader."""

    liaison = models.ForeignKey(Liaison, on_delete=models.CASCADE, related_name="visits")
    unit = models.ForeignKey("network.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit visited"))
    unit_path = PathField(max_length=255, db_index=True)
    visited_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200)
    findings = models.TextField(_("findings"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("supervision visit")
        verbose_name_plural = _("supervision visits")
        ordering = ["-visited_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.visited_on} {self.place}"


class VisitPhoto(models.Model):
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(upload_to="campaigns/visits/%Y/%m/", storage=private_storage)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.image.name


class Category(models.TextChoices):
    """Problem categories (the “九乱” and the special campaigns) and their rectification time limits."""

    LITTER = "litter", _("Litter and rubbish not cleared")
    PARKING = "parking", _("Disorderly parking")
    STALLS = "stalls", _("Street stalls out of place")
    ADVERTS = "adverts", _("Illegal posters and adverts")
    BUILDING = "building", _("Illegal structures")
    PILING = "piling", _("Goods piled in public space")
    WIRES = "wires", _("Tangled overhead wires")
    RIVER = "river", _("River and ditch pollution")
    FACADE = "facade", _("Damaged facades and signs")
    FACILITY = "facility", _("Broken public facilities")
    PUBLICITY = "publicity", _("Missing public-interest publicity")
    BEHAVIOUR = "behaviour", _("Uncivil behaviour")


# 交办 deadline by category, in hours (数字化城管 sets a time limit per case type).
CATEGORY_HOURS: dict[str, int] = {
    "litter": 24,
    "parking": 24,
    "stalls": 24,
    "adverts": 48,
    "piling": 48,
    "behaviour": 48,
    "wires": 72,
    "facade": 72,
    "publicity": 72,
    "facility": 120,
    "river": 168,
    "building": 240,
}


class Problem(models.Model):
    """A problem found in an inspection (or a resident's 随手拍), followed until it is verified rectified."""

    class Source(models.TextChoices):
        INSPECTOR = "inspector", _("Inspection")
        RESIDENT = "resident", _("Resident photo report")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="problems")
    task = models.ForeignKey(Task, null=True, blank=True, on_delete=models.SET_NULL, related_name="problems")
    item = models.ForeignKey(StandardItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="problems")
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    description = models.TextField(_("description"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    lat = models.FloatField(null=True, blank=True, validators=[validate_latitude])
    lng = models.FloatField(null=True, blank=True, validators=[validate_longitude])
    source = models.CharField(max_length=16, choices=Source.choices, default=Source.INSPECTOR)
    reporter = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    unit = models.ForeignKey(
        "network.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("responsible unit"),
    )
    # where it is seen: the responsible unit once registered; the reporting scope (command unit) before
    unit_path = PathField(max_length=255, db_index=True)
    status = models.CharField(max_length=16, default="reported", db_index=True)
    version = models.PositiveIntegerField(default=0)
    due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    registered_at = models.DateTimeField(null=True, blank=True)
    rectified_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_on_time = models.BooleanField(null=True)
    rework_count = models.PositiveSmallIntegerField(default=0)
    extension_count = models.PositiveSmallIntegerField(default=0)
    escalation_level = models.PositiveSmallIntegerField(default=0)
    escalated_to = models.ForeignKey("network.Unit", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    escalated_due = models.DateTimeField(null=True, blank=True)
    recurrence_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="recurrences"
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("problem")
        verbose_name_plural = _("problems")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["campaign", "unit_path", "status"], name="problem_scope_status"),
            models.Index(fields=["campaign", "category", "created_at"], name="problem_recurrence"),
            # overdue counts and the escalation job: the few assigned rows past their deadline
            models.Index(fields=["campaign", "status", "due_at"], name="problem_overdue"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_category_display()}"

    def get_absolute_url(self) -> str:
        return f"/campaigns/problems/{self.pk}/"


class ProblemEvent(WorkflowEvent):
    subject = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="events")


class ProblemPhoto(models.Model):
    class Kind(models.TextChoices):
        BEFORE = "before", _("Problem photo")
        AFTER = "after", _("After rectification")

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="photos")
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.BEFORE)
    image = models.ImageField(upload_to="campaigns/problems/%Y/%m/", storage=private_storage)
    taken_at = models.DateTimeField(null=True, blank=True)  # from EXIF, when the camera wrote it
    lat = models.FloatField(null=True, blank=True)
    lng = models.FloatField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.image.name


class UnitDay(models.Model):
    """The 考核 figures of one unit's subtree on one day of a campaign, kept by the workflow steps in the same
    transaction as the move and rolled up the unit tree (a row per ancestor), so any unit's period figures are
    a sum over one indexed range whatever its depth."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    path = PathField(max_length=255)
    day = models.DateField()
    registered = models.IntegerField(default=0)
    assigned = models.IntegerField(default=0)
    closed = models.IntegerField(default=0)
    closed_on_time = models.IntegerField(default=0)
    checks = models.IntegerField(default=0)
    reworks = models.IntegerField(default=0)
    extensions = models.IntegerField(default=0)
    recurrences = models.IntegerField(default=0)
    escalations = models.IntegerField(default=0)
    tasks_due = models.IntegerField(default=0)
    tasks_done = models.IntegerField(default=0)
    visits = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["campaign", "path", "day"], name="campaign_unit_day")]

    def __str__(self) -> str:
        return f"{self.path} {self.day}"


COUNTERS = (
    "registered", "assigned", "closed", "closed_on_time", "checks", "reworks", "extensions", "recurrences",
    "escalations", "tasks_due", "tasks_done", "visits",
)


class Bulletin(models.Model):
    """A monthly 通报: the ranking of the month frozen when the office issued it, naming the top and the bottom."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="bulletins")
    month = models.DateField(_("month"))
    unit = models.ForeignKey("network.Unit", on_delete=models.PROTECT, related_name="+")
    rows = models.JSONField(default=list)
    issued_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("bulletin")
        verbose_name_plural = _("bulletins")
        ordering = ["-month", "-pk"]
        constraints = [models.UniqueConstraint(fields=["campaign", "unit", "month"], name="campaign_bulletin_month")]

    def __str__(self) -> str:
        return f"{self.campaign_id} {self.month:%Y-%m}"


class Exposure(models.Model):
    """An entry of the public 曝光台, published only after a second person approves it."""

    class Kind(models.TextChoices):
        BEHAVIOUR = "behaviour", _("Uncivil behaviour")
        DUTY = "duty", _("Unit that failed its duty")

    class PhotoMode(models.TextChoices):
        NONE = "none", _("No photo")
        BLURRED = "blurred", _("Blurred copy")
        ORIGINAL = "original", _("Photo as taken (no faces or plates visible)")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="exposures")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=100)
    text = models.TextField(_("text"))
    unit = models.ForeignKey("network.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    unit_path = PathField(max_length=255, db_index=True)
    problem = models.ForeignKey(Problem, null=True, blank=True, on_delete=models.SET_NULL, related_name="exposures")
    photo_mode = models.CharField(_("photo"), max_length=16, choices=PhotoMode.choices, default=PhotoMode.NONE)
    public_image = models.ImageField(upload_to="campaigns/exposure/", storage=public_storage, blank=True)
    status = models.CharField(max_length=16, default="proposed", db_index=True)
    version = models.PositiveIntegerField(default=0)
    proposed_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    approved_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    published_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("exposure entry")
        verbose_name_plural = _("exposure entries")
        ordering = ["-published_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return f"/campaigns/exposures/{self.pk}/"


class ExposureEvent(WorkflowEvent):
    subject = models.ForeignKey(Exposure, on_delete=models.CASCADE, related_name="events")
