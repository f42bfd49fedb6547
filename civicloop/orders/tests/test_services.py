"""Every allowed move by the right persona, every refusal by the wrong one; a refusal writes nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import override

from civicloop.core.exceptions import Conflict
from civicloop.notify.models import Notification
from civicloop.orders import selectors, services
from civicloop.orders.models import Order, OrderEvent, OrderNumberSequence, OrderRating, UnitDeadlines
from civicloop.orders.tests.factories import fresh, submit, time_passes, walk
from civicloop.records.models import ServiceRecord

pytestmark = pytest.mark.django_db
S = Order.Status


def snapshot(order: Order) -> tuple:
    o = fresh(order)
    return (
        o.status,
        o.version,
        o.team_id,
        o.unit_id,
        OrderEvent.objects.filter(order=o).count(),
        Notification.objects.count(),
        ServiceRecord.objects.count(),
        OrderRating.objects.count(),
    )


def refused(exc: type[Exception], fn: Any, order: Order, **kw: Any) -> str:
    before = snapshot(order)
    with override("zh-hans"), pytest.raises(exc) as info:
        fn(order=order, **kw)
    assert snapshot(order) == before
    return str(getattr(info.value, "message", None) or info.value)


# --- 点单 ----------------------------------------------------------------------------------------------------


def test_resident_submits_order_with_number_deadline_and_event(personas: Any) -> None:
    order = submit(personas)
    today = timezone.localdate().strftime("%Y%m%d")
    assert order.number == f"KD-{today}-{personas.station.pk:04d}-0001"  # the station's first of the day
    assert order.status == S.SUBMITTED and order.unit == personas.station
    assert order.unit_path == personas.station.path and order.channel == "online"
    assert (
        order.address == "万和阳光社区3栋2单元501"
    )  # the resident's own address by default, stored encrypted
    assert order.review_due > timezone.now() + dt.timedelta(hours=23)
    assert submit(personas).number == f"KD-{today}-{personas.station.pk:04d}-0002"
    ev = OrderEvent.objects.get(order=order)
    assert (ev.action, ev.from_status, ev.to_status, ev.actor) == (
        "submit",
        "",
        S.SUBMITTED,
        personas.resident,
    )
    # station staff are told
    assert Notification.objects.filter(recipient=personas.station_staff, order=order).exists()


def test_each_station_numbers_its_own_orders(personas: Any) -> None:
    """Two stations' submissions never share a counter row (so they never wait on each other's lock)."""
    from civicloop.people import services as people

    neighbour = people.resident_register(
        username="resident_b", password="Kundulun-2019", name="李四", phone="13912345678", unit=personas.station_b,
        consent=True,
    )
    today = timezone.localdate().strftime("%Y%m%d")
    here, there = submit(personas), submit(personas, actor=neighbour.user, resident=neighbour)
    assert here.number == f"KD-{today}-{personas.station.pk:04d}-0001"
    assert there.number == f"KD-{today}-{personas.station_b.pk:04d}-0001" and there.unit == personas.station_b
    assert OrderNumberSequence.objects.filter(prefix__startswith=f"KD-{today}-").count() == 2


def test_address_is_encrypted_at_rest(personas: Any) -> None:
    from django.db import connection

    order = submit(personas)
    with connection.cursor() as cur:
        cur.execute("select address from orders_order where id = %s", [order.pk])
        raw = cur.fetchone()[0]
    assert "万和" not in raw


def test_staff_enter_order_for_resident_and_sibling_cannot(personas: Any) -> None:
    order = services.order_submit(
        actor=personas.station_staff,
        resident=personas.resident_profile,
        category="lecture",
        title="政策宣讲",
        description="",
        channel="phone",
    )
    assert order.channel == "phone" and order.entered_by == personas.station_staff
    assert Notification.objects.filter(recipient=personas.resident, order=order).exists()
    for who in (personas.sibling, personas.outsider, personas.leader):
        with pytest.raises(PermissionDenied):
            services.order_submit(
                actor=who, resident=personas.resident_profile, category="lecture", title="x", description=""
            )
    assert Order.objects.count() == 1


@pytest.mark.parametrize(
    ("kw", "text"),
    [
        ({"category": "cooking"}, "六大平台"),
        ({"title": "  "}, "标题"),
        ({"title": "长" * 101}, "太长"),
        ({"beneficiaries": 0}, "1"),
        ({"beneficiaries": "x"}, "整数"),
        ({"focus_group": "rich"}, "重点人群"),
        ({"lat": 40.0}, "经度"),
        ({"lat": 100.0, "lng": 10.0}, "坐标"),
        (
            {
                "wanted_from": timezone.now() + dt.timedelta(days=2),
                "wanted_to": timezone.now() + dt.timedelta(days=1),
            },
            "结束",
        ),
        ({"wanted_to": timezone.now() - dt.timedelta(days=1)}, "已经过去"),
    ],
)
def test_submit_bad_input_is_refused_with_chinese_message(personas: Any, kw: dict, text: str) -> None:
    with override("zh-hans"), pytest.raises(ValidationError) as info:
        submit(personas, **kw)
    assert text in " ".join(info.value.messages)
    assert Order.objects.count() == 0 and OrderEvent.objects.count() == 0


def test_deadlines_inherit_from_nearest_ancestor(personas: Any) -> None:
    UnitDeadlines.objects.create(unit=personas.institute, review_hours=2, claim_hours=3, complete_hours=4)
    order = submit(personas)
    assert order.review_due < timezone.now() + dt.timedelta(hours=2, minutes=1)
    UnitDeadlines.objects.create(unit=personas.station, review_hours=10)
    order = submit(personas)
    assert order.review_due > timezone.now() + dt.timedelta(hours=9)


# --- 梳理 ----------------------------------------------------------------------------------------------------


def test_publish_withdraw_by_station_and_institute_staff(personas: Any) -> None:
    order = submit(personas)
    services.order_publish(actor=personas.station_staff, order=order)
    assert fresh(order).status == S.OPEN and fresh(order).claim_due is not None
    assert Notification.objects.filter(recipient=personas.leader, kind="order_published").exists()
    services.order_withdraw(actor=personas.institute_staff, order=order)
    assert fresh(order).status == S.SUBMITTED
    assert list(OrderEvent.objects.filter(order=order).values_list("action", flat=True)) == [
        "submit",
        "publish",
        "withdraw",
    ]


@pytest.mark.parametrize(
    "who", ["sibling", "leader", "volunteer", "resident", "outsider", "liaison", "auditor"]
)
def test_staff_moves_refused_for_everyone_else(personas: Any, who: str) -> None:
    order = submit(personas)
    actor = getattr(personas, who)
    with override("zh-hans"):
        msg = refused(PermissionDenied, lambda **kw: services.order_publish(actor=actor, **kw), order)
    assert "权限" in msg
    refused(PermissionDenied, lambda **kw: services.order_reject(actor=actor, reason="x", **kw), order)
    refused(
        PermissionDenied, lambda **kw: services.order_dispatch(actor=actor, team=personas.team, **kw), order
    )
    refused(
        PermissionDenied,
        lambda **kw: services.order_reroute(actor=actor, unit=personas.station_b, reason="x", **kw),
        order,
    )


def test_reject_requires_reason_and_resident_sees_it(personas: Any) -> None:
    order = submit(personas)
    msg = refused(
        ValidationError,
        lambda **kw: services.order_reject(actor=personas.station_staff, reason=" ", **kw),
        order,
    )
    assert "原因" in msg
    services.order_reject(actor=personas.station_staff, order=order, reason="不在服务范围")
    o = fresh(order)
    assert o.status == S.REJECTED and o.reject_reason == "不在服务范围"
    n = Notification.objects.get(recipient=personas.resident, kind="order_rejected")
    assert n.body == "不在服务范围"


def test_reroute_sideways_and_up(personas: Any) -> None:
    order = submit(personas)
    services.order_reroute(
        actor=personas.station_staff, order=order, unit=personas.station_b, reason="属河西村"
    )
    o = fresh(order)
    assert o.status == S.SUBMITTED and o.unit == personas.station_b and o.unit_path == personas.station_b.path
    # the first station no longer sees it; the sibling now does
    assert not selectors.staff_queue(personas.station_staff).filter(pk=o.pk).exists()
    assert selectors.staff_queue(personas.sibling).filter(pk=o.pk).exists()
    services.order_reroute(actor=personas.sibling, order=o, unit=personas.institute, reason="需所协调")
    assert fresh(o).unit == personas.institute
    # departments are not practice units; the same unit is refused
    refused(
        ValidationError,
        lambda **kw: services.order_reroute(
            actor=personas.institute_staff, unit=personas.department, reason="x", **kw
        ),
        fresh(o),
    )


def test_merge_into_duplicate(personas: Any) -> None:
    a = submit(personas)
    b = submit(personas)
    refused(ValidationError, lambda **kw: services.order_merge(actor=personas.station_staff, into=b, **kw), b)
    services.order_merge(actor=personas.station_staff, order=b, into=a)
    o = fresh(b)
    assert o.status == S.CANCELLED and o.merged_into == a


def test_dispatch_accept_decline(personas: Any) -> None:
    order = submit(personas)
    refused(
        ValidationError,
        lambda **kw: services.order_dispatch(actor=personas.station_staff, team=personas.team_b, **kw),
        order,
    )
    services.order_dispatch(actor=personas.station_staff, order=order, team=personas.team)
    assert fresh(order).status == S.DISPATCHED
    refused(
        PermissionDenied, lambda **kw: services.order_accept(actor=personas.volunteer, **kw), fresh(order)
    )
    msg = refused(
        ValidationError,
        lambda **kw: services.order_decline(actor=personas.leader, reason="", **kw),
        fresh(order),
    )
    assert "原因" in msg
    services.order_decline(actor=personas.leader, order=fresh(order), reason="人手不足")
    o = fresh(order)
    assert o.status == S.SUBMITTED and o.team is None
    services.order_dispatch(actor=personas.station_staff, order=o, team=personas.team)
    services.order_accept(actor=personas.leader, order=fresh(o))
    o = fresh(o)
    assert o.status == S.ACCEPTED and o.complete_due is not None


# --- 领单 ----------------------------------------------------------------------------------------------------


def test_claim_and_release_and_second_claim(personas: Any) -> None:
    order = walk(personas, "open")
    services.order_claim(actor=personas.leader, order=fresh(order), team=personas.team)
    o = fresh(order)
    assert o.status == S.ACCEPTED and o.team == personas.team
    with override("zh-hans"):
        msg = refused(
            Conflict, lambda **kw: services.order_claim(actor=personas.leader, team=personas.team, **kw), o
        )
    assert "已被" in msg
    refused(ValidationError, lambda **kw: services.order_release(actor=personas.leader, reason="", **kw), o)
    services.order_release(actor=personas.leader, order=o, reason="队员临时有事")
    o = fresh(o)
    assert o.status == S.OPEN and o.team is None
    services.order_claim(actor=personas.leader, order=o, team=personas.team)
    assert fresh(o).status == S.ACCEPTED


def test_claim_refused_for_wrong_team_area_or_platform(personas: Any) -> None:
    order = walk(personas, "open")
    b_leader = personas.team_b.leader
    msg = refused(
        PermissionDenied, lambda **kw: services.order_claim(actor=b_leader, team=personas.team_b, **kw), order
    )
    assert "区域" in msg or "平台" in msg
    refused(
        PermissionDenied, lambda **kw: services.order_claim(actor=b_leader, team=personas.team, **kw), order
    )
    refused(
        PermissionDenied,
        lambda **kw: services.order_claim(actor=personas.station_staff, team=personas.team, **kw),
        order,
    )
    culture = walk(personas, "open", category="culture")
    refused(
        PermissionDenied,
        lambda **kw: services.order_claim(actor=personas.leader, team=personas.team, **kw),
        culture,
    )


def test_claim_refused_over_capacity(personas: Any) -> None:
    personas.team.capacity = 1
    personas.team.save()
    walk(personas, "accepted")
    order = walk(personas, "open")
    msg = refused(
        Conflict, lambda **kw: services.order_claim(actor=personas.leader, team=personas.team, **kw), order
    )
    assert "上限" in msg or "能承接" in msg


def test_team_serves_subtree_of_served_unit(personas: Any) -> None:
    from civicloop.people.models import Resident

    point_resident = Resident.objects.create(name="李四", unit=personas.point, unit_path=personas.point.path)
    order = services.order_submit(
        actor=personas.station_staff, resident=point_resident, category="health", title="义诊", description=""
    )
    services.order_publish(actor=personas.station_staff, order=order)
    assert selectors.hall(personas.leader, personas.team).filter(pk=order.pk).exists()
    services.order_claim(actor=personas.leader, order=fresh(order), team=personas.team)


# --- 服务 ----------------------------------------------------------------------------------------------------


def test_assign_check_in_out_report(personas: Any) -> None:
    order = walk(personas, "accepted")
    from civicloop.people.models import Volunteer

    refused(
        ValidationError, lambda **kw: services.order_assign(actor=personas.leader, volunteers=[], **kw), order
    )
    stranger = Volunteer.objects.create(
        user=personas.outsider, number="V-X", home_unit=personas.station_b, unit_path=personas.station_b.path
    )
    refused(
        ValidationError,
        lambda **kw: services.order_assign(actor=personas.leader, volunteers=[stranger], **kw),
        order,
    )
    refused(
        PermissionDenied,
        lambda **kw: services.order_assign(
            actor=personas.station_staff, volunteers=[personas.volunteer_profile], **kw
        ),
        order,
    )
    services.order_assign(actor=personas.leader, order=order, volunteers=[personas.volunteer_profile])
    assert Notification.objects.filter(recipient=personas.volunteer, kind="order_assigned").exists()
    refused(
        PermissionDenied, lambda **kw: services.order_check_in(actor=personas.outsider, **kw), fresh(order)
    )
    refused(
        ValidationError,
        lambda **kw: services.order_check_in(actor=personas.volunteer, lat=91, lng=0, **kw),
        fresh(order),
    )
    services.order_check_in(actor=personas.volunteer, order=fresh(order), lat=40.63, lng=109.81)
    o = fresh(order)
    assert o.status == S.IN_SERVICE
    a = o.assignments.get()
    assert a.checked_in_at is not None and a.check_lat == 40.63
    refused(Conflict, lambda **kw: services.order_check_in(actor=personas.volunteer, **kw), o)
    refused(Conflict, lambda **kw: services.order_check_out(actor=personas.volunteer, **kw), o)  # too soon
    time_passes(o)
    services.order_check_out(actor=personas.volunteer, order=o)
    assert o.assignments.get().checked_out_at is not None
    refused(Conflict, lambda **kw: services.order_check_out(actor=personas.volunteer, **kw), fresh(o))
    for bad in (
        {personas.volunteer_profile.pk: "0"},
        {personas.volunteer_profile.pk: "25"},
        {stranger.pk: "1"},
        {},
    ):
        refused(
            ValidationError,
            lambda bad=bad, **kw: services.order_report(
                actor=personas.leader, summary="ok", people_served=1, hours=bad, **kw
            ),
            fresh(o),
        )
    refused(
        PermissionDenied,
        lambda **kw: services.order_report(
            actor=personas.volunteer,
            summary="ok",
            people_served=1,
            hours={personas.volunteer_profile.pk: 1},
            **kw,
        ),
        fresh(o),
    )
    services.order_report(
        actor=personas.leader,
        order=fresh(o),
        summary="量血压",
        people_served=2,
        hours={personas.volunteer_profile.pk: "1.5"},
    )
    o = fresh(o)
    assert o.status == S.SERVED and o.report.hours.get().hours == Decimal("1.50")
    assert ServiceRecord.objects.count() == 0  # no hours before verification


# --- 评单 / 验单 ---------------------------------------------------------------------------------------------


def test_rate_once_by_requester_only(personas: Any) -> None:
    order = walk(personas, "served")
    for who in (personas.station_staff, personas.leader, personas.outsider):
        refused(PermissionDenied, lambda who=who, **kw: services.order_rate(actor=who, score=5, **kw), order)
    refused(ValidationError, lambda **kw: services.order_rate(actor=personas.resident, score=6, **kw), order)
    rating = services.order_rate(
        actor=personas.resident, order=order, score=4, tags=["准时", "耐心"], comment="很好"
    )
    assert rating.score == 4 and not rating.automatic and rating.tags == ["准时", "耐心"]
    msg = refused(Conflict, lambda **kw: services.order_rate(actor=personas.resident, score=5, **kw), order)
    assert "已经评价" in msg


def test_rate_refused_before_service(personas: Any) -> None:
    order = walk(personas, "accepted")
    refused(Conflict, lambda **kw: services.order_rate(actor=personas.resident, score=5, **kw), order)


def test_verify_credits_hours_once_and_closes(personas: Any) -> None:
    order = walk(personas, "served")
    refused(PermissionDenied, lambda **kw: services.order_verify(actor=personas.sibling, **kw), order)
    refused(PermissionDenied, lambda **kw: services.order_verify(actor=personas.leader, **kw), order)
    services.order_verify(actor=personas.institute_staff, order=order, note="属实")
    o = fresh(order)
    assert o.status == S.CLOSED and o.closed_at is not None
    rec = ServiceRecord.objects.get()
    assert (rec.volunteer, rec.hours, rec.source, rec.source_id, rec.unit) == (
        personas.volunteer_profile,
        Decimal("2.50"),
        "order",
        o.pk,
        personas.station,
    )
    refused(Conflict, lambda **kw: services.order_verify(actor=personas.station_staff, **kw), o)
    assert Notification.objects.filter(recipient=personas.volunteer, kind="order_hours").exists()


def test_return_for_rework_then_new_report_supersedes(personas: Any) -> None:
    order = walk(personas, "served")
    refused(
        ValidationError,
        lambda **kw: services.order_return(actor=personas.station_staff, reason="", **kw),
        order,
    )
    services.order_return(actor=personas.station_staff, order=order, reason="时长不对")
    o = fresh(order)
    assert o.status == S.ACCEPTED
    services.order_check_in(actor=personas.leader, order=o)
    services.order_report(
        actor=personas.leader,
        order=fresh(o),
        summary="补充",
        people_served=1,
        hours={personas.volunteer_profile.pk: 1},
    )
    services.order_verify(actor=personas.station_staff, order=fresh(o))
    assert ServiceRecord.objects.get().hours == Decimal("1.00")


def test_low_rating_on_closed_order_goes_to_follow_up(personas: Any) -> None:
    order = walk(personas, "closed")
    assert not selectors.follow_up_orders(personas.station_staff).exists()
    services.order_rate(actor=personas.resident, order=order, score=2, comment="迟到")
    assert list(selectors.follow_up_orders(personas.station_staff)) == [fresh(order)]
    assert not selectors.follow_up_orders(personas.sibling).exists()


# --- cancel --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("state", ["submitted", "open", "dispatched", "accepted"])
def test_requester_or_staff_cancel_before_service(personas: Any, state: str) -> None:
    order = walk(personas, state)
    refused(PermissionDenied, lambda **kw: services.order_cancel(actor=personas.sibling, **kw), order)
    refused(PermissionDenied, lambda **kw: services.order_cancel(actor=personas.leader, **kw), order)
    services.order_cancel(actor=personas.resident, order=fresh(order), reason="改期")
    assert fresh(order).status == S.CANCELLED


@pytest.mark.parametrize("state", ["in_service", "served", "closed", "rejected", "cancelled"])
def test_cancel_refused_once_service_started_or_finished(personas: Any, state: str) -> None:
    order = walk(personas, state)
    msg = refused(
        Conflict, lambda **kw: services.order_cancel(actor=personas.station_staff, **kw), fresh(order)
    )
    assert "不能" in msg or "无法" in msg


# --- wrong state for each move -------------------------------------------------------------------------------

WRONG_STATE = [
    ("publish", "open", lambda p: {"actor": p.station_staff}),
    ("withdraw", "submitted", lambda p: {"actor": p.station_staff}),
    ("dispatch", "accepted", lambda p: {"actor": p.station_staff, "team": p.team}),
    ("reroute", "open", lambda p: {"actor": p.station_staff, "unit": p.station_b, "reason": "x"}),
    ("reject", "open", lambda p: {"actor": p.station_staff, "reason": "x"}),
    ("accept", "accepted", lambda p: {"actor": p.leader}),
    ("release", "in_service", lambda p: {"actor": p.leader, "reason": "x"}),
    (
        "report",
        "accepted",
        lambda p: {"actor": p.leader, "summary": "x", "people_served": 1, "hours": {1: 1}},
    ),
    ("verify", "in_service", lambda p: {"actor": p.station_staff}),
    ("return", "closed", lambda p: {"actor": p.station_staff, "reason": "x"}),
]


@pytest.mark.parametrize(("action", "state", "kwargs"), WRONG_STATE)
def test_wrong_state_is_conflict_and_writes_nothing(
    personas: Any, action: str, state: str, kwargs: Any
) -> None:
    order = walk(personas, state)
    fn = getattr(services, f"order_{action}")
    msg = refused(Conflict, lambda **kw: fn(**kwargs(personas), **kw), fresh(order))
    assert "不能" in msg or "已被" in msg


def test_stale_copy_is_refused(personas: Any) -> None:
    order = walk(personas, "submitted")
    stale = fresh(order)
    services.order_publish(actor=personas.station_staff, order=order)
    with pytest.raises(Conflict):
        services.order_reject(actor=personas.station_staff, order=stale, reason="x")
    assert fresh(order).status == S.OPEN


# --- notifications -------------------------------------------------------------------------------------------


def test_failed_transition_queues_nothing(personas: Any, django_capture_on_commit_callbacks: Any) -> None:
    order = submit(personas)
    before = Notification.objects.count()
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(PermissionDenied):
        services.order_reject(actor=personas.sibling, order=order, reason="x")
    assert Notification.objects.count() == before and callbacks == []


def test_notification_delivered_to_inbox_after_commit(
    personas: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from civicloop.notify.models import InboxItem
    from civicloop.notify.selectors import unread_count

    order = submit(personas)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.order_reject(actor=personas.station_staff, order=order, reason="重复")
    assert not InboxItem.objects.filter(user=personas.resident).exists()  # nothing before commit
    for cb in callbacks:
        cb()
    item = InboxItem.objects.get(user=personas.resident)
    assert item.url == f"/orders/{order.number}/" and unread_count(personas.resident) == 1
    assert Notification.objects.get(pk=item.notification_id).delivered_at is not None


# --- access: who sees the order and which actions each viewer is offered ----------------------------------

OFFERED = {
    "submitted": {
        "station_staff": {"publish", "dispatch", "reroute", "merge", "reject", "cancel", "whistle"},
        "resident": {"cancel"},
        "leader": set(),
        "sibling": set(),
        "outsider": set(),
    },
    "open": {
        "station_staff": {"withdraw", "dispatch", "cancel", "whistle"},
        "leader": {"claim"},
        "leader_b": set(),
        "resident": {"cancel"},
    },
    "accepted": {"leader": {"assign", "check_in", "release"}, "resident": {"cancel"}, "volunteer": set()},
    "in_service": {"leader": {"assign", "report"}, "volunteer": {"check_out"}, "resident": set()},
    "served": {"station_staff": {"verify", "return", "whistle"}, "resident": {"rate"}, "leader": set()},
    "closed": {"station_staff": set(), "resident": {"rate"}, "volunteer": set()},
}


@pytest.mark.parametrize("state", list(OFFERED))
def test_allowed_actions_per_viewer(personas: Any, state: str) -> None:
    from civicloop.orders.policies import allowed_actions

    order = fresh(walk(personas, state))
    for who, expected in OFFERED[state].items():
        actor = personas.team_b.leader if who == "leader_b" else getattr(personas, who)
        assert allowed_actions(actor, order) == expected, (state, who)


def test_visibility_and_masking(personas: Any) -> None:
    from civicloop.orders.policies import can_see_order_details, can_view_order, visible_orders

    order = fresh(walk(personas, "open"))
    seen = {
        name: visible_orders(getattr(personas, name)).filter(pk=order.pk).exists()
        for name in (
            "station_staff",
            "institute_staff",
            "office",
            "resident",
            "leader",
            "sibling",
            "outsider",
            "liaison",
        )
    }
    assert seen == {
        "station_staff": True,
        "institute_staff": True,
        "office": True,
        "resident": True,
        "leader": True,  # in the hall
        "sibling": False,
        "outsider": False,
        "liaison": False,
    }
    assert not visible_orders(personas.team_b.leader).filter(pk=order.pk).exists()
    assert can_view_order(personas.leader, order) and not can_see_order_details(personas.leader, order)
    services.order_claim(actor=personas.leader, order=order, team=personas.team)
    assert can_see_order_details(personas.leader, fresh(order))
    assert not can_view_order(personas.team_b.leader, fresh(order))
