"""The civilisation committee's year (文明委): members, work points, practical projects, year reports, meetings.

A committee sits at a unit of the tree (a province, city or district root); its member units (成员单位) are
departments and other units of the tree. Every row carries the committee's `unit_path` (and member rows the
member unit's path) so scope is an indexed prefix filter, like the rest of the platform.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from civicloop.core.fields import PathField
from civicloop.core.models import WorkflowEvent
from civicloop.network.models import Unit


def private_storage() -> Any:
    """Evidence may show residents or internal papers: kept outside MEDIA_ROOT, sent only by plans:evidence."""
    return storages["private"]


class Committee(models.Model):
    """A civilisation committee (文明委) with its leading group (领导小组) and office (办公室, the 文明办)."""

    name = models.CharField(_("committee name"), max_length=100)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="committees", verbose_name=_("unit"))
    unit_path = PathField(max_length=255, db_index=True, editable=False)
    group_name = models.CharField(_("leading group"), max_length=100, blank=True)
    head_name = models.CharField(_("head of the leading group"), max_length=50, blank=True)
    head_title = models.CharField(_("head's post"), max_length=50, blank=True)
    office_name = models.CharField(_("office"), max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("committee")
        verbose_name_plural = _("committees")
        ordering = ["unit_path", "id"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("plans:committee", args=[self.pk])


class Member(models.Model):
    """A member unit (成员单位) of a committee."""

    class Role(models.TextChoices):
        LEAD_GROUP = "lead_group", _("Leading group member")
        OFFICE = "office", _("Office")
        MEMBER = "member", _("Member unit")

    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="members")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="committee_seats", verbose_name=_("unit"))
    unit_path = PathField(max_length=255, db_index=True, editable=False)
    role = models.CharField(_("role in the committee"), max_length=16, choices=Role.choices, default=Role.MEMBER)
    contact_name = models.CharField(_("contact person"), max_length=50, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("member unit")
        verbose_name_plural = _("member units")
        ordering = ["committee", "role", "unit__path"]
        constraints = [models.UniqueConstraint(fields=["committee", "unit"], name="plans_member_once")]

    def __str__(self) -> str:
        return self.unit.name


class Plan(models.Model):
    """A yearly document: work points (工作要点) or an implementation plan (实施方案)."""

    class Kind(models.TextChoices):
        WORK_POINTS = "work_points", _("Work points")
        IMPLEMENTATION = "implementation", _("Implementation plan")

    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="plans")
    unit_path = PathField(max_length=255, db_index=True, editable=False)
    year = models.PositiveSmallIntegerField(_("year"))
    kind = models.CharField(_("document kind"), max_length=16, choices=Kind.choices, default=Kind.WORK_POINTS)
    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(_("status"), max_length=16, default="draft", db_index=True)
    version = models.PositiveIntegerField(default=0)
    edition = models.PositiveIntegerField(_("edition"), default=0)
    meeting = models.ForeignKey(
        "Meeting", null=True, blank=True, on_delete=models.SET_NULL, related_name="adopted_plans",
        verbose_name=_("adopted at"),
    )
    adopted_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        ordering = ["-year", "id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("plans:plan", args=[self.pk])


class PlanItem(models.Model):
    """One item of a plan: its goal, key tasks, measures and requirements, owned by lead and co-operating units."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField(_("position"), default=1)
    goal = models.TextField(_("goal"))
    key_tasks = models.TextField(_("key tasks"), blank=True)
    measures = models.TextField(_("measures"), blank=True)
    requirements = models.TextField(_("requirements"), blank=True)
    lead = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="led_items",
        verbose_name=_("lead unit"),
    )
    partners = models.ManyToManyField(Member, blank=True, related_name="partner_items", verbose_name=_("co-operating units"))

    class Meta:
        verbose_name = _("plan item")
        verbose_name_plural = _("plan items")
        ordering = ["plan", "position", "id"]

    def __str__(self) -> str:
        return self.goal[:40]


class PlanComment(models.Model):
    """A member unit's comment on an item while the plan is circulated (征求意见)."""

    item = models.ForeignKey(PlanItem, on_delete=models.CASCADE, related_name="comments")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.text[:40]


class PlanVersion(models.Model):
    """A snapshot of a plan's items (JSON) at each edit and at adoption; never changed afterwards."""

    class Reason(models.TextChoices):
        EDITED = "edited", _("Edited")
        ADOPTED = "adopted", _("Adopted")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("edition"))
    reason = models.CharField(_("reason"), max_length=16, choices=Reason.choices)
    items = models.JSONField(default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["plan", "number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="plans_version_once")]

    def __str__(self) -> str:
        return f"{self.plan_id} v{self.number}"


class PlanEvent(WorkflowEvent):
    subject = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="events")


class Project(models.Model):
    """A member unit's practical project (实事项目) for a year, with a target (e.g. 6 个 实践站)."""

    class Kind(models.TextChoices):
        PRACTICAL = "", _("Practical project")
        PILOT = "pilot", _("Pilot project")
        BRAND = "brand", _("Brand project")

    class Metric(models.TextChoices):
        NONE = "", _("Reported by the unit")
        ACTIVITIES = "activities", _("Activities held (platform)")
        SERVED = "served", _("People served at activities (platform)")
        HOURS = "hours", _("Volunteer hours (platform)")
        ORDERS_CLOSED = "orders_closed", _("Orders completed (platform)")
        VOLUNTEERS = "volunteers", _("Registered volunteers (platform)")
        TEAMS = "teams", _("Volunteer teams (platform)")
        BRAND_PROJECTS = "brand_projects", _("Brand projects (platform)")

    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="projects")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="projects", verbose_name=_("member unit"))
    unit_path = PathField(max_length=255, db_index=True, editable=False)  # the member unit's path
    year = models.PositiveSmallIntegerField(_("year"), db_index=True)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("project description"), blank=True)
    target_value = models.PositiveIntegerField(_("target"))
    target_unit = models.CharField(_("measure word"), max_length=10, default="个")
    target_item = models.CharField(_("what is counted"), max_length=50, blank=True)
    metric = models.CharField(_("platform figure"), max_length=16, choices=Metric.choices, blank=True, default="")
    metric_unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("figure counted under"),
    )
    achieved = models.PositiveIntegerField(_("achieved"), default=0)
    due_on = models.DateField(_("due date"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    drop_reason = models.TextField(_("reason for dropping"), blank=True)
    plan_item = models.ForeignKey(
        PlanItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="projects",
        verbose_name=_("plan item"),
    )
    kind = models.CharField(_("project kind"), max_length=16, blank=True, choices=Kind.choices, default="")
    status = models.CharField(_("status"), max_length=16, default="planned", db_index=True)
    version = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("practical project")
        verbose_name_plural = _("practical projects")
        ordering = ["year", "unit_path", "id"]
        indexes = [models.Index(fields=["committee", "year", "status"], name="plans_project_year")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("plans:project", args=[self.pk])

    @property
    def target_text(self) -> str:
        return f"{self.target_value} {self.target_unit}{self.target_item}"


class ProjectEvent(WorkflowEvent):
    subject = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="events")


class Milestone(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("milestone"), max_length=200)
    due_on = models.DateField(_("due date"))
    done_on = models.DateField(_("done on"), null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return self.title


class ProgressReport(models.Model):
    """A quarterly progress report (季度进展): the figure reached, what was done, and evidence."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="reports")
    quarter = models.PositiveSmallIntegerField(_("quarter"))
    figure = models.PositiveIntegerField(_("figure reached"))
    platform_figure = models.IntegerField(_("platform figure"), null=True, blank=True)
    text = models.TextField(_("progress"))
    on_track = models.BooleanField(_("on track"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["project", "quarter"]
        constraints = [models.UniqueConstraint(fields=["project", "quarter"], name="plans_report_per_quarter")]

    def __str__(self) -> str:
        return f"{self.project_id} Q{self.quarter}"


class Evidence(models.Model):
    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(_("file"), upload_to="plans/%Y/%m/", storage=private_storage)
    name = models.CharField(_("file name"), max_length=200)
    is_photo = models.BooleanField(default=False)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class Meeting(models.Model):
    """A plenary meeting (全体会议) or joint meeting (联席会), on site or by video with branch venues."""

    class Kind(models.TextChoices):
        PLENARY = "plenary", _("Plenary meeting")
        JOINT = "joint", _("Joint meeting")

    class Mode(models.TextChoices):
        ONSITE = "onsite", _("On site")
        VIDEO = "video", _("By video")

    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="meetings")
    unit_path = PathField(max_length=255, db_index=True, editable=False)
    kind = models.CharField(_("meeting kind"), max_length=16, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    held_at = models.DateTimeField(_("held at"))
    mode = models.CharField(_("mode"), max_length=8, choices=Mode.choices, default=Mode.ONSITE)
    place = models.CharField(_("place"), max_length=200, blank=True)
    branch_venues = models.TextField(_("branch venues"), blank=True, help_text=_("One venue a line."))
    attendees = models.ManyToManyField(Member, blank=True, related_name="meetings", verbose_name=_("attending units"))
    minutes = models.TextField(_("minutes"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-held_at", "id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("plans:meeting", args=[self.pk])

    @property
    def venues(self) -> list[str]:
        return [v.strip() for v in self.branch_venues.splitlines() if v.strip()]


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda")
    position = models.PositiveSmallIntegerField(default=1)
    title = models.CharField(_("agenda item"), max_length=200)
    plan = models.ForeignKey(Plan, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    project = models.ForeignKey(Project, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    year_report = models.ForeignKey("YearReport", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["meeting", "position", "id"]

    def __str__(self) -> str:
        return self.title


class Resolution(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="resolutions")
    text = models.TextField(_("resolution"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.text[:40]


class FollowUp(models.Model):
    """A follow-up action decided at a meeting: a task with an owner unit and a due date."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="followups")
    owner = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="followups", verbose_name=_("responsible unit"))
    unit_path = PathField(max_length=255, db_index=True, editable=False)  # the owner unit's path
    title = models.CharField(_("task"), max_length=200)
    due_on = models.DateField(_("due date"))
    status = models.CharField(_("status"), max_length=8, default="open", db_index=True)
    version = models.PositiveIntegerField(default=0)
    done_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("plans:meeting", args=[self.meeting_id]) + f"#followup-{self.pk}"


class FollowUpEvent(WorkflowEvent):
    subject = models.ForeignKey(FollowUp, on_delete=models.CASCADE, related_name="events")


class YearReport(models.Model):
    """A member unit's year report (述职) against its projects."""

    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="year_reports")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="year_reports", verbose_name=_("member unit"))
    unit_path = PathField(max_length=255, db_index=True, editable=False)
    year = models.PositiveSmallIntegerField(_("year"))
    text = models.TextField(_("report"))
    status = models.CharField(_("status"), max_length=16, default="draft", db_index=True)
    version = models.PositiveIntegerField(default=0)
    submitted_at = models.DateTimeField(null=True, blank=True)
    meeting = models.ForeignKey(
        Meeting, null=True, blank=True, on_delete=models.SET_NULL, related_name="presentations",
        verbose_name=_("presented at"),
    )
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=1, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("year report")
        verbose_name_plural = _("year reports")
        ordering = ["year", "unit_path", "id"]
        constraints = [models.UniqueConstraint(fields=["member", "year"], name="plans_year_report_once")]

    def __str__(self) -> str:
        return f"{self.member} {self.year}"

    def get_absolute_url(self) -> str:
        return reverse("plans:year_report", args=[self.pk])


class YearReportEvent(WorkflowEvent):
    subject = models.ForeignKey(YearReport, on_delete=models.CASCADE, related_name="events")
