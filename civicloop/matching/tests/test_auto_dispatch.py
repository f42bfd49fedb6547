"""Automatic dispatch: off by default, picks the best free team, says so on the timeline, moves on after a decline."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from civicloop.matching.models import AutoDispatch
from civicloop.matching.services import auto_dispatch_due, auto_dispatch_rule, team_index_refresh
from civicloop.matching.tests import factories as f
from civicloop.orders import services as orders
from civicloop.orders.models import Order, OrderEvent, UnitDeadlines

pytestmark = pytest.mark.django_db


def submitted(personas, hours_ago: float = 5) -> Order:
    order = orders.order_submit(
        actor=personas.resident,
        resident=personas.resident_profile,
        category="health",
        title="上门量血压",
        description="老人行动不便",
    )
    Order.objects.filter(pk=order.pk).update(created_at=timezone.now() - dt.timedelta(hours=hours_ago))
    return Order.objects.get(pk=order.pk)


def test_off_by_default(personas):
    order = submitted(personas, hours_ago=100)
    assert auto_dispatch_due() == 0
    order.refresh_from_db()
    assert order.status == "submitted" and order.team is None


def test_unit_setting_is_inherited_from_the_nearest_ancestor(personas):
    UnitDeadlines.objects.create(unit=personas.institute, auto_dispatch=True, auto_dispatch_hours=3)
    UnitDeadlines.objects.create(unit=personas.station_b, auto_dispatch=False)
    assert auto_dispatch_rule(personas.point.path) == (True, 3)
    assert auto_dispatch_rule(personas.station_b.path)[0] is False
    assert auto_dispatch_rule(personas.root.path)[0] is False


def test_dispatches_to_the_best_team_then_the_next_after_a_decline(personas):
    UnitDeadlines.objects.create(unit=personas.station, auto_dispatch=True, auto_dispatch_hours=4)
    far_home = f.station(personas.institute, "远处站", 40.85, 110.05)
    second = f.team("远队", far_home, [personas.station], ["health"])
    f.team("文艺队", personas.station, [personas.station], ["culture"])  # wrong platform: never chosen
    team_index_refresh()
    young = submitted(personas, hours_ago=1)
    order = submitted(personas, hours_ago=5)

    assert auto_dispatch_due() == 1
    order.refresh_from_db()
    young.refresh_from_db()
    assert order.status == "dispatched" and order.team == personas.team
    assert young.status == "submitted"
    event = OrderEvent.objects.filter(order=order, action="dispatch").get()
    assert event.automatic and event.actor is None and "系统自动派单" in event.note
    assert auto_dispatch_due() == 0  # idempotent: nothing else is due

    orders.order_decline(actor=personas.leader, order=order, reason="人手不够")
    assert auto_dispatch_due() == 1
    order.refresh_from_db()
    assert order.status == "dispatched" and order.team == second
    assert list(
        AutoDispatch.objects.filter(order=order).values_list("team_id", flat=True).order_by("pk")
    ) == [
        personas.team.pk,
        second.pk,
    ]

    orders.order_decline(actor=second.leader, order=order, reason="太远")
    assert auto_dispatch_due() == 0  # nobody left who fits: it stays with the staff
    order.refresh_from_db()
    assert order.status == "submitted" and order.team is None


def test_skips_teams_without_room(personas):
    UnitDeadlines.objects.create(unit=personas.station, auto_dispatch=True, auto_dispatch_hours=1)
    f.held(personas, personas.team, personas.team.capacity)
    roomy = f.team("有空队", personas.station, [personas.station], ["health"])
    order = submitted(personas)
    assert auto_dispatch_due() == 1
    order.refresh_from_db()
    assert order.team == roomy
