"""A ledger row is reversed at most once even when two staff press "correct" at the same moment: the database
no longer has a one-to-one constraint (the ledger is partitioned by month on PostgreSQL), so the lock that
record_reverse takes on the original row is what keeps it — on SQLite and PostgreSQL."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import override

from civicloop.records import selectors, services
from civicloop.records.models import ServiceRecord
from conftest import at_once


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_reversals_of_one_row_have_one_winner(personas):
    row = services.record_credit(
        volunteer=personas.volunteer_profile, hours=Decimal("3"), source="activity", source_id=None,
        unit=personas.station, served_on=timezone.localdate(), category="health", description="健康义诊",
    )
    target = ServiceRecord.objects.get(pk=row.pk)

    def reverse() -> str:
        with override("zh-hans"):
            try:
                services.record_reverse(record=target, reason="重复录入")
            except ValidationError as exc:
                return "refused" if "已冲正" in " ".join(exc.messages) else f"other: {exc.messages}"
            return "reversed"

    results = at_once(4, reverse)
    assert sorted(results) == ["refused", "refused", "refused", "reversed"]
    assert ServiceRecord.objects.filter(reverses_id=row.pk).count() == 1
    assert selectors.total_hours(personas.volunteer_profile) == 0
