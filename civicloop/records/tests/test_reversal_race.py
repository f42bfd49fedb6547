"""A ledger row is reversed at most once even when two staff press "correct" at the same moment: the database
no longer has a one-to-one constraint (the ledger is partitioned by month on PostgreSQL), so the lock that
record_reverse takes on the original row is what keeps it — on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connections
from django.utils import timezone
from django.utils.translation import override

from civicloop.records import selectors, services
from civicloop.records.models import ServiceRecord


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_reversals_of_one_row_have_one_winner(personas):
    row = services.record_credit(
        volunteer=personas.volunteer_profile, hours=Decimal("3"), source="activity", source_id=None,
        unit=personas.station, served_on=timezone.localdate(), category="health", description="健康义诊",
    )
    results: list[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(4)

    def reverse() -> None:
        try:
            target = ServiceRecord.objects.get(pk=row.pk)
            barrier.wait(timeout=60)
            with override("zh-hans"):
                try:
                    services.record_reverse(record=target, reason="重复录入")
                    outcome = "reversed"
                except ValidationError as exc:
                    outcome = "refused" if "已冲正" in " ".join(exc.messages) else f"other: {exc.messages}"
            with lock:
                results.append(outcome)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=reverse) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert sorted(results) == ["refused", "refused", "refused", "reversed"]
    assert ServiceRecord.objects.filter(reverses_id=row.pk).count() == 1
    assert selectors.total_hours(personas.volunteer_profile) == 0
