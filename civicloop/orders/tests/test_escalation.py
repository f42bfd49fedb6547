"""吹哨: overdue orders raised to the parent unit by the periodic job (once per deadline); whistles by hand;
department liaisons answer; automatic ratings."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone

from civicloop.core.exceptions import Conflict
from civicloop.orders import selectors, services
from civicloop.orders.models import Order, OrderEvent, OrderRating, OrderReport, Whistle
from civicloop.orders.tests.factories import fresh, walk

pytestmark = pytest.mark.django_db
PAST = timezone.now() - dt.timedelta(hours=1)


def test_overdue_review_is_raised_once_to_parent(personas: Any) -> None:
    order = walk(personas, "submitted")
    assert services.orders_escalate_overdue() == 0
    Order.objects.filter(pk=order.pk).update(review_due=PAST)
    assert services.orders_escalate_overdue() == 1
    o = fresh(order)
    assert o.escalation_level == 1 and o.escalated_to == personas.institute and o.status == "submitted"
    w = Whistle.objects.get(order=o)
    assert w.automatic and w.reason == "review" and w.to_unit == personas.institute
    ev = OrderEvent.objects.get(order=o, action="escalate")
    assert ev.automatic and ev.actor is None
    # idempotent: the same deadline is never raised twice
    assert services.orders_escalate_overdue() == 0
    assert Whistle.objects.count() == 1
    # the institute's staff see it in the whistle queue; the station and the sibling do not
    assert [x.order for x in selectors.whistle_queue(personas.institute_staff)] == [o]
    assert not selectors.whistle_queue(personas.station_staff).exists()
    assert not selectors.whistle_queue(personas.sibling).exists()
    assert selectors.whistle_queue(personas.office).exists()


def test_next_deadline_raises_one_more_level(personas: Any) -> None:
    order = walk(personas, "submitted")
    Order.objects.filter(pk=order.pk).update(review_due=PAST)
    services.orders_escalate_overdue()
    services.order_publish(actor=personas.station_staff, order=fresh(order))
    Order.objects.filter(pk=order.pk).update(claim_due=PAST)
    assert services.orders_escalate_overdue() == 1
    o = fresh(order)
    assert o.escalation_level == 2 and o.escalated_to == personas.root
    assert Whistle.objects.filter(order=o, reason="claim").exists()


def test_completion_overdue_and_finished_orders_left_alone(personas: Any) -> None:
    running = walk(personas, "in_service")
    closed = walk(personas, "closed")
    Order.objects.filter(pk__in=[running.pk, closed.pk]).update(complete_due=PAST, review_due=PAST)
    assert services.orders_escalate_overdue() == 1
    assert fresh(running).escalation_level == 1 and fresh(closed).escalation_level == 0


def test_worker_command_runs_the_periodic_jobs(personas: Any, settings: Any) -> None:
    settings.PERIODIC_JOBS = [
        ("civicloop.orders.services.orders_escalate_overdue", 300),
        ("civicloop.orders.services.orders_auto_rate", 3600),
        ("civicloop.notify.services.notify_deliver_pending", 10),
    ]
    order = walk(personas, "submitted")
    Order.objects.filter(pk=order.pk).update(review_due=PAST)
    call_command("worker", job="orders_escalate_overdue")
    assert fresh(order).escalation_level == 1


def test_manual_whistle_and_liaison_answer(personas: Any) -> None:
    order = walk(personas, "accepted")
    with pytest.raises(PermissionDenied):
        services.order_whistle(
            actor=personas.sibling, order=order, departments=[personas.department], note="x"
        )
    with pytest.raises(ValidationError):
        services.order_whistle(actor=personas.station_staff, order=order, departments=[], note="x")
    with pytest.raises(ValidationError):
        services.order_whistle(
            actor=personas.station_staff, order=order, departments=[personas.station_b], note="x"
        )
    with pytest.raises(ValidationError):
        services.order_whistle(
            actor=personas.station_staff, order=order, departments=[personas.department], note=""
        )
    assert not Whistle.objects.exists()
    w = services.order_whistle(
        actor=personas.station_staff, order=order, departments=[personas.department], note="老人需要上门诊疗"
    )
    o = fresh(order)
    assert o.escalation_level == 1 and o.escalated_to == personas.institute and o.status == "accepted"
    assert list(selectors.whistle_queue(personas.liaison)) == [w]
    from civicloop.orders.policies import can_view_order

    assert can_view_order(personas.liaison, o)
    for who in (personas.outsider, personas.sibling, personas.leader):
        with pytest.raises(PermissionDenied):
            services.whistle_answer(actor=who, whistle=w, answer="好")
    with pytest.raises(ValidationError):
        services.whistle_answer(actor=personas.liaison, whistle=w, answer=" ")
    services.whistle_answer(actor=personas.liaison, whistle=w, answer="周三安排医生上门")
    with pytest.raises(Conflict):
        services.whistle_answer(actor=personas.liaison, whistle=w, answer="再次")
    actions = list(OrderEvent.objects.filter(order=o).values_list("action", flat=True))
    assert actions[-2:] == ["whistle", "whistle_answer"]
    from civicloop.notify.models import Notification

    assert Notification.objects.filter(recipient=personas.liaison, kind="order_whistle").exists()
    assert Notification.objects.filter(
        recipient=personas.station_staff, kind="order_whistle_answered"
    ).exists()


def test_whistle_refused_on_finished_order(personas: Any) -> None:
    order = walk(personas, "closed")
    with pytest.raises(Conflict):
        services.order_whistle(
            actor=personas.station_staff, order=order, departments=[personas.department], note="x"
        )


def test_auto_rating_after_configured_days(personas: Any, settings: Any) -> None:
    served = walk(personas, "served")
    closed = walk(personas, "closed")
    rated = walk(personas, "served")
    services.order_rate(actor=personas.resident, order=rated, score=2)
    assert services.orders_auto_rate() == 0  # too early
    OrderReport.objects.update(updated_at=timezone.now() - dt.timedelta(days=8))
    assert services.orders_auto_rate() == 2
    for o in (served, closed):
        r = OrderRating.objects.get(order=o)
        assert r.automatic and r.score == 5 and r.rated_by is None
        assert OrderEvent.objects.get(order=o, action="rate").automatic
    assert OrderRating.objects.get(order=rated).score == 2
    assert services.orders_auto_rate() == 0  # idempotent
    # automatic ratings never land on the follow-up list
    assert not selectors.follow_up_orders(personas.station_staff).exists()


def test_auto_rating_days_configurable(personas: Any, settings: Any) -> None:
    settings.CIVICLOOP = {**settings.CIVICLOOP, "AUTO_RATING_DAYS": 2}
    walk(personas, "served")
    OrderReport.objects.update(updated_at=timezone.now() - dt.timedelta(days=3))
    assert services.orders_auto_rate() == 1
