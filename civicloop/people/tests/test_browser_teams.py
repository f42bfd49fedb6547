"""The issue's walk-through in a real browser: the office creates a station and its venue room; a volunteer
founds a team, the station approves it, a second volunteer joins, the team claims an order, the leader hands
over and the team is dissolved — each step seen on the pages and in the API, the sibling station refused."""

from __future__ import annotations

from typing import Any

import pytest

from civicloop.network.models import Room, Unit, Venue
from civicloop.orders.models import Order
from civicloop.orders.tests.factories import walk
from civicloop.people import services
from civicloop.people.models import Team, TeamRequest
from conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _api(b: Any, path: str) -> Any:
    response = b.page.request.get(b.base_url + path)
    return response.status, (response.json() if response.status == 200 else None)


def _refused(b: Any, path: str) -> None:
    assert b.go(path).status == 403, path


def test_station_team_life_from_founding_to_dissolution(personas, make_browser):
    p = personas
    office, volunteer, station, sibling = (make_browser() for _ in range(4))
    second_phone = make_browser(390, 844)
    for b in (office, volunteer, station, sibling, second_phone):
        b.page.on("dialog", lambda d: d.accept())
    office.login("office")
    volunteer.login("volunteer")
    station.login("station")
    sibling.login("sibling")
    second_user = services.user_create(username="vol2", password=PASSWORD, full_name="钱志愿", phone="13900000012")
    second = services.volunteer_register(user=second_user, home_unit=p.station, categories=["health"], consent=True)
    second_phone.login("vol2")

    # 1. the office creates a station under the institute, then its venue and a room
    office.go(f"/network/units/{p.institute.pk}/add/")
    office.page.fill("input[name=name]", "友谊社区新时代文明实践站")
    office.page.click("form.form button[type=submit]")
    office.page.wait_for_load_state()
    new_station = Unit.objects.get(name="友谊社区新时代文明实践站")
    assert new_station.level == "station"
    office.page.click("text=添加阵地")
    office.page.fill("input[name=name]", "友谊社区党群服务中心")
    office.page.select_option("select[name=kind]", "party_service")
    office.page.click("form.form button[type=submit]")
    office.page.wait_for_load_state()
    venue = Venue.objects.get(name="友谊社区党群服务中心")
    office.page.click("summary:has-text('添加场地')")
    office.page.fill("input[name=name]", "多功能活动室")
    office.page.fill("input[name=capacity]", "50")
    office.page.click("main details form button[type=submit]")
    office.page.wait_for_load_state()
    assert "多功能活动室" in office.page.content()
    office.shot("browser-venue-with-room")
    room = Room.objects.get(venue=venue)
    status, body = _api(office, f"/api/network/venues/{venue.pk}")
    assert status == 200 and [r["name"] for r in body["rooms"]] == ["多功能活动室"]
    _refused(sibling, venue.get_absolute_url())
    _refused(sibling, room.get_absolute_url())

    # 2. a volunteer founds a team at station A
    volunteer.go("/people/teams/new/")
    volunteer.page.fill("input[name=name]", "万和阳光健康服务队")
    volunteer.page.select_option("select[name=team_type]", "local_talent")
    volunteer.page.select_option("select[name=home_unit]", str(p.station.pk))
    volunteer.page.check("input[name=categories][value=health]")
    volunteer.page.click("form.form button[type=submit]")
    volunteer.page.wait_for_load_state()
    team = Team.objects.get(name="万和阳光健康服务队")
    assert "待审批" in volunteer.page.content()
    volunteer.shot("browser-team-founded")
    assert _api(volunteer, f"/api/people/teams/{team.pk}")[1]["status"] == "proposed"
    _refused(sibling, team.get_absolute_url())
    _refused(sibling, f"/people/teams/{team.pk}/approve/")

    # 3. the station approves it
    station.go(team.get_absolute_url())
    station.page.click("summary:has-text('批准成立')")
    station.page.click("details.step-approve form button[type=submit]")
    station.page.wait_for_load_state()
    assert "运行中" in station.page.content()
    assert _api(station, f"/api/people/teams/{team.pk}")[1]["status"] == "active"

    # 4. a second volunteer asks to join on her phone; the leader accepts
    second_phone.go(team.get_absolute_url())
    second_phone.page.click("text=申请加入 >> visible=true")
    second_phone.page.wait_for_load_state()
    assert "申请已发送给队长" in second_phone.page.content()
    second_phone.shot("browser-team-apply-phone")
    request = TeamRequest.objects.get(team=team, volunteer=second)
    _refused(sibling, f"/people/team-requests/{request.pk}/approve/")
    volunteer.go(team.get_absolute_url())
    volunteer.page.click("form[action$='/approve/'] button:has-text('同意')")
    volunteer.page.wait_for_load_state()
    assert second.number in volunteer.page.content()
    status, members = _api(volunteer, f"/api/people/teams/{team.pk}/members")
    assert status == 200 and {m["number"] for m in members} == {p.volunteer_profile.number, second.number}
    assert _api(sibling, f"/api/people/teams/{team.pk}/members")[0] == 403

    # 5. the team claims an order from the hall
    order = walk(p, "open", title="帮老人量血压")
    volunteer.go("/orders/hall/")
    volunteer.page.click(f"#hall-{order.number} button[type=submit]")
    volunteer.page.wait_for_timeout(500)
    order.refresh_from_db()
    assert (order.status, order.team_id) == ("accepted", team.pk)
    assert _api(volunteer, f"/api/people/teams/{team.pk}")[1]["orders_in_hand"] == 1
    _refused(sibling, f"/orders/{order.number}/")

    # 6. the leader hands over to the second volunteer
    volunteer.go(team.get_absolute_url())
    volunteer.page.click("summary:has-text('移交队长')")
    volunteer.page.fill("details.step-handover input[name=volunteer_number]", second.number)
    volunteer.page.click("details.step-handover form button[type=submit]")
    volunteer.page.wait_for_load_state()
    assert volunteer.page.locator("#team-leader").inner_text() == "钱志愿"
    assert _api(second_phone, f"/api/people/teams/{team.pk}")[1]["leader"] == "钱志愿"
    _refused(sibling, f"/people/teams/{team.pk}/handover/")

    # 7. the station dissolves the team; its order goes back to the hall
    _refused(sibling, f"/people/teams/{team.pk}/dissolve/")
    station.go(team.get_absolute_url())
    station.page.click("summary:has-text('解散队伍')")
    station.page.fill("details.step-dissolve textarea[name=note]", "队员合并到党员服务队")
    station.page.click("details.step-dissolve form button[type=submit]")
    station.page.wait_for_load_state()
    assert "已解散" in station.page.content() and "队员合并到党员服务队" in station.page.content()
    station.shot("browser-team-dissolved")
    assert _api(station, f"/api/people/teams/{team.pk}")[1]["status"] == "dissolved"
    order.refresh_from_db()
    assert (order.status, order.team_id) == ("open", None)
    assert Order.objects.filter(pk=order.pk, events__action="release").exists()
