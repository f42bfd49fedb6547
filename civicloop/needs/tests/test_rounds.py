from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from civicloop.audit.models import AuditEvent
from civicloop.core.exceptions import Conflict
from civicloop.needs import services
from civicloop.needs.models import Need, NeedsRound

pytestmark = pytest.mark.django_db


def test_staff_opens_a_round_from_the_page(client, personas):
    client.force_login(personas.station_staff)
    response = client.post(
        reverse("needs:round_create"),
        {
            "unit": personas.station.pk,
            "title": "万和阳光社区2026年需求征集",
            "starts_on": "2026-01-01",
            "ends_on": "2026-03-31",
            "target_groups": ["empty_nest_elderly"],
        },
        follow=True,
    )
    assert "需求征集已开始" in response.content.decode()
    rnd = NeedsRound.objects.get(title="万和阳光社区2026年需求征集")
    assert rnd.unit_path == personas.station.path and rnd.status == "open"


def test_round_with_end_before_start_is_refused(client, personas):
    client.force_login(personas.station_staff)
    response = client.post(
        reverse("needs:round_create"),
        {"unit": personas.station.pk, "title": "错误", "starts_on": "2026-03-01", "ends_on": "2026-01-01"},
    )
    assert "结束日期不能早于开始日期" in response.content.decode()
    assert not NeedsRound.objects.exists()


def test_staff_cannot_open_a_round_for_a_sibling_station(client, personas):
    client.force_login(personas.station_staff)
    response = client.post(
        reverse("needs:round_create"),
        {"unit": personas.station_b.pk, "title": "越权", "starts_on": "2026-01-01", "ends_on": "2026-02-01"},
    )
    # The sibling unit is not even offered; the form refuses the choice.
    assert response.status_code == 200
    assert not NeedsRound.objects.exists()


def _needs(rnd, personas):
    unmet = services.need_record(
        round=rnd,
        unit=personas.station,
        description="老年人智能手机培训",
        category="education",
        actor=personas.station_staff,
    )
    services.need_update(
        need=unmet,
        actor=personas.station_staff,
        category="education",
        focus_group="empty_nest_elderly",
        description=unmet.description,
        status="unmet",
        unmet_reason="缺少授课志愿者",
    )
    recurring = services.need_record(
        round=rnd, unit=personas.point, description="楼道照明维修", actor=personas.station_staff
    )
    services.need_update(
        need=recurring,
        actor=personas.station_staff,
        category="",
        focus_group="",
        description=recurring.description,
        status="planned",
        recurring=True,
    )
    planned = services.need_record(
        round=rnd,
        unit=personas.station,
        description="周末亲子阅读",
        category="culture",
        actor=personas.station_staff,
    )
    services.need_update(
        need=planned,
        actor=personas.station_staff,
        category="culture",
        focus_group="",
        description=planned.description,
        status="planned",
    )
    return unmet, recurring, planned


def test_closing_drafts_the_next_round_from_unmet_and_recurring_needs(client, personas, rnd):
    unmet, _recurring, _planned = _needs(rnd, personas)
    client.force_login(personas.station_staff)
    response = client.post(reverse("needs:round_close", args=[rnd.pk]), follow=True)
    body = response.content.decode()
    assert "下一轮需求征集已生成" in body
    rnd.refresh_from_db()
    assert rnd.status == "closed" and rnd.closed_by == personas.station_staff
    nxt = NeedsRound.objects.get(drafted_from=rnd)
    assert nxt.status == "open" and nxt.starts_on > rnd.ends_on
    carried = {n.description: n for n in nxt.needs.all()}
    assert set(carried) == {"老年人智能手机培训", "楼道照明维修"}
    assert carried["老年人智能手机培训"].recurrence_count == 2
    assert carried["老年人智能手机培训"].drafted_from == unmet
    assert carried["楼道照明维修"].unit == personas.point
    assert all(n.status == "open" for n in carried.values())
    # The drafted needs are there for staff to edit.
    assert "老年人智能手机培训" in body


def test_closing_twice_is_refused_clearly(client, personas, rnd):
    services.round_close(round=rnd, actor=personas.station_staff)
    with pytest.raises(Conflict):
        services.round_close(round=rnd, actor=personas.station_staff)
    client.force_login(personas.station_staff)
    response = client.post(reverse("needs:round_close", args=[rnd.pk]), follow=True)
    assert "本轮需求征集已结束" in response.content.decode()
    assert NeedsRound.objects.filter(drafted_from=rnd).count() == 1


def test_closing_twice_in_the_api_is_409(client, personas, rnd):
    client.force_login(personas.station_staff)
    first = client.post(f"/api/needs/rounds/{rnd.pk}/close")
    assert first.status_code == 200 and first.json()["drafted_from_id"] == rnd.pk
    again = client.post(f"/api/needs/rounds/{rnd.pk}/close")
    assert again.status_code == 409 and again.json()["detail"] == "本轮需求征集已结束"


def test_unmet_needs_need_a_reason_and_met_needs_a_link(client, personas, rnd):
    need = services.need_record(
        round=rnd, unit=personas.station, description="助浴服务", actor=personas.station_staff
    )
    client.force_login(personas.station_staff)
    url = reverse("needs:need_edit", args=[need.pk])
    base = {"category": "health", "focus_group": "", "description": "助浴服务"}
    response = client.post(url, base | {"status": "unmet"})
    assert "请说明未能满足的原因" in response.content.decode()
    response = client.post(url, base | {"status": "met"})
    assert "已满足的需求须关联满足它的订单或活动" in response.content.decode()
    response = client.post(url, base | {"status": "met", "order_number": "KD-NOPE"})
    assert "本轮范围内没有这个编号的订单" in response.content.decode()
    need.refresh_from_db()
    assert need.status == "open"
    response = client.post(url, base | {"status": "unmet", "unmet_reason": "无专业护理人员"}, follow=True)
    need.refresh_from_db()
    assert need.status == "unmet" and need.unmet_reason == "无专业护理人员" and need.category == "health"


def test_a_need_cannot_be_recorded_in_a_closed_round(personas, rnd):
    services.round_close(round=rnd, actor=personas.station_staff)
    with pytest.raises(Conflict):
        services.need_record(round=rnd, unit=personas.station, description="x", actor=personas.station_staff)


def test_home_visit_links_the_resident_without_copying_their_data(client, personas, rnd):
    client.force_login(personas.station_staff)
    url = reverse("needs:visit_add", args=[rnd.pk])
    page = client.get(url).content.decode()
    assert "张*" in page and "13812341234" not in page and "万和阳光社区3栋2单元501" not in page
    response = client.post(
        url,
        {
            "resident": personas.resident_profile.pk,
            "visited_on": dt.date.today().isoformat(),
            "focus_group": "empty_nest_elderly",
            "category": "health",
            "description": "独居，希望每周有人上门测血压",
        },
        follow=True,
    )
    assert "走访已记录为一条需求" in response.content.decode()
    need = Need.objects.get(source="visit")
    assert need.visited_resident == personas.resident_profile and need.unit == personas.station
    assert "13812341234" not in need.description


def test_visit_in_the_future_is_refused(client, personas, rnd):
    client.force_login(personas.station_staff)
    response = client.post(
        reverse("needs:visit_add", args=[rnd.pk]),
        {
            "resident": personas.resident_profile.pk,
            "visited_on": (dt.date.today() + dt.timedelta(days=3)).isoformat(),
            "focus_group": "empty_nest_elderly",
            "description": "测试",
        },
    )
    assert "走访日期不能晚于今天" in response.content.decode()
    assert not Need.objects.exists()


def test_sibling_cannot_pick_a_resident_outside_their_scope(client, personas):
    rnd_b = services.round_open(
        unit=personas.institute,
        title="昆河镇需求征集",
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2026, 12, 31),
        actor=personas.institute_staff,
    )
    client.force_login(personas.sibling)
    response = client.get(reverse("needs:visit_add", args=[rnd_b.pk]))
    assert response.status_code == 403


PAGES = [
    ("needs:round_detail", True),
    ("needs:round_close", True),
    ("needs:need_add", True),
    ("needs:visit_add", True),
]


@pytest.mark.parametrize("name,needs_pk", PAGES)
@pytest.mark.parametrize("persona", ["sibling", "outsider", "resident", "volunteer", "leader"])
def test_round_pages_refuse_others(client, personas, rnd, name, needs_pk, persona):
    client.force_login(getattr(personas, persona))
    url = reverse(name, args=[rnd.pk])
    response = client.post(url) if name in ("needs:round_close", "needs:need_add") else client.get(url)
    assert response.status_code == 403
    assert AuditEvent.objects.filter(outcome="denied").exists()
    rnd.refresh_from_db()
    assert rnd.status == "open"


@pytest.mark.parametrize("persona", ["station_staff", "institute_staff", "office"])
def test_round_detail_allowed_up_the_tree(client, personas, rnd, persona):
    client.force_login(getattr(personas, persona))
    assert client.get(reverse("needs:round_detail", args=[rnd.pk])).status_code == 200


@pytest.mark.parametrize(
    "name",
    ["needs:round_list", "needs:round_create", "needs:survey_list", "needs:survey_create", "needs:analysis"],
)
@pytest.mark.parametrize("persona", ["outsider", "resident", "volunteer", "auditor"])
def test_staff_pages_refuse_non_staff(client, personas, name, persona):
    client.force_login(getattr(personas, persona))
    assert client.get(reverse(name)).status_code == 403


def test_need_edit_refused_for_sibling(client, personas, rnd):
    need = services.need_record(
        round=rnd, unit=personas.station, description="x", actor=personas.station_staff
    )
    client.force_login(personas.sibling)
    assert client.get(reverse("needs:need_edit", args=[need.pk])).status_code == 403


def test_round_list_is_scoped_and_bounded(client, personas, rnd, django_assert_max_num_queries):
    for i in range(30):
        services.round_open(
            unit=personas.station,
            title=f"第{i}轮",
            starts_on=dt.date(2025, 1, 1),
            ends_on=dt.date(2025, 2, 1),
            actor=personas.station_staff,
        )
    services.round_open(
        unit=personas.station_b,
        title="河西村需求征集",
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2026, 2, 1),
        actor=personas.sibling,
    )
    client.force_login(personas.station_staff)
    with django_assert_max_num_queries(12):
        body = client.get(reverse("needs:round_list")).content.decode()
    assert "河西村需求征集" not in body and "2026年第四季度需求征集" in body
    api = client.get("/api/needs/rounds").json()
    assert api["count"] == 31
    assert all(r["unit_id"] == personas.station.pk for r in api["items"])
    client.force_login(personas.sibling)
    assert client.get(f"/api/needs/rounds/{rnd.pk}/needs").status_code == 403


def test_orders_of_the_period_arrive_as_needs(client, personas):
    from django.utils import timezone

    from civicloop.orders import services as orders

    today = timezone.localdate()
    rnd = services.round_open(
        unit=personas.station,
        title="本期",
        starts_on=today - dt.timedelta(days=5),
        ends_on=today + dt.timedelta(days=5),
        actor=personas.station_staff,
    )
    mine = orders.order_submit(
        actor=personas.resident,
        resident=personas.resident_profile,
        category="health",
        title="上门测血压",
        description="每周一次",
        focus_group="empty_nest_elderly",
    )
    client.force_login(personas.station_staff)
    response = client.post(reverse("needs:round_import_orders", args=[rnd.pk]), follow=True)
    assert "1个订单已作为需求加入本轮" in response.content.decode()
    need = Need.objects.get(round=rnd)
    assert (
        need.order == mine
        and need.source == "order"
        and need.category == "health"
        and need.focus_group == "empty_nest_elderly"
    )
    client.post(reverse("needs:round_import_orders", args=[rnd.pk]))
    assert Need.objects.filter(round=rnd).count() == 1
    client.force_login(personas.sibling)
    assert client.post(reverse("needs:round_import_orders", args=[rnd.pk])).status_code == 403


def test_closing_in_english_stores_the_next_round_in_the_units_language(client, personas, rnd, settings):
    # Stored data must not depend on the clerk's UI language (issue #13).
    client.force_login(personas.station_staff)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(reverse("needs:round_close", args=[rnd.pk]), follow=True)
    assert response.status_code == 200
    nxt = NeedsRound.objects.get(drafted_from=rnd)
    assert nxt.title.startswith(rnd.title) and "next round" not in nxt.title
    assert nxt.title != rnd.title  # the Chinese suffix is there
    assert "Drafted" not in nxt.events.get(step="draft").note
