"""Walk an order to a given state through the real services (shared by the orders-core tests)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from civicloop.orders import services
from civicloop.orders.models import Order, OrderAssignment, OrderAttendance


def submit(p: Any, **kw: Any) -> Order:
    values = {
        "actor": p.resident,
        "resident": p.resident_profile,
        "category": "health",
        "title": "上门量血压",
        "description": "老人腿脚不便，希望有人上门量血压",
    }
    values.update(kw)
    return services.order_submit(**values)


def walk(p: Any, state: str, **kw: Any) -> Order:
    """submitted → open → accepted (claimed by team A) → in_service → served → closed; or the side ends."""
    order = submit(p, **kw)
    if state == "submitted":
        return order
    if state == "rejected":
        return services.order_reject(actor=p.station_staff, order=order, reason="不属于服务范围")
    if state == "dispatched":
        return services.order_dispatch(actor=p.station_staff, order=order, team=p.team)
    services.order_publish(actor=p.station_staff, order=order)
    if state == "open":
        return order
    if state == "cancelled":
        return services.order_cancel(actor=p.resident, order=order, reason="不需要了")
    services.order_claim(actor=p.leader, order=order, team=p.team)
    if state == "accepted":
        return order
    services.order_assign(actor=p.leader, order=order, volunteers=[p.volunteer_profile])
    services.order_check_in(actor=p.volunteer, order=order, lat=40.63, lng=109.81)
    if state == "in_service":
        return order
    time_passes(order)
    services.order_check_out(actor=p.volunteer, order=order)
    services.order_report(
        actor=p.leader,
        order=order,
        summary="测量血压，讲解用药",
        people_served=1,
        hours={p.volunteer_profile.pk: Decimal("2.5")},
    )
    if state == "served":
        return order
    services.order_verify(actor=p.station_staff, order=order)
    assert state == "closed", state
    return order


def fresh(order: Order) -> Order:
    return Order.objects.get(pk=order.pk)


def time_passes(order: Order, minutes: int = 150) -> Order:
    """The volunteers on site checked in `minutes` ago (a test cannot wait): the open sessions' check-ins move
    back, so a check-out passes the minimum time and the report may credit up to that time."""
    back = timezone.now() - dt.timedelta(minutes=minutes)
    OrderAttendance.objects.filter(order=order, checked_out_at__isnull=True).update(checked_in_at=back)
    OrderAssignment.objects.filter(order=order, checked_in_at__isnull=False, checked_out_at__isnull=True).update(
        checked_in_at=back
    )
    services.policy.forget_assignments(order)
    return order
