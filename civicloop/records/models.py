"""The ledger of verified volunteer hours. Rows are never edited; a correction is a reversing row."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from civicloop.core.choices import Platform
from civicloop.core.fields import PathField
from civicloop.core.models import WorkflowEvent


class ServiceRecord(models.Model):
    class Source(models.TextChoices):
        ORDER = "order", _("Service order")
        ACTIVITY = "activity", _("Activity")
        MAKEUP = "makeup", _("Make-up hours")
        REVERSAL = "reversal", _("Reversal")

    volunteer = models.ForeignKey(
        "people.Volunteer", on_delete=models.PROTECT, related_name="service_records"
    )
    hours = models.DecimalField(_("hours"), max_digits=7, decimal_places=2)
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    source_id = models.PositiveBigIntegerField(_("source id"), null=True, blank=True)
    category = models.CharField(_("platform"), max_length=16, choices=Platform.choices, blank=True)
    unit = models.ForeignKey("network.Unit", on_delete=models.PROTECT, related_name="+")
    unit_path = PathField(max_length=255, db_index=True)
    served_on = models.DateField(_("served on"))
    description = models.CharField(_("description"), max_length=200, blank=True)
    # A row is reversed at most once: record_reverse locks the original and looks for an earlier reversal. Not a
    # database one-to-one: the ledger is partitioned by month on PostgreSQL, where a unique key or a foreign key
    # pointing into the table would have to carry the month (civicloop.core.partitions).
    reverses = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by", db_constraint=False
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("service record")
        verbose_name_plural = _("service records")
        indexes = [
            models.Index(fields=["volunteer", "served_on"], name="record_volunteer_day"),
            models.Index(fields=["unit_path", "served_on"], name="record_path_day"),
            models.Index(fields=["source", "source_id"], name="record_source"),
        ]

    def __str__(self) -> str:
        return f"{self.volunteer_id} {self.hours}h {self.source} {self.served_on}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Guard for the ledger rule; the writes themselves live in records.services.
        if self.pk is not None:
            raise PermissionError("service records are never edited; reverse them instead")
        super().save(*args, **kwargs)


class MakeupClaim(models.Model):
    """Make-up hours (补录) a volunteer declares for an activity; a leader or staff approves."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Not approved")

    volunteer = models.ForeignKey("people.Volunteer", on_delete=models.PROTECT, related_name="makeup_claims")
    activity = models.ForeignKey(
        "activities.Activity",
        on_delete=models.PROTECT,
        related_name="makeup_claims",
        verbose_name=_("activity"),
    )
    unit_path = PathField(max_length=255, db_index=True)
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=2)
    note = models.CharField(_("what you did"), max_length=200)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    version = models.PositiveIntegerField(default=0)  # moved only by the workflow engine
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    record = models.OneToOneField(
        ServiceRecord, null=True, blank=True, on_delete=models.PROTECT, related_name="makeup_claim",
        db_constraint=False,  # the ledger is partitioned on PostgreSQL: no foreign key may point into it
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("make-up hours")
        verbose_name_plural = _("make-up hours")

    def __str__(self) -> str:
        return f"{self.volunteer_id}@{self.activity_id} {self.hours}h {self.status}"


class ServiceRecordDocument(models.Model):
    """An issued platform service record (平台服务记录) with its public verification number."""

    number = models.CharField(_("record number"), max_length=32, unique=True)
    volunteer = models.ForeignKey("people.Volunteer", on_delete=models.PROTECT, related_name="documents")
    hours = models.DecimalField(_("hours at issue"), max_digits=9, decimal_places=2)
    lines = models.JSONField(default=list)  # the services and activities printed on the record
    issuing_unit = models.ForeignKey("network.Unit", on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField(auto_now_add=True)
    content_hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["-issued_at"]
        verbose_name = _("platform service record")
        verbose_name_plural = _("platform service records")

    def __str__(self) -> str:
        return self.number


class PointsAccount(models.Model):
    """The running points balance of a volunteer, moved only by the trigger on each inserted PointsEntry."""

    volunteer = models.OneToOneField(
        "people.Volunteer", on_delete=models.CASCADE, related_name="points_account"
    )
    balance = models.IntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.volunteer_id}: {self.balance}"


class PointsEntry(models.Model):
    """The points ledger (积分). Rows are never edited."""

    class Kind(models.TextChoices):
        EARNED = "earned", _("Earned from hours")
        REVERSED = "reversed", _("Hours corrected")
        REDEEMED = "redeemed", _("Redeemed")
        ADJUSTED = "adjusted", _("Adjustment")

    volunteer = models.ForeignKey("people.Volunteer", on_delete=models.PROTECT, related_name="points_entries")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    points = models.IntegerField(_("points"))
    record = models.OneToOneField(
        ServiceRecord, null=True, blank=True, on_delete=models.PROTECT, related_name="points_entry",
        db_constraint=False,  # the ledger is partitioned on PostgreSQL: no foreign key may point into it
    )
    redemption = models.OneToOneField(
        "records.Redemption", null=True, blank=True, on_delete=models.PROTECT, related_name="points_entry"
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["volunteer", "created_at"], name="points_volunteer_time")]

    def __str__(self) -> str:
        return f"{self.volunteer_id} {self.points:+d} {self.kind}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("points entries are never edited")
        super().save(*args, **kwargs)


class ShopItem(models.Model):
    """Goods in a unit's points shop (爱心超市)."""

    unit = models.ForeignKey(
        "network.Unit", on_delete=models.PROTECT, related_name="shop_items", verbose_name=_("unit")
    )
    unit_path = PathField(max_length=255, db_index=True, editable=False)
    name = models.CharField(_("name"), max_length=100)
    description = models.CharField(_("description"), max_length=200, blank=True)
    price = models.PositiveIntegerField(_("points price"))
    stock = models.PositiveIntegerField(_("stock"), default=0)
    is_active = models.BooleanField(_("on sale"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["unit_path", "price", "id"]
        verbose_name = _("shop item")
        verbose_name_plural = _("shop items")

    def __str__(self) -> str:
        return self.name


class Redemption(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be handed out")
        HANDED_OUT = "handed_out", _("Handed out")

    item = models.ForeignKey(ShopItem, on_delete=models.PROTECT, related_name="redemptions")
    volunteer = models.ForeignKey("people.Volunteer", on_delete=models.PROTECT, related_name="redemptions")
    unit_path = PathField(max_length=255, db_index=True)
    quantity = models.PositiveIntegerField(_("quantity"), default=1)
    points = models.PositiveIntegerField(_("points"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    version = models.PositiveIntegerField(default=0)  # moved only by the workflow engine
    handed_out_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    handed_out_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.item_id} x{self.quantity} by {self.volunteer_id}"


class MakeupClaimEvent(WorkflowEvent):
    """One row per step of a makeupclaim's workflow: its timeline."""

    subject = models.ForeignKey(MakeupClaim, on_delete=models.CASCADE, related_name="events")

    class Meta(WorkflowEvent.Meta):
        pass


class RedemptionEvent(WorkflowEvent):
    """One row per step of a redemption's workflow: its timeline."""

    subject = models.ForeignKey(Redemption, on_delete=models.CASCADE, related_name="events")

    class Meta(WorkflowEvent.Meta):
        pass
