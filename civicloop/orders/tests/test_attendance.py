"""Honest attendance (issue #13): the check-in window and distance, the confirmed check-out with a minimum time,
a rework session with its own check-in and check-out, and report hours bounded by attendance — in the services
and in their API twins, with the messages people read."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import override

from civicloop.core.exceptions import Conflict
from civicloop.orders import services
from civicloop.orders.models import Order, OrderAttendance, OrderEvent, OrderReportHours
from civicloop.orders.tests.factories import fresh, submit, time_passes, walk
from civicloop.people import services as people
from civicloop.records.models import ServiceRecord
from conftest import PASSWORD, token_for

pytestmark = pytest.mark.django_db
S = Order.Status


def accepted(p: Any, **kw: Any) -> Order:
    """An order team A accepted, the volunteer assigned (service time and position as given)."""
    order = submit(p, **kw)
    services.order_publish(actor=p.station_staff, order=order)
    services.order_claim(actor=p.leader, order=order, team=p.team)
    services.order_assign(actor=p.leader, order=order, volunteers=[p.volunteer_profile])
    return fresh(order)


def slot(start: dt.timedelta, hours: int = 2) -> dict[str, dt.datetime]:
    begin = timezone.now() + start
    return {"wanted_from": begin, "wanted_to": begin + dt.timedelta(hours=hours)}


def refused(exc: type[Exception], fn: Any) -> str:
    with override("zh-hans"), pytest.raises(exc) as info:
        fn()
    return str(getattr(info.value, "message", None) or info.value)


def nothing_written(order: Order) -> None:
    o = fresh(order)
    assert o.status == S.ACCEPTED
    assert not OrderAttendance.objects.filter(order=o).exists()
    assert o.assignments.get().checked_in_at is None


# --- the window around the service time --------------------------------------------------------------------


def test_check_in_two_days_early_is_refused_with_the_time_it_opens(personas: Any) -> None:
    order = accepted(personas, **slot(dt.timedelta(days=2)))
    opens = timezone.localtime(order.wanted_from - dt.timedelta(minutes=60))
    msg = refused(Conflict, lambda: services.order_check_in(actor=personas.volunteer, order=order))
    assert msg.startswith("还未到签到时间：服务时间为")
    assert f"可在 {opens:%Y-%m-%d %H:%M} 之后签到" in msg
    nothing_written(order)


def test_check_in_after_the_window_is_refused(personas: Any) -> None:
    order = accepted(personas, **slot(dt.timedelta(hours=1)))
    # the slot was yesterday morning (history written directly: a resident cannot order a time in the past)
    Order.objects.filter(pk=order.pk).update(**slot(-dt.timedelta(days=1)))
    msg = refused(Conflict, lambda: services.order_check_in(actor=personas.volunteer, order=fresh(order)))
    assert msg.startswith("已过签到时间") and "请联系实践站" in msg
    nothing_written(order)


def test_check_in_inside_the_window_and_a_configured_window(personas: Any, settings: Any) -> None:
    order = accepted(personas, **slot(dt.timedelta(minutes=50)))
    services.order_check_in(actor=personas.volunteer, order=order)
    assert fresh(order).status == S.IN_SERVICE
    # a station that wants volunteers no earlier than 30 minutes before
    settings.CIVICLOOP = {**settings.CIVICLOOP, "CHECKIN_WINDOW_MINUTES": (-30, 60)}
    other = accepted(personas, title="再量一次", **slot(dt.timedelta(minutes=50)))
    refused(Conflict, lambda: services.order_check_in(actor=personas.volunteer, order=other))
    nothing_written(other)


def test_an_order_without_a_service_time_has_no_window(personas: Any) -> None:
    order = accepted(personas)
    services.order_check_in(actor=personas.volunteer, order=order)
    assert fresh(order).status == S.IN_SERVICE


# --- the distance ------------------------------------------------------------------------------------------


def test_check_in_far_from_the_order_is_refused_near_or_without_a_position_accepted(personas: Any) -> None:
    order = accepted(personas, lat=40.6500, lng=109.8400)
    msg = refused(
        ValidationError, lambda: services.order_check_in(actor=personas.volunteer, order=order, lat=40.67, lng=109.84)
    )
    assert "您距服务地点约 2224 米" in msg and "500 米以内" in msg
    nothing_written(order)
    services.order_check_in(actor=personas.volunteer, order=fresh(order), lat=40.6510, lng=109.8405)
    row = OrderAttendance.objects.get(order=order)
    assert (row.lat, row.lng, row.session) == (40.6510, 109.8405, 1)
    # the phone gave no position: no distance check (the page asks the browser, which may say no)
    other = accepted(personas, title="再量一次", lat=40.65, lng=109.84)
    services.order_check_in(actor=personas.volunteer, order=other)
    assert fresh(other).status == S.IN_SERVICE


# --- check-out ---------------------------------------------------------------------------------------------


def test_check_out_right_after_check_in_is_refused(personas: Any) -> None:
    order = accepted(personas)
    services.order_check_in(actor=personas.volunteer, order=order)
    msg = refused(Conflict, lambda: services.order_check_out(actor=personas.volunteer, order=fresh(order)))
    assert "服务满 10 分钟后才能签退" in msg
    assert fresh(order).assignments.get().checked_out_at is None
    assert OrderAttendance.objects.get(order=order).checked_out_at is None
    time_passes(order, minutes=11)
    services.order_check_out(actor=personas.volunteer, order=fresh(order))
    assert OrderAttendance.objects.get(order=order).checked_out_at is not None


# --- a rework session is its own attendance ----------------------------------------------------------------


def test_returned_for_rework_the_volunteer_checks_in_and_out_again(personas: Any) -> None:
    order = walk(personas, "served")  # checked in, 150 minutes, checked out, 2.5 h reported
    services.order_return(actor=personas.station_staff, order=fresh(order), reason="请补充服务照片")
    o = fresh(order)
    assert o.status == S.ACCEPTED and o.assignments.get().checked_in_at is None
    # the team cannot release or the resident cancel an order that was served once
    refused(Conflict, lambda: services.order_release(actor=personas.leader, order=fresh(order), reason="忙"))
    services.order_check_in(actor=personas.volunteer, order=fresh(order))  # no window: the rework has no slot
    time_passes(order, minutes=40)
    services.order_check_out(actor=personas.volunteer, order=fresh(order))  # was 409 "already checked out"
    sessions = list(OrderAttendance.objects.filter(order=order).values_list("session", "checked_out_at"))
    assert [s for s, _out in sessions] == [1, 2] and all(out is not None for _s, out in sessions)
    assert fresh(order).assignments.get().sessions == 2
    # the hours may now cover both sessions: 150 + 40 minutes, plus the half-hour tolerance
    vid = personas.volunteer_profile.pk
    msg = refused(
        ValidationError,
        lambda: services.order_report(
            actor=personas.leader, order=fresh(order), summary="补充", people_served=1, hours={vid: "4"}
        ),
    )
    assert "刘志愿 签到至签退共 3.17 小时，最多可记 3.67 小时" in msg
    services.order_report(
        actor=personas.leader, order=fresh(order), summary="补充", people_served=1, hours={vid: "3.5"}
    )
    services.order_verify(actor=personas.station_staff, order=fresh(order))
    assert ServiceRecord.objects.get(volunteer=personas.volunteer_profile).hours == Decimal("3.5")


# --- the bounds on credited hours and people ---------------------------------------------------------------


def test_report_cannot_credit_more_than_attended_nor_people_who_did_not_check_in(personas: Any) -> None:
    member_user = people.user_create(username="member", password=PASSWORD, full_name="孙队员")
    member = people.volunteer_register(user=member_user, home_unit=personas.station, categories=["health"],
                                       consent=True)
    people.team_add_member(team=personas.team, volunteer=member)
    leader_profile = people.volunteer_register(user=personas.leader, home_unit=personas.station,
                                               categories=["health"], consent=True)
    people.team_add_member(team=personas.team, volunteer=leader_profile)
    order = accepted(personas)
    # the leader is assigned but never checks in; the member is on the team, never assigned
    services.order_assign(actor=personas.leader, order=order, volunteers=[personas.volunteer_profile, leader_profile])
    services.order_check_in(actor=personas.volunteer, order=fresh(order))
    vid = personas.volunteer_profile.pk

    def report(hours: dict[int, str]) -> Any:
        return lambda: services.order_report(
            actor=personas.leader, order=fresh(order), summary="量血压", people_served=1, hours=hours
        )

    # checked in a moment ago: 24 h is refused
    assert "最多可记 0.5 小时" in refused(ValidationError, report({vid: "24"}))
    time_passes(order, minutes=90)
    assert "最多可记 2 小时" in refused(ValidationError, report({vid: "2.5"}))
    for nobody in (member.pk, leader_profile.pk):
        msg = refused(ValidationError, report({vid: "1.5", nobody: "8"}))
        assert msg == "只能为本单签到过的志愿者记录时长。"
    assert "至少为一名签到过的志愿者" in refused(ValidationError, report({leader_profile.pk: "0"}))
    assert fresh(order).status == S.IN_SERVICE and not OrderReportHours.objects.exists()
    # within attended time + tolerance; the leader's 0 means "not credited"
    services.order_report(**{"actor": personas.leader, "order": fresh(order), "summary": "量血压",
                             "people_served": 1, "hours": {vid: "2", leader_profile.pk: "0"}})
    assert dict(OrderReportHours.objects.values_list("volunteer_id", "hours")) == {vid: Decimal("2")}


def test_the_report_form_is_prefilled_from_check_in_and_out(client: Any, personas: Any) -> None:
    order = accepted(personas)
    services.order_check_in(actor=personas.volunteer, order=order)
    time_passes(order, minutes=100)  # 1 h 40 min → 1.5 h
    client.force_login(personas.leader)
    page = client.get(f"/orders/{order.number}/").content.decode()
    field = page.split(f'name="hours_{personas.volunteer_profile.pk}"')[1].split(">")[0]
    assert 'value="1.5"' in field and 'data-attended="1.5"' in field
    assert "共 1 小时 40 分钟" in page


# --- the API twins -----------------------------------------------------------------------------------------


def _api(client: Any, username: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token_for(client, username)}"}


def test_api_twins_refuse_with_the_same_messages(client: Any, personas: Any) -> None:
    early = accepted(personas, **slot(dt.timedelta(days=2)))
    vol = _api(client, "volunteer")
    leader = _api(client, "leader")
    zh = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}

    def post(path: str, body: dict[str, Any] | None, who: dict[str, str]) -> Any:
        return client.post(path, body or {}, content_type="application/json", **who, **zh)

    r = post(f"/api/orders/{early.number}/check-in", {}, vol)
    assert r.status_code == 409 and r.json()["detail"].startswith("还未到签到时间")
    nothing_written(early)
    near = accepted(personas, title="量血压二", lat=40.65, lng=109.84)
    r = post(f"/api/orders/{near.number}/check-in", {"lat": 40.70, "lng": 109.84}, vol)
    assert r.status_code == 400 and "您距服务地点约" in r.json()["detail"]
    assert post(f"/api/orders/{near.number}/check-in", {"lat": 40.65, "lng": 109.84}, vol).status_code == 200
    r = post(f"/api/orders/{near.number}/check-out", None, vol)
    assert r.status_code == 409 and "才能签退" in r.json()["detail"]
    r = post(f"/api/orders/{near.number}/report",
             {"summary": "量血压", "people_served": 1, "hours": {str(personas.volunteer_profile.pk): "8"}}, leader)
    assert r.status_code == 400 and "最多可记 0.5 小时" in r.json()["detail"]
    assert fresh(near).status == S.IN_SERVICE
    # someone else's order: the volunteer is not assigned, so the API refuses (and audits) as the page does
    other = accepted(personas, title="别人的单")
    outsider = _api(client, "outsider")
    assert post(f"/api/orders/{other.number}/check-in", {}, outsider).status_code == 403
    assert not OrderEvent.objects.filter(order=other, action="check_in").exists()


def test_the_api_detail_gives_the_attendance_a_report_would_prefill(client: Any, personas: Any) -> None:
    order = accepted(personas)
    services.order_check_in(actor=personas.volunteer, order=order)
    time_passes(order, minutes=100)
    r = client.get(f"/api/orders/{order.number}", **_api(client, "leader"))
    (row,) = r.json()["attendance"]
    assert row["volunteer_id"] == personas.volunteer_profile.pk and len(row["sessions"]) == 1
    assert Decimal(row["suggested_hours"]) == Decimal("1.5") and Decimal(row["max_hours"]) == Decimal("2.17")
    # outside the order: refused, as for every detail
    assert client.get(f"/api/orders/{order.number}", **_api(client, "outsider")).status_code == 403
