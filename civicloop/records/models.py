"""The ledger of verified volunteer hours. Rows are never edited; a correction is a reversing row."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from civicloop.core.choices import Platform


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
    unit_path = models.CharField(max_length=255, db_index=True)
    served_on = models.DateField(_("served on"))
    description = models.CharField(_("description"), max_length=200, blank=True)
    reverses = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by"
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
