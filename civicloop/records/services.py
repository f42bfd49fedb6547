"""Writes to the hours ledger."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from civicloop.records.models import ServiceRecord


def record_credit(
    *,
    volunteer,
    hours: Decimal,
    source: str,
    source_id: int | None,
    unit,
    served_on: dt.date,
    category: str = "",
    description: str = "",
    created_by=None,
) -> ServiceRecord:
    """Credit verified hours. Called inside the caller's transaction (order verification, activity close)."""
    hours = Decimal(hours)
    if hours <= 0 or hours > 24:
        raise ValidationError(_("Hours must be more than 0 and at most 24."))
    return ServiceRecord.objects.create(
        volunteer=volunteer,
        hours=hours,
        source=source,
        source_id=source_id,
        unit=unit,
        unit_path=unit.path,
        served_on=served_on,
        category=category,
        description=description[:200],
        created_by=created_by,
    )


@transaction.atomic
def record_reverse(*, record: ServiceRecord, reason: str, created_by=None) -> ServiceRecord:
    """Cancel a ledger row by writing its negative. A row is reversed at most once."""
    if not reason.strip():
        raise ValidationError(_("Give a reason for the correction."))
    if (
        record.source == ServiceRecord.Source.REVERSAL
        or ServiceRecord.objects.filter(reverses=record).exists()
    ):
        raise ValidationError(_("This record has already been reversed."))
    return ServiceRecord.objects.create(
        volunteer=record.volunteer,
        hours=-record.hours,
        source=ServiceRecord.Source.REVERSAL,
        source_id=record.source_id,
        unit=record.unit,
        unit_path=record.unit_path,
        served_on=record.served_on,
        category=record.category,
        description=record.description,
        reverses=record,
        reason=reason.strip()[:200],
        created_by=created_by,
    )


def volunteer_total_hours(volunteer) -> Decimal:
    return ServiceRecord.objects.filter(volunteer=volunteer).aggregate(t=Sum("hours"))["t"] or Decimal("0")
