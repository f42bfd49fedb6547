"""Honest check-in and hours, and the resident's own words, on a 390-px phone (issue #13). Each test asserts
what the person sees and saves screenshots (test-artifacts/)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from civicloop.orders import services
from civicloop.orders.models import Order, OrderAttendance, OrderEvent
from civicloop.orders.tests.factories import fresh, submit, time_passes, walk
from civicloop.orders.tests.test_browser_orders import click_and_wait, open_action, status_text

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def assigned(p: Any, start: dt.timedelta, **kw: Any) -> Order:
    """Team A holds the order, the volunteer is assigned; the service time starts `start` from now."""
    begin = timezone.now() + start
    order = submit(p, wanted_from=begin, wanted_to=begin + dt.timedelta(hours=2), **kw)
    services.order_publish(actor=p.station_staff, order=order)
    services.order_claim(actor=p.leader, order=order, team=p.team)
    services.order_assign(actor=p.leader, order=order, volunteers=[p.volunteer_profile])
    return fresh(order)


def messages(b: Any) -> str:
    return " ".join(b.page.locator(".msg").all_inner_texts())


def test_a_check_in_two_days_early_is_refused_with_the_time_it_opens(personas, phone):
    order = assigned(personas, dt.timedelta(days=2))
    phone.login("volunteer")
    phone.go("/orders/tasks/")
    click_and_wait(phone, f"li:has(a[href='/orders/{order.number}/']) button:has-text('签到')")
    opens = timezone.localtime(order.wanted_from - dt.timedelta(hours=1))
    text = messages(phone)
    assert "还未到签到时间：服务时间为" in text and f"可在 {opens:%Y-%m-%d %H:%M} 之后签到" in text
    phone.shot("attendance-01-check-in-too-early")
    o = fresh(order)
    assert o.status == "accepted" and o.assignments.get().checked_in_at is None
    assert not OrderAttendance.objects.filter(order=order).exists()


def test_double_tapping_check_in_does_not_check_out(personas, phone):
    order = assigned(personas, dt.timedelta(minutes=20))
    phone.login("volunteer")
    phone.go(f"/orders/{order.number}/")
    button = phone.page.locator("#action-check_in button[type=submit]")
    box = button.bounding_box()
    assert box is not None and box["height"] >= 44
    phone.shot("attendance-02-before-check-in")
    # a quick double tap, then (as an impatient thumb does) one more tap on the same spot on the next page
    with phone.page.expect_navigation():
        button.dblclick()
    phone.page.wait_for_load_state()
    phone.page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    phone.page.wait_for_timeout(300)  # a tap that posted would navigate; give it the chance to
    phone.page.wait_for_load_state()
    phone.shot("attendance-03-after-double-tap")
    assert "已签到" in phone.page.content()
    assert status_text(phone) == "服务中"
    o = fresh(order)
    assert o.assignments.get().checked_out_at is None
    assert list(OrderEvent.objects.filter(order=order).values_list("action", flat=True)).count("check_in") == 1
    assert not OrderEvent.objects.filter(order=order, action="check_out").exists()
    # 签退 is a separate step: unfold it, confirm, and it is refused until 10 minutes of service
    open_action(phone, "check_out")
    phone.page.check("#action-check_out input[name=confirm]")
    phone.shot("attendance-04-check-out-confirm")
    click_and_wait(phone, "#action-check_out button[type=submit]")
    assert "服务满 10 分钟后才能签退" in messages(phone)
    assert fresh(order).assignments.get().checked_out_at is None
    time_passes(order, minutes=45)
    open_action(phone, "check_out")
    phone.page.check("#action-check_out input[name=confirm]")
    click_and_wait(phone, "#action-check_out button[type=submit]")
    assert "已签退" in messages(phone)
    phone.shot("attendance-05-checked-out")
    assert fresh(order).assignments.get().checked_out_at is not None


def test_the_report_prefills_hours_from_check_in_and_shows_a_change(personas, phone):
    order = assigned(personas, dt.timedelta(minutes=20))
    services.order_check_in(actor=personas.volunteer, order=order)
    time_passes(order, minutes=100)
    services.order_check_out(actor=personas.volunteer, order=fresh(order))
    phone.login("leader")
    phone.go(f"/orders/{order.number}/")
    open_action(phone, "report")
    hours = phone.page.locator(f"#action-report input[name=hours_{personas.volunteer_profile.pk}]")
    assert hours.input_value() == "1.5"  # 1 h 40 min, to the half hour
    report = phone.page.locator("#action-report").inner_text()
    assert "共 1 小时 40 分钟" in report
    phone.shot("attendance-06-report-prefilled")
    hours.fill("3")
    assert phone.page.locator("#action-report .o-diff").inner_text() == "比签到记录多 1.5 小时"
    phone.page.fill("#action-report textarea[name=summary]", "为老人测量血压")
    phone.page.fill("#action-report input[name=people_served]", "1")
    phone.shot("attendance-07-report-changed")
    click_and_wait(phone, "#action-report button[type=submit]")
    assert "刘志愿 签到至签退共 1.67 小时，最多可记 2.17 小时" in phone.page.content()
    phone.shot("attendance-08-report-refused")
    assert fresh(order).status == "in_service"
    phone.page.fill(f"#action-report input[name=hours_{personas.volunteer_profile.pk}]", "2")
    click_and_wait(phone, "#action-report button[type=submit]")
    assert fresh(order).status == "served"
    assert fresh(order).report.hours.get().hours == 2


def test_the_resident_sees_what_happens_next_and_cancels_only_after_confirming(personas, phone):
    order = submit(personas, title="帮我修收音机")
    served = walk(personas, "served", title="上门量血压")
    phone.login("resident")
    phone.go(f"/orders/{order.number}/")
    assert status_text(phone) == "已提交"
    assert phone.page.locator("#next-step").inner_text().endswith("实践站正在安排志愿者")
    assert "期限" not in phone.page.content()
    assert not phone.page.locator("#action-cancel button[type=submit]").is_visible()  # no open red form
    phone.shot("attendance-09-resident-ordered")
    phone.page.click("#action-cancel summary")
    assert "确定取消这个点单吗？取消后志愿者不会上门。" in phone.page.locator("#action-cancel").inner_text()
    phone.shot("attendance-10-resident-cancel-confirm")
    click_and_wait(phone, "#action-cancel button[type=submit]")
    assert status_text(phone) == "已取消"
    assert phone.page.locator("#next-step").inner_text().endswith("这个点单已取消")
    assert fresh(order).status == "cancelled"
    phone.shot("attendance-11-resident-cancelled")
    # asked to rate: the badge says 请评价, not the staff's 待验单
    phone.go(f"/orders/{served.number}/")
    assert status_text(phone) == "请评价"
    assert "服务已完成，请评价本次服务" in phone.page.locator("#next-step").inner_text()
    assert "待验单" not in phone.page.content()
    phone.shot("attendance-12-resident-asked-to-rate")
    phone.go("/orders/mine/")
    listed = phone.page.locator(".o-list").inner_text()
    assert "请评价" in listed and "已取消" in listed and "待验单" not in listed
    phone.shot("attendance-13-resident-list")
