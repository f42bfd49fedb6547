"""The order pages: who may open each one, what each form does, what a refusal looks like, query counts."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from civicloop.orders import services
from civicloop.orders.models import Order, OrderEvent, OrderRating, Whistle
from civicloop.orders.tests.factories import time_passes
from civicloop.people import services as people
from civicloop.records.models import ServiceRecord

pytestmark = pytest.mark.django_db


def submit(p: Any, title: str = "帮我母亲量血压", category: str = "health", resident: Any = None) -> Order:
    resident = resident or p.resident_profile
    return services.order_submit(
        actor=resident.user,
        resident=resident,
        category=category,
        title=title,
        description="",
    )


def published(p: Any, **kw: Any) -> Order:
    order = submit(p, **kw)
    services.order_publish(actor=p.station_staff, order=order)
    return Order.objects.get(pk=order.pk)


def accepted(p: Any) -> Order:
    order = submit(p)
    services.order_dispatch(actor=p.station_staff, order=order, team=p.team)
    order = Order.objects.get(pk=order.pk)
    services.order_accept(actor=p.leader, order=order)
    return Order.objects.get(pk=order.pk)


def in_service(p: Any) -> Order:
    order = accepted(p)
    services.order_assign(actor=p.leader, order=order, volunteers=[p.volunteer_profile])
    services.order_check_in(actor=p.volunteer, order=Order.objects.get(pk=order.pk))
    return Order.objects.get(pk=order.pk)


def served(p: Any) -> Order:
    order = time_passes(in_service(p))
    services.order_check_out(actor=p.volunteer, order=order)
    services.order_report(
        actor=p.leader,
        order=Order.objects.get(pk=order.pk),
        summary="量了血压",
        people_served=1,
        hours={p.volunteer_profile.pk: Decimal("2")},
    )
    return Order.objects.get(pk=order.pk)


def other_resident(p: Any) -> Any:
    return people.resident_register(
        username="resident_b",
        password="Kd-test-2026!",
        name="李四",
        phone="13812345678",
        unit=p.station_b,
        address="河西村5号",
        consent=True,
    )


def act(client: Any, order: Order, action: str, data: dict | None = None, **kw: Any) -> Any:
    return client.post(reverse("orders:action", args=[order.number, action]), data or {}, **kw)


def text(response: Any) -> str:
    return response.content.decode()


def messages_of(response: Any) -> list[str]:
    return [str(m) for m in response.wsgi_request._messages]


def tomorrow() -> str:
    return (timezone.localdate() + dt.timedelta(days=1)).isoformat()


# --- who may open which page ---------------------------------------------------------------------------


PAGES = {
    "orders:new": {"resident"},
    "orders:mine": {"resident"},
    "orders:enter": {"station_staff", "institute_staff", "office", "sibling"},
    "orders:queue": {"station_staff", "institute_staff", "office", "sibling"},
    "orders:follow_up": {"station_staff", "institute_staff", "office", "sibling"},
    "orders:hall": {"leader"},
    "orders:tasks": {"leader", "volunteer"},
    "orders:whistles": {"station_staff", "institute_staff", "office", "sibling", "liaison"},
}
PERSONAS = ["resident", "station_staff", "sibling", "leader", "volunteer", "liaison", "auditor", "outsider"]


@pytest.mark.parametrize("name", list(PAGES))
def test_each_page_opens_for_its_roles_and_refuses_others(client, personas, name):
    url = reverse(name)
    assert client.get(url).status_code == 302  # anonymous → sign in
    for persona in PERSONAS:
        client.force_login(getattr(personas, persona))
        status = client.get(url).status_code
        expected = 200 if persona in PAGES[name] else 403
        assert status == expected, (name, persona, status)


def test_order_page_visible_to_requester_staff_above_and_holding_team_only(client, personas):
    order = accepted(personas)
    url = reverse("orders:detail", args=[order.number])
    other = other_resident(personas)
    for user in (personas.resident, personas.station_staff, personas.institute_staff, personas.office):
        client.force_login(user)
        assert client.get(url).status_code == 200
    client.force_login(personas.leader)
    page = client.get(url)
    assert page.status_code == 200 and "万和阳光社区3栋2单元501" in text(page)
    for user in (personas.sibling, personas.outsider, other.user, personas.liaison, personas.auditor):
        client.force_login(user)
        assert client.get(url).status_code == 403
    client.logout()
    assert client.get(url).status_code == 302
    assert client.get(reverse("orders:detail", args=["KD-19990101-0001"])).status_code == 302


def test_hall_order_shows_masked_details_to_a_serving_leader(client, personas):
    order = published(personas)
    client.force_login(personas.leader)
    page = text(client.get(reverse("orders:detail", args=[order.number])))
    assert "万和阳光社区3栋2单元501" not in page
    assert "张*" in page
    client.force_login(personas.team_b.leader)  # team B serves station B and culture only
    assert client.get(reverse("orders:detail", args=[order.number])).status_code == 403


# --- 点单 -----------------------------------------------------------------------------------------------


def test_resident_orders_from_six_big_tiles(client, personas):
    client.force_login(personas.resident)
    page = text(client.get(reverse("orders:new")))
    for char in "讲教科文卫媒":
        assert f'aria-hidden="true">{char}</span>' in page
    form = client.get(reverse("orders:new") + "?category=health")
    assert "o-char-health" in text(form) and "您需要什么帮助" in text(form)
    assert "万和阳光社区3栋2单元501" in text(form)  # their own address is the default
    response = client.post(
        reverse("orders:new"),
        {
            "category": "health",
            "title": "帮我母亲量血压",
            "day": tomorrow(),
            "day_part": "pm",
            "beneficiaries": 2,
            "address": "万和阳光社区3栋2单元501",
        },
    )
    order = Order.objects.get()
    assert response.status_code == 302 and response.url == reverse("orders:detail", args=[order.number])
    assert order.status == "submitted" and order.channel == "online" and order.beneficiaries == 2
    assert timezone.localtime(order.wanted_from).hour == 14
    assert OrderEvent.objects.filter(order=order, action="submit").count() == 1
    mine = text(client.get(reverse("orders:mine")))
    assert order.number in mine and "帮我母亲量血压" in mine


def test_resident_sees_similar_open_orders_before_ordering(client, personas):
    own = submit(personas, title="量血压")
    client.force_login(personas.resident)
    page = text(client.get(reverse("orders:new") + "?category=health"))
    assert 'id="similar"' in page and "量血压" in page
    # the hint links to the resident's own order (a bare number says nothing to a resident)
    hint = page.split('id="similar"')[1].split("</div>")[0]
    assert f'href="{reverse("orders:detail", args=[own.number])}"' in hint and "您的点单" in hint


def test_bad_order_input_shows_chinese_messages_and_writes_nothing(client, personas):
    client.force_login(personas.resident)
    yesterday = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    response = client.post(
        reverse("orders:new"),
        {"category": "health", "title": "", "day": yesterday, "day_part": "noon", "beneficiaries": 0},
    )
    assert response.status_code == 400
    page = text(response)
    assert "这个字段是必填项" in page
    assert "请选择今天或以后的日期" in page
    assert "选择一个有效的选项" in page
    assert not Order.objects.exists()


def test_unknown_platform_shows_the_tiles_again(client, personas):
    client.force_login(personas.resident)
    response = client.post(reverse("orders:new"), {"category": "cooking", "title": "x"})
    assert response.status_code == 200 and "o-tiles" in text(response)
    assert not Order.objects.exists()


# --- 代点单 ----------------------------------------------------------------------------------------------


def _entry(**kw: Any) -> dict:
    data = {
        "channel": "phone",
        "category": "culture",
        "title": "想学剪纸",
        "day": tomorrow(),
        "day_part": "am",
    }
    data["beneficiaries"] = 5
    data.update(kw)
    return data


def test_staff_enter_an_order_for_a_resident_in_scope(client, personas):
    client.force_login(personas.station_staff)
    page = text(client.get(reverse("orders:enter") + "?q=张"))
    assert "张*" in page
    response = client.post(
        reverse("orders:enter"), _entry(resident=personas.resident_profile.pk, subcategory="剪纸")
    )
    order = Order.objects.get()
    assert response.status_code == 302 and order.subcategory == "剪纸"
    assert order.channel == "phone" and order.entered_by == personas.station_staff
    assert order.requester == personas.resident_profile


def test_staff_enter_an_order_for_a_new_resident(client, personas):
    client.force_login(personas.station_staff)
    response = client.post(
        reverse("orders:enter"),
        _entry(new_name="王奶奶", new_phone="13712345678", new_unit=personas.station.pk, address="1栋"),
    )
    assert response.status_code == 302
    order = Order.objects.get()
    assert order.requester.name == "王奶奶" and order.requester.unit == personas.station


def test_staff_entry_refuses_residents_and_stations_outside_scope(client, personas):
    client.force_login(personas.sibling)
    response = client.post(reverse("orders:enter"), _entry(resident=personas.resident_profile.pk))
    assert response.status_code == 400 and "选择一个有效的选项" in text(response)
    response = client.post(reverse("orders:enter"), _entry(new_name="王奶奶", new_unit=personas.station.pk))
    assert response.status_code == 400
    response = client.post(reverse("orders:enter"), _entry())
    assert response.status_code == 400 and "请选择群众" in text(response)
    assert not Order.objects.exists()


# --- 梳理 ----------------------------------------------------------------------------------------------


def test_order_page_shows_only_this_viewers_actions(client, personas):
    order = submit(personas)
    url = reverse("orders:detail", args=[order.number])
    client.force_login(personas.station_staff)
    page = text(client.get(url))
    for action in ("publish", "dispatch", "reroute", "merge", "reject", "cancel", "whistle"):
        assert f'id="action-{action}"' in page, action
    assert 'id="action-rate"' not in page
    client.force_login(personas.resident)
    page = text(client.get(url))
    assert 'id="action-cancel"' in page
    assert 'id="action-publish"' not in page and 'id="action-dispatch"' not in page


def test_publish_then_withdraw(client, personas):
    order = submit(personas)
    client.force_login(personas.station_staff)
    response = act(client, order, "publish", follow=True)
    order.refresh_from_db()
    assert order.status == "open"
    assert "已发布到接单大厅" in text(response)
    act(client, order, "withdraw")
    order.refresh_from_db()
    assert order.status == "submitted"


def test_wrong_actor_is_refused_and_nothing_changes(client, personas):
    order = submit(personas)
    events = OrderEvent.objects.count()
    client.force_login(personas.sibling)
    assert act(client, order, "publish").status_code == 403
    client.force_login(personas.resident)
    assert act(client, order, "publish").status_code == 403
    client.force_login(personas.outsider)
    assert act(client, order, "reject", {"reason": "不需要"}).status_code == 403
    order.refresh_from_db()
    assert order.status == "submitted" and OrderEvent.objects.count() == events


def test_wrong_state_is_a_clear_message(client, personas):
    order = accepted(personas)
    client.force_login(personas.station_staff)
    response = act(client, order, "publish", follow=True)
    assert "已接单" in text(response) and "不能" in text(response)
    order.refresh_from_db()
    assert order.status == "accepted"


def test_reject_needs_a_reason_the_resident_then_sees(client, personas):
    order = submit(personas)
    client.force_login(personas.station_staff)
    response = act(client, order, "reject", {"reason": ""})
    assert response.status_code == 400 and "这个字段是必填项" in text(response)
    order.refresh_from_db()
    assert order.status == "submitted"
    act(client, order, "reject", {"reason": "不在服务范围内"})
    client.force_login(personas.resident)
    page = text(client.get(reverse("orders:detail", args=[order.number])))
    assert "已驳回" in page and "不在服务范围内" in page


def test_dispatch_lists_only_teams_that_may_take_it(client, personas):
    order = submit(personas)
    client.force_login(personas.station_staff)
    page = text(client.get(reverse("orders:detail", args=[order.number])))
    assert personas.team.name in page and personas.team_b.name not in page
    assert reverse("matching:order_teams", args=[order.number]) in page  # the recommendations hook
    response = act(client, order, "dispatch", {"team": personas.team_b.pk})
    assert response.status_code == 400 and "选择一个有效的选项" in text(response)
    order.refresh_from_db()
    assert order.status == "submitted"
    act(client, order, "dispatch", {"team": personas.team.pk})
    order.refresh_from_db()
    assert order.status == "dispatched" and order.team == personas.team


def test_reroute_to_the_institute_with_a_reason(client, personas):
    order = submit(personas)
    client.force_login(personas.station_staff)
    response = act(client, order, "reroute", {"unit": personas.institute.pk, "reason": ""})
    assert response.status_code == 400
    act(client, order, "reroute", {"unit": personas.institute.pk, "reason": "需要镇里协调"})
    order.refresh_from_db()
    assert order.unit == personas.institute and order.status == "submitted"


def test_merge_into_a_duplicate_by_number(client, personas):
    first = submit(personas)
    second = submit(personas, title="量血压二")
    client.force_login(personas.station_staff)
    response = act(client, second, "merge", {"into": "KD-00000000-0000"})
    assert response.status_code == 400 and "没有这个编号的订单" in text(response)
    act(client, second, "merge", {"into": first.number.lower()})
    second.refresh_from_db()
    assert second.status == "cancelled" and second.merged_into == first


def test_bulk_publish_from_the_queue(client, personas):
    orders = [submit(personas, title=f"订单{i}") for i in range(3)]
    client.force_login(personas.sibling)
    client.post(reverse("orders:bulk_publish"), {"numbers": [o.number for o in orders]})
    assert set(Order.objects.values_list("status", flat=True)) == {"submitted"}
    client.force_login(personas.station_staff)
    response = client.post(
        reverse("orders:bulk_publish"), {"numbers": [o.number for o in orders[:2]]}, follow=True
    )
    assert "2 个订单已发布到接单大厅" in text(response)
    assert sorted(Order.objects.values_list("status", flat=True)) == ["open", "open", "submitted"]
    response = client.post(reverse("orders:bulk_publish"), {}, follow=True)
    assert "请至少选择一个订单" in text(response)


def test_queue_tabs_filters_and_deadline_colours(client, personas):
    late = submit(personas, title="逾期的订单")
    Order.objects.filter(pk=late.pk).update(review_due=timezone.now() - dt.timedelta(hours=1))
    soon = submit(personas, title="快到期的订单")
    Order.objects.filter(pk=soon.pk).update(review_due=timezone.now() + dt.timedelta(hours=3))
    submit(personas, title="文化订单", category="culture")
    client.force_login(personas.station_staff)
    page = text(client.get(reverse("orders:queue")))
    assert 'class="overdue"' in page and 'class="due-soon"' in page
    assert "已点单 <b>3</b>" in page
    page = text(client.get(reverse("orders:queue") + "?category=culture"))
    assert "文化订单" in page and "逾期的订单" not in page
    page = text(client.get(reverse("orders:queue") + "?overdue=1"))
    assert "逾期的订单" in page and "快到期的订单" not in page
    page = text(client.get(reverse("orders:queue") + f"?q={late.number}"))
    assert "逾期的订单" in page and "文化订单" not in page
    client.force_login(personas.sibling)
    page = text(client.get(reverse("orders:queue")))
    assert "逾期的订单" not in page and "已点单 <b>0</b>" in page


# --- 领单 / 接单 / 服务 -------------------------------------------------------------------------------------


def test_claim_from_the_hall_and_already_taken(client, personas):
    order = published(personas)
    client.force_login(personas.leader)
    hall = text(client.get(reverse("orders:hall")))
    assert order.number in hall
    response = act(client, order, "claim", {"team": personas.team.pk, "next": reverse("orders:hall")})
    assert response.status_code == 302 and response.url == reverse("orders:hall")
    order.refresh_from_db()
    assert order.status == "accepted" and order.team == personas.team
    second = people.team_create(
        name="第二队",
        team_type="local_talent",
        home_unit=personas.station,
        served_units=[personas.station],
        categories=["health"],
        leader=people.user_create(username="leader2", password="Kd-test-2026!", full_name="吴队长"),
    )
    client.force_login(second.leader)
    response = act(client, order, "claim", {"team": second.pk}, follow=True)
    assert "已被其他队伍领走" in text(response)
    response = act(client, order, "claim", {"team": second.pk}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "已被其他队伍领走" in text(response)
    assert OrderEvent.objects.filter(order=order, action="claim").count() == 1


def test_claim_is_refused_to_non_leaders_and_to_teams_that_do_not_serve(client, personas):
    order = published(personas)
    client.force_login(personas.station_staff)
    assert act(client, order, "claim", {"team": personas.team.pk}).status_code == 403
    client.force_login(personas.team_b.leader)
    response = act(client, order, "claim", {"team": personas.team.pk})  # not their team: a forged id
    assert response.status_code == 403 and "无权访问" in text(response) and order.title not in text(response)
    assert act(client, order, "claim", {"team": "x"}, follow=True).status_code == 200  # not an id: a form error
    assert act(client, order, "claim", {"team": personas.team_b.pk}).status_code == 403
    order.refresh_from_db()
    assert order.status == "open"


def test_htmx_claim_answers_the_row(client, personas):
    order = published(personas)
    client.force_login(personas.leader)
    response = act(client, order, "claim", {"team": personas.team.pk}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and f'id="hall-{order.number}"' in text(response)
    assert "已领取" in text(response)


def test_decline_and_release_need_reasons(client, personas):
    order = submit(personas)
    services.order_dispatch(actor=personas.station_staff, order=order, team=personas.team)
    client.force_login(personas.leader)
    assert act(client, order, "decline", {"reason": ""}).status_code == 400
    order.refresh_from_db()
    assert order.status == "dispatched"
    act(client, order, "accept")
    order.refresh_from_db()
    assert order.status == "accepted"
    assert act(client, order, "release", {"reason": " "}).status_code == 400
    response = act(client, order, "release", {"reason": "人手不够"})
    order.refresh_from_db()
    assert order.status == "open" and response.status_code == 302


def test_leader_tasks_and_volunteer_check_in_out(client, personas):
    order = accepted(personas)
    client.force_login(personas.leader)
    assert order.number in text(client.get(reverse("orders:tasks")))
    response = act(client, order, "assign", {"volunteers": []})
    assert response.status_code == 400
    act(client, order, "assign", {"volunteers": [personas.volunteer_profile.pk]})
    client.force_login(personas.volunteer)
    page = text(client.get(reverse("orders:tasks")))
    assert order.number in page and "签到" in page
    act(client, order, "check_in", {"lat": "40.63", "lng": "109.81", "next": reverse("orders:tasks")})
    order.refresh_from_db()
    assert order.status == "in_service"
    response = act(client, order, "check_in", {}, follow=True)  # twice: refused, nothing written
    assert response.status_code == 200
    assert "签退" in text(client.get(reverse("orders:tasks")))
    time_passes(order)
    response = act(client, order, "check_out", {"next": reverse("orders:tasks")}, follow=True)  # not confirmed
    assert order.assignments.get().checked_out_at is None
    assert "勾选" in text(response)
    act(client, order, "check_out", {"confirm": "on", "next": reverse("orders:tasks")})
    assert order.assignments.get().checked_out_at is not None


def test_check_in_rejects_bad_coordinates(client, personas):
    order = accepted(personas)
    services.order_assign(actor=personas.leader, order=order, volunteers=[personas.volunteer_profile])
    client.force_login(personas.volunteer)
    response = act(client, order, "check_in", {"lat": "123", "lng": "109"})
    assert response.status_code == 400
    order.refresh_from_db()
    assert order.status == "accepted"


def _png() -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buf, "PNG")
    return buf.getvalue()


def test_report_with_hours_and_photo_and_its_refusals(client, personas, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    order = time_passes(in_service(personas))
    services.order_check_out(actor=personas.volunteer, order=order)
    client.force_login(personas.leader)
    key = f"hours_{personas.volunteer_profile.pk}"
    bad = SimpleUploadedFile("x.png", b"not an image", content_type="image/png")
    response = act(
        client, order, "report", {"summary": "量了血压", "people_served": 1, key: "30", "photos": bad}
    )
    assert response.status_code == 400
    page = text(response)
    assert "小于或等于 24" in page or "24" in page
    order.refresh_from_db()
    assert order.status == "in_service"
    photo = SimpleUploadedFile("p.png", _png(), content_type="image/png")
    act(client, order, "report", {"summary": "量了血压", "people_served": 3, key: "2.5", "photos": photo})
    order.refresh_from_db()
    assert order.status == "served" and order.report.people_served == 3
    assert order.report.photos.count() == 1
    assert order.report.hours.get().hours == Decimal("2.5")


# --- 评单 / 验单 ---------------------------------------------------------------------------------------------


def test_resident_rates_with_stars_tags_and_comment(client, personas):
    order = served(personas)
    client.force_login(personas.resident)
    page = text(client.get(reverse("orders:detail", args=[order.number])))
    assert 'id="action-rate"' in page and "o-stars" in page
    assert act(client, order, "rate", {"score": "9"}).status_code == 400
    assert not OrderRating.objects.exists()
    act(client, order, "rate", {"score": "5", "tags": ["on_time", "patient"], "comment": "很好"})
    rating = OrderRating.objects.get()
    assert rating.score == 5 and rating.tags == ["on_time", "patient"] and not rating.automatic
    page = text(client.get(reverse("orders:detail", args=[order.number])))
    assert "准时" in page and 'id="action-rate"' not in page
    client.force_login(personas.station_staff)
    assert act(client, order, "rate", {"score": "1"}).status_code == 403


def test_staff_return_then_verify_credits_hours(client, personas):
    order = served(personas)
    client.force_login(personas.station_staff)
    assert act(client, order, "return", {"reason": ""}).status_code == 400
    act(client, order, "return", {"reason": "照片不清楚"})
    order.refresh_from_db()
    assert order.status == "accepted"
    assert not ServiceRecord.objects.exists()
    order = served_again(personas, order)
    client.force_login(personas.sibling)
    assert act(client, order, "verify").status_code == 403
    client.force_login(personas.station_staff)
    act(client, order, "verify", {"note": "核实无误"})
    order.refresh_from_db()
    assert order.status == "closed"
    record = ServiceRecord.objects.get()
    assert record.hours == Decimal("2") and record.volunteer == personas.volunteer_profile
    client.force_login(personas.volunteer)
    page = text(client.get(reverse("orders:tasks")))
    assert 'id="my-hours"' in page, page[-3000:]
    assert "<b>2</b>" in page.split('id="my-hours"')[1][:200]


def served_again(p: Any, order: Order) -> Order:
    services.order_check_in(actor=p.leader, order=order)
    services.order_report(
        actor=p.leader,
        order=Order.objects.get(pk=order.pk),
        summary="重新量了血压",
        people_served=1,
        hours={p.volunteer_profile.pk: Decimal("2")},
    )
    return Order.objects.get(pk=order.pk)


def test_follow_up_lists_low_rated_closed_orders(client, personas):
    order = served(personas)
    services.order_rate(actor=personas.resident, order=order, score=1, comment="没人来")
    services.order_verify(actor=personas.station_staff, order=Order.objects.get(pk=order.pk))
    client.force_login(personas.station_staff)
    assert order.number in text(client.get(reverse("orders:follow_up")))
    client.force_login(personas.sibling)
    assert order.number not in text(client.get(reverse("orders:follow_up")))


def test_resident_cancels_while_allowed(client, personas):
    order = submit(personas)
    client.force_login(personas.resident)
    act(client, order, "cancel", {"reason": "不需要了"})
    order.refresh_from_db()
    assert order.status == "cancelled"


# --- 吹哨 ----------------------------------------------------------------------------------------------


def test_whistle_to_departments_and_liaison_answer(client, personas):
    order = submit(personas)
    client.force_login(personas.station_staff)
    response = act(client, order, "whistle", {"departments": [], "note": ""})
    assert response.status_code == 400
    act(client, order, "whistle", {"departments": [personas.department.pk], "note": "需要医生上门"})
    whistle = Whistle.objects.get()
    client.force_login(personas.liaison)
    page = text(client.get(reverse("orders:whistles")))
    assert "需要医生上门" in page and "发送答复" in page
    assert client.get(reverse("orders:detail", args=[order.number])).status_code == 200
    response = client.post(reverse("orders:whistle_answer", args=[whistle.pk]), {"answer": ""}, follow=True)
    assert "请填写答复" in text(response)
    client.post(reverse("orders:whistle_answer", args=[whistle.pk]), {"answer": "明天派医生"})
    whistle.refresh_from_db()
    assert whistle.answer == "明天派医生" and whistle.answered_by == personas.liaison
    client.force_login(personas.sibling)
    assert (
        client.post(reverse("orders:whistle_answer", args=[whistle.pk]), {"answer": "x"}).status_code == 403
    )


# --- query counts --------------------------------------------------------------------------------------


def test_queue_hall_and_order_page_query_counts(client, personas, django_assert_max_num_queries):
    for i in range(22):
        order = submit(personas, title=f"批量订单{i}")
        if i % 2:
            services.order_publish(actor=personas.station_staff, order=order)
    client.force_login(personas.station_staff)
    with django_assert_max_num_queries(20):
        assert client.get(reverse("orders:queue") + "?status=all").status_code == 200
    client.force_login(personas.leader)
    with django_assert_max_num_queries(20):
        assert client.get(reverse("orders:hall")).status_code == 200
    client.force_login(personas.leader)
    type(personas.team).objects.filter(pk=personas.team.pk).update(capacity=50)
    personas.team.refresh_from_db()
    for order in Order.objects.filter(status="open"):
        services.order_claim(actor=personas.leader, order=order, team=personas.team)
    with django_assert_max_num_queries(20):
        assert client.get(reverse("orders:tasks")).status_code == 200
    order = served(personas)
    client.force_login(personas.station_staff)
    with django_assert_max_num_queries(20):
        assert client.get(reverse("orders:detail", args=[order.number])).status_code == 200


def test_order_page_speaks_english_to_an_english_browser(client, personas, settings):
    order = submit(personas)
    client.force_login(personas.station_staff)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = text(client.get(reverse("orders:detail", args=[order.number])))
    assert "Publish to the order hall" in page and "发布到接单大厅" not in page
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    page = text(client.get(reverse("orders:detail", args=[order.number])))
    assert "发布到接单大厅" in page


def test_whistle_reaches_staff_of_the_parent_unit_not_the_sibling(client, personas):
    order = submit(personas)
    services.order_whistle(
        actor=personas.station_staff, order=order, departments=[personas.department], note="需要镇里协调场地"
    )
    client.force_login(personas.institute_staff)
    page = text(client.get(reverse("orders:whistles")))
    assert "需要镇里协调场地" in page and "发送答复" in page
    client.force_login(personas.sibling)
    assert "需要镇里协调场地" not in text(client.get(reverse("orders:whistles")))
