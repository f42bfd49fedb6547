"""The service-order loop (DESIGN §2): 点单 → 派单/领单 → 服务 → 评单 → 验单, with 吹哨.

Nothing here writes `status`; every transition goes through `civicloop.orders.services`.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.files.storage import storages
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from civicloop.core import masking
from civicloop.core.choices import FocusGroup, Platform
from civicloop.core.fields import EncryptedTextField, PathField
from civicloop.core.models import WorkflowEvent
from civicloop.core.validators import validate_latitude, validate_longitude


class Order(models.Model):
    class Channel(models.TextChoices):
        ONLINE = "online", _("Online")
        STAFF_ENTRY = "staff_entry", _("Entered by staff")
        PHONE = "phone", _("Phone")
        VISIT = "visit", _("Visit")
        WISH_WALL = "wish_wall", _("Wish wall")

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        OPEN = "open", _("Waiting for a team")
        DISPATCHED = "dispatched", _("Dispatched")
        ACCEPTED = "accepted", _("Accepted")
        IN_SERVICE = "in_service", _("In service")
        SERVED = "served", _("Waiting for verification")
        CLOSED = "closed", _("Closed")
        REJECTED = "rejected", _("Rejected")
        CANCELLED = "cancelled", _("Cancelled")

    number = models.CharField(_("order number"), max_length=32, unique=True)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices, default=Channel.ONLINE)
    category = models.CharField(_("platform"), max_length=16, choices=Platform.choices)
    subcategory = models.CharField(_("sub-category"), max_length=50, blank=True)
    title = models.CharField(_("title"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    requester = models.ForeignKey(
        "people.Resident", on_delete=models.PROTECT, related_name="orders", verbose_name=_("requester")
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("entered by"),
    )
    beneficiaries = models.PositiveIntegerField(_("people to serve"), default=1)
    focus_group = models.CharField(_("focus group"), max_length=32, choices=FocusGroup.choices, blank=True)
    address = EncryptedTextField(_("address"), blank=True)
    lat = models.FloatField(_("latitude"), null=True, blank=True, validators=[validate_latitude])
    lng = models.FloatField(_("longitude"), null=True, blank=True, validators=[validate_longitude])
    wanted_from = models.DateTimeField(_("wanted from"), null=True, blank=True)
    wanted_to = models.DateTimeField(_("wanted until"), null=True, blank=True)
    unit = models.ForeignKey(
        "network.Unit", on_delete=models.PROTECT, related_name="orders", verbose_name=_("owning unit")
    )
    unit_path = PathField(max_length=255, db_index=True, editable=False)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.SUBMITTED, db_index=True
    )
    team = models.ForeignKey(
        "people.Team",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="orders",
        verbose_name=_("team"),
    )
    review_due = models.DateTimeField(_("review due"), null=True, blank=True)
    claim_due = models.DateTimeField(_("claim due"), null=True, blank=True)
    complete_due = models.DateTimeField(_("completion due"), null=True, blank=True)
    escalation_level = models.PositiveSmallIntegerField(_("escalation level"), default=0)
    escalated_to = models.ForeignKey(
        "network.Unit",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="escalated_orders",
        verbose_name=_("escalated to"),
    )
    reject_reason = models.CharField(_("reason"), max_length=300, blank=True)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged_orders"
    )
    version = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("service order")
        verbose_name_plural = _("service orders")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["unit_path", "status", "-created_at"], name="order_path_status"),
            models.Index(fields=["status", "category", "-created_at"], name="order_status_cat"),
            models.Index(fields=["team", "status"], name="order_team_status"),
            models.Index(fields=["requester", "-created_at"], name="order_requester"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def masked_address(self) -> str:
        return masking.mask_address(self.address)

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.CLOSED, self.Status.REJECTED, self.Status.CANCELLED)


class OrderEvent(models.Model):
    """One row per change of an order: its timeline."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=16, choices=Order.Status.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=Order.Status.choices, blank=True)
    action = models.CharField(_("action"), max_length=32)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    unit = models.ForeignKey(
        "network.Unit", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(_("note"), blank=True)
    automatic = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("order event")
        verbose_name_plural = _("order events")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["order", "created_at"], name="order_event_order")]

    def __str__(self) -> str:
        return f"{self.order_id} {self.action} {self.from_status}→{self.to_status}"


class OrderAssignment(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="assignments")
    volunteer = models.ForeignKey(
        "people.Volunteer", on_delete=models.PROTECT, related_name="order_assignments"
    )
    checked_in_at = models.DateTimeField(null=True, blank=True)
    checked_out_at = models.DateTimeField(null=True, blank=True)
    check_lat = models.FloatField(null=True, blank=True, validators=[validate_latitude])
    check_lng = models.FloatField(null=True, blank=True, validators=[validate_longitude])
    # checked_in_at/checked_out_at above are the current session's (a return for rework clears them); every
    # session is kept in OrderAttendance. `sessions` counts this volunteer's check-ins on the order.
    sessions = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["order", "volunteer"], name="order_assignment_unique")]

    def __str__(self) -> str:
        return f"{self.order_id}:{self.volunteer_id}"


class OrderAttendance(models.Model):
    """One check-in/check-out of one volunteer on one order: the first service, then one per rework session.

    The report's hours are bounded by these (orders.services.order_report)."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="attendance")
    assignment = models.ForeignKey(OrderAssignment, on_delete=models.CASCADE, related_name="attendance")
    volunteer = models.ForeignKey("people.Volunteer", on_delete=models.PROTECT, related_name="+")
    session = models.PositiveSmallIntegerField(_("session"))
    checked_in_at = models.DateTimeField(_("checked in at"))
    checked_out_at = models.DateTimeField(_("checked out at"), null=True, blank=True)
    lat = models.FloatField(null=True, blank=True, validators=[validate_latitude])
    lng = models.FloatField(null=True, blank=True, validators=[validate_longitude])

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ["order", "session", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["assignment", "session"], name="order_attendance_session_once")
        ]

    def __str__(self) -> str:
        return f"{self.order_id}:{self.volunteer_id}#{self.session}"


class OrderReport(models.Model):
    order = models.OneToOneField(Order, on_delete=models.CASCADE, related_name="report")
    summary = models.TextField(_("what was done"))
    people_served = models.PositiveIntegerField(_("people served"))
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    served_on = models.DateField(_("served on"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("service report")
        verbose_name_plural = _("service reports")

    def __str__(self) -> str:
        return f"report of {self.order_id}"


class OrderReportHours(models.Model):
    report = models.ForeignKey(OrderReport, on_delete=models.CASCADE, related_name="hours")
    volunteer = models.ForeignKey("people.Volunteer", on_delete=models.PROTECT, related_name="+")
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=2)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["report", "volunteer"], name="order_report_hours_unique")
        ]

    def __str__(self) -> str:
        return f"{self.volunteer_id}: {self.hours}h"


def private_storage() -> Any:
    """Service photos may show residents: kept outside MEDIA_ROOT, sent only through orders:photo."""
    return storages["private"]


class OrderPhoto(models.Model):
    report = models.ForeignKey(OrderReport, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("photo"), upload_to="orders/%Y/%m/", storage=private_storage)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.image.name


class OrderRating(models.Model):
    order = models.OneToOneField(Order, on_delete=models.CASCADE, related_name="rating")
    score = models.PositiveSmallIntegerField(
        _("score"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    tags = models.JSONField(_("tags"), default=list, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    automatic = models.BooleanField(default=False)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(score__gte=1) & models.Q(score__lte=5), name="order_rating_score_range"
            )
        ]

    def __str__(self) -> str:
        return f"{self.order_id}: {self.score}"


class Whistle(models.Model):
    """吹哨: an order raised to a higher unit (automatically when overdue, or by hand) asking departments."""

    class Reason(models.TextChoices):
        REVIEW = "review", _("Review overdue")
        CLAIM = "claim", _("Claim overdue")
        COMPLETE = "complete", _("Completion overdue")
        MANUAL = "manual", _("Raised by hand")

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="whistles")
    reason = models.CharField(max_length=16, choices=Reason.choices, default=Reason.MANUAL)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_unit = models.ForeignKey("network.Unit", on_delete=models.PROTECT, related_name="+")
    to_unit = models.ForeignKey("network.Unit", on_delete=models.PROTECT, related_name="whistles_received")
    to_unit_path = PathField(max_length=255, db_index=True, editable=False)
    departments = models.ManyToManyField("network.Unit", blank=True, related_name="whistles_to_department")
    note = models.TextField(_("note"), blank=True)
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    automatic = models.BooleanField(default=False)
    deadline = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    # 部门动员 (orders.whistle workflow, civicloop/orders/whistle_workflow.py): a department's liaison accepts the
    # task, puts one of its teams or staff on it, answers by a deadline and closes it with a result.
    status = models.CharField(_("status"), max_length=16, default="raised", db_index=True)
    version = models.PositiveIntegerField(default=0)
    department = models.ForeignKey(
        "network.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("department handling it"),
    )
    handler_team = models.ForeignKey(
        "people.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("team on it")
    )
    handler_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("staff on it"),
    )
    due_at = models.DateTimeField(_("answer due"), null=True, blank=True, db_index=True)
    result = models.TextField(_("result"), blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    on_time = models.BooleanField(null=True, blank=True)
    overdue_count = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("whistle")
        verbose_name_plural = _("whistles")
        ordering = ["-created_at"]
        constraints = [
            # One automatic raise per order, deadline kind and deadline: the periodic job is idempotent.
            models.UniqueConstraint(
                fields=["order", "reason", "deadline"],
                condition=models.Q(automatic=True),
                name="whistle_auto_once",
            )
        ]

    def __str__(self) -> str:
        return f"whistle {self.order_id} → {self.to_unit_id}"


class UnitDeadlines(models.Model):
    """Per-unit deadlines; a unit without its own row inherits from the nearest ancestor, else the defaults."""

    unit = models.OneToOneField("network.Unit", on_delete=models.CASCADE, related_name="order_deadlines")
    review_hours = models.PositiveIntegerField(_("hours to review"), default=24)
    claim_hours = models.PositiveIntegerField(_("hours to claim"), default=48)
    complete_hours = models.PositiveIntegerField(_("hours to complete"), default=168)
    auto_dispatch = models.BooleanField(_("dispatch automatically"), default=False)
    auto_dispatch_hours = models.PositiveIntegerField(_("dispatch after hours unclaimed"), default=24)
    # Set on the unit settings page (orders.unit_settings_update); a row means "this unit sets its own".
    auto_rating_days = models.PositiveSmallIntegerField(_("days before an automatic rating"), default=7)
    whistle_departments = models.ManyToManyField(
        "network.Unit", blank=True, related_name="+", verbose_name=_("departments asked when an order is raised")
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("order deadlines")
        verbose_name_plural = _("order deadlines")

    def __str__(self) -> str:
        return f"deadlines of {self.unit_id}"


class OrderNumberSequence(models.Model):
    """The last order number given out per day prefix. Taking the next one locks this row, so simultaneous
    submissions queue for a moment instead of colliding on the unique number and retrying."""

    prefix = models.CharField(max_length=24, unique=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.prefix}{self.last:04d}"


class WhistleEvent(WorkflowEvent):
    """The whistle's own timeline (accepted, assigned, overdue, closed); each step also writes an order event."""

    subject = models.ForeignKey(Whistle, on_delete=models.CASCADE, related_name="events")

    class Meta(WorkflowEvent.Meta):
        verbose_name = _("whistle event")
        verbose_name_plural = _("whistle events")
