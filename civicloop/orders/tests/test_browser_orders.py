"""The loop in a real browser: four people on their own screens, then the hall with a release and a re-claim."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from civicloop.orders.models import Order, OrderEvent
from civicloop.orders.tests.factories import time_passes
from civicloop.people import services as people
from civicloop.records.models import ServiceRecord
from conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def open_action(b: Any, name: str) -> None:
    """Open the <details> of one action on the order page (it may already be open)."""
    details = b.page.locator(f"#action-{name}")
    if details.get_attribute("open") is None:
        details.locator("summary").click()


def click_and_wait(b: Any, selector: str) -> None:
    """Click a submit button or link and wait for the next page."""
    target = b.page.locator(selector).first
    try:
        with b.page.expect_navigation(timeout=5000):
            target.click()
    except PlaywrightTimeout:
        # Headless Chromium sometimes swallows the first click right after typing into a number field.
        with b.page.expect_navigation():
            target.click()


def submit_action(b: Any, name: str) -> None:
    click_and_wait(b, f"#action-{name} button[type=submit]")


def status_text(b: Any) -> str:
    return b.page.locator("#order-status").inner_text()


def test_the_whole_loop_as_four_people(personas, make_browser):
    resident = make_browser(390, 844)
    staff = make_browser(1280, 800)
    leader = make_browser(390, 844)
    volunteer = make_browser(390, 844)

    # 点单: the resident on a phone picks the health tile and says what and when.
    resident.login("resident")
    resident.go("/orders/new/")
    resident.shot("loop-01-resident-tiles")
    resident.page.click("a[data-platform=health]")
    resident.page.fill("input[name=title]", "帮我母亲量血压")
    day = timezone.localdate() + dt.timedelta(days=2)
    resident.page.fill("input[name=day]", day.isoformat())
    resident.page.check("input[name=day_part][value=pm]")
    resident.page.fill("input[name=beneficiaries]", "2")
    resident.shot("loop-02-resident-form")
    click_and_wait(resident, "button:has-text('提交点单')")
    order = Order.objects.get()
    assert resident.page.url.endswith(f"/orders/{order.number}/")
    assert "已提交给所在实践站" in resident.page.content()
    assert status_text(resident) == "已提交"  # the resident's words (the staff see 已点单)
    assert "实践站正在安排志愿者" in resident.page.content()
    resident.shot("loop-03-resident-ordered")

    # 派单: station staff find it in the queue and dispatch it to team A.
    staff.login("station")
    staff.go("/orders/queue/")
    assert order.number in staff.page.content()
    staff.shot("loop-04-staff-queue")
    click_and_wait(staff, f"a:has-text('{order.number}')")
    open_action(staff, "dispatch")
    staff.page.select_option("#action-dispatch select[name=team]", str(personas.team.pk))
    staff.shot("loop-05-staff-dispatch")
    submit_action(staff, "dispatch")
    assert "已派单" in staff.page.content()
    order.refresh_from_db()
    assert order.status == "dispatched" and order.team == personas.team

    # 接单: the leader accepts from "my tasks" and assigns the volunteer.
    leader.login("leader")
    leader.go("/orders/tasks/")
    leader.shot("loop-06-leader-tasks")
    click_and_wait(leader, "button:has-text('接单')")
    order.refresh_from_db()
    assert order.status == "accepted"
    leader.go(f"/orders/{order.number}/")
    open_action(leader, "assign")
    leader.page.check(f"#action-assign input[value='{personas.volunteer_profile.pk}']")
    submit_action(leader, "assign")
    assert "已指派志愿者" in leader.page.content()
    leader.shot("loop-07-leader-assigned")

    # 服务: the service day has come (check-in opens an hour before the slot); the volunteer checks in and,
    # after serving, out with big buttons on the phone.
    now = timezone.now()
    Order.objects.filter(pk=order.pk).update(wanted_from=now - dt.timedelta(minutes=5),
                                              wanted_to=now + dt.timedelta(hours=3))
    volunteer.login("volunteer")
    volunteer.go("/orders/tasks/")
    volunteer.shot("loop-08-volunteer-before")
    click_and_wait(volunteer, "button:has-text('签到')")
    assert "已签到" in volunteer.page.content()
    volunteer.shot("loop-09-volunteer-checked-in")
    time_passes(order)  # two and a half hours of service
    volunteer.page.click("summary:has-text('签退')")
    volunteer.page.check("input[name=confirm]")
    click_and_wait(volunteer, "button:has-text('确认签退')")
    assert "已签退" in volunteer.page.content()
    order.refresh_from_db()
    assert order.status == "in_service"

    # The leader files the report with the volunteer's hours.
    leader.go(f"/orders/{order.number}/")
    open_action(leader, "report")
    leader.page.fill("#action-report textarea[name=summary]", "为老人测量血压并讲解用药常识")
    leader.page.fill("#action-report input[name=people_served]", "2")
    leader.page.fill(f"#action-report input[name=hours_{personas.volunteer_profile.pk}]", "2.5")
    leader.shot("loop-10-leader-report")
    submit_action(leader, "report")
    leader.shot("loop-10b-leader-reported")
    assert "服务报告已提交" in leader.page.content()
    order.refresh_from_db()
    assert order.status == "served"

    # 评单: the resident gives five big stars, two tags and a word of thanks.
    resident.go(f"/orders/{order.number}/")
    open_action(resident, "rate")
    resident.page.click("label[for=star-5]")
    resident.page.click("#action-rate label:has-text('准时')")
    resident.page.click("#action-rate label:has-text('耐心热情')")
    resident.page.fill("#action-rate textarea[name=comment]", "谢谢志愿者")
    resident.shot("loop-11-resident-rate")
    submit_action(resident, "rate")
    assert "感谢您的评价" in resident.page.content()
    assert order.rating.score == 5 and order.rating.tags == ["on_time", "patient"]

    # 验单: staff verify; the hours become ledger rows.
    staff.go(f"/orders/{order.number}/")
    assert "2.5" in staff.page.locator("#report").inner_text()
    open_action(staff, "verify")
    submit_action(staff, "verify")
    assert "验单通过" in staff.page.content()
    assert status_text(staff) == "已办结"
    staff.shot("loop-12-staff-verified")
    record = ServiceRecord.objects.get()
    assert record.volunteer == personas.volunteer_profile and record.hours == Decimal("2.5")

    # The hours show on the volunteer's page.
    volunteer.go("/orders/tasks/")
    assert volunteer.page.locator("#my-hours b").inner_text() == "2.5"
    volunteer.shot("loop-13-volunteer-hours")
    click_and_wait(volunteer, "#my-hours a")  # the records page of the volunteer
    assert "2.5" in volunteer.page.content()
    volunteer.shot("loop-13b-volunteer-records")
    timeline = resident.page
    resident.go(f"/orders/{order.number}/")
    items = timeline.locator("#timeline li").all_inner_texts()
    assert len(items) == OrderEvent.objects.filter(order=order).count()
    assert any("验单通过" in item for item in items)
    resident.shot("loop-14-resident-timeline")


def test_publish_claim_release_and_claim_by_a_second_team(personas, make_browser):
    second = people.team_create(
        name="万和阳光卫生服务二队",
        team_type="tech_expert",
        home_unit=personas.station,
        served_units=[personas.station],
        categories=["health"],
        leader=people.user_create(username="leader2", password=PASSWORD, full_name="吴队长"),
    )
    from civicloop.orders import services

    order = services.order_submit(
        actor=personas.resident,
        resident=personas.resident_profile,
        category="health",
        title="社区义诊",
        description="",
    )
    staff = make_browser(1280, 800)
    leader = make_browser(390, 844)
    leader2 = make_browser(390, 844)

    staff.login("station")
    staff.go(f"/orders/{order.number}/")
    open_action(staff, "publish")
    submit_action(staff, "publish")
    assert "已发布到接单大厅" in staff.page.content()
    assert status_text(staff) == "待领单"

    leader.login("leader")
    leader.go("/orders/hall/")
    leader.shot("hall-01-leader-hall")
    leader.page.click(f"#hall-{order.number} button")  # htmx: the row answers in place
    leader.page.wait_for_selector(f"#hall-{order.number}.msg-success")
    leader.shot("hall-02-leader-claimed")
    order.refresh_from_db()
    assert order.status == "accepted" and order.team == personas.team

    leader.go(f"/orders/{order.number}/")
    open_action(leader, "release")
    leader.page.fill("#action-release textarea[name=reason]", "队员临时有事，人手不够")
    submit_action(leader, "release")
    assert "已退回接单大厅" in leader.page.content()
    order.refresh_from_db()
    assert order.status == "open" and order.team is None

    leader2.login("leader2")
    leader2.go("/orders/hall/")
    assert order.number in leader2.page.content()
    leader2.page.click(f"#hall-{order.number} button")
    leader2.page.wait_for_selector(f"#hall-{order.number}.msg-success")
    leader2.shot("hall-03-second-team-claimed")
    order.refresh_from_db()
    assert order.status == "accepted" and order.team == second
    actions = list(OrderEvent.objects.filter(order=order).values_list("action", flat=True))
    assert actions == ["submit", "publish", "claim", "release", "claim"]
    assert "队员临时有事" in OrderEvent.objects.get(order=order, action="release").note

    # The staff desk pages around the loop render on a desk screen.
    staff.go("/orders/enter/?q=张")
    assert "为群众代点单" in staff.page.content()
    staff.shot("desk-enter")
    staff.go("/orders/queue/?status=accepted")
    assert order.number in staff.page.content()
    staff.shot("desk-queue-accepted")
