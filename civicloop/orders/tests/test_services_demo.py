"""The Kundulun demo orders: 191 in 2019, a year of recent ones in every state, built by the real services."""

from __future__ import annotations

import random
from typing import Any

import pytest
from django.utils import timezone

from civicloop.orders.models import Order, OrderEvent, OrderRating, Whistle
from civicloop.records.models import ServiceRecord

pytestmark = pytest.mark.django_db


def test_demo_orders(db: Any) -> None:
    from civicloop.demo import kundulun
    from civicloop.orders import demo, selectors

    rng = random.Random(2019)
    today = timezone.localdate()
    kundulun.seed_base(rng=rng, today=today)
    # How long seeding takes is measured by the bench (bench/run.py, "demo seed"), not asserted here.
    demo.seed(rng=rng, today=today, scale=0)
    assert Order.objects.filter(created_at__year=2019).count() == 191
    from django.db.models import Count

    counts = dict(Order.objects.values_list("status").annotate(n=Count("pk")))
    assert set(counts) == set(Order.Status.values)
    assert all(counts[s] >= 4 for s in ("submitted", "open", "dispatched", "accepted", "served")), counts
    recent = Order.objects.filter(created_at__gte=timezone.now() - timezone.timedelta(days=366))
    assert 100 <= recent.count() <= 130
    # numbers follow the day each order was made
    first = Order.objects.filter(created_at__year=2019).order_by("created_at").first()
    assert first.number == f"KD-{timezone.localtime(first.created_at):%Y%m%d}-{first.unit_id:04d}-0001"
    # every state change has its event, no event is after now, hours only for closed orders
    for order in Order.objects.all()[:400]:
        assert OrderEvent.objects.filter(order=order, action__in=["submit"]).count() == 1
    assert not OrderEvent.objects.filter(created_at__gt=timezone.now()).exists()
    closed = set(Order.objects.filter(status="closed").values_list("pk", flat=True))
    assert set(ServiceRecord.objects.values_list("source_id", flat=True)) <= closed
    assert (
        OrderRating.objects.filter(automatic=True).exists()
        and OrderRating.objects.filter(automatic=False).exists()
    )
    assert (
        Whistle.objects.filter(automatic=True).exists() and Whistle.objects.filter(automatic=False).exists()
    )
    assert Whistle.objects.exclude(answer="").exists()
    from civicloop.people.models import User

    office = User.objects.get(username="office")
    assert selectors.follow_up_orders(office).exists()
    assert selectors.whistle_queue(office).exists()
    # Attendance keeps to the new rules (issue #13): each first check-in falls inside the window around its
    # order's service time, each check-out after it, reworked orders have a second session, and no order
    # credits anyone more than they attended plus the tolerance.
    from decimal import Decimal

    from civicloop.orders import attendance
    from civicloop.orders.models import OrderAttendance, OrderReportHours

    firsts = OrderAttendance.objects.filter(session=1).select_related("order")
    assert firsts.exists()
    for row in firsts:
        window = attendance.window_of(row.order.wanted_from, row.order.wanted_to)
        assert window is not None and window[0] <= row.checked_in_at <= window[1], row
        assert row.checked_out_at is None or row.checked_out_at > row.checked_in_at
        assert row.checked_in_at <= timezone.now()
    assert OrderAttendance.objects.filter(session=2).exists()
    for h in OrderReportHours.objects.select_related("report__order")[:300]:
        seen = attendance.attendance_of(h.report.order).get(h.volunteer_id)
        assert seen is not None and h.hours <= seen.hours + Decimal("0.5"), (h.report.order.number, h.hours)
