"""The recommendation panel and API: who may see them, and what they show."""

from __future__ import annotations

import pytest

from civicloop.audit.models import AuditEvent
from civicloop.matching.services import team_index_refresh
from civicloop.matching.tests import factories as f
from conftest import PASSWORD, otp_for

pytestmark = pytest.mark.django_db


def panel(number: str) -> str:
    return f"/matching/orders/{number}/teams/"


def api(number: str) -> str:
    return f"/api/matching/orders/{number}/teams"


@pytest.mark.parametrize("who", ["station_staff", "institute_staff", "office"])
def test_staff_who_may_dispatch_see_the_ranked_teams(client, personas, who):
    other = f.team("满员队", personas.station, [personas.station], ["health"], capacity=1)
    f.held(personas, other, 1)
    team_index_refresh()
    order = f.order(personas)
    client.force_login(getattr(personas, who))
    resp = client.get(panel(order.number), HTTP_HX_REQUEST="true")
    assert resp.status_code == 200
    html = resp.content.decode()
    assert "推荐队伍" in html and personas.team.name in html
    assert "卫 · 0 单进行中" in html and "已满（1 单）" in html
    assert f'action="/orders/{order.number}/dispatch/"' in html
    assert f'name="team" value="{personas.team.pk}"' in html
    assert html.index(personas.team.name) < html.index("满员队")
    assert "<html" not in html  # the htmx partial, not the page
    full = client.get(panel(order.number))
    assert full.status_code == 200 and "<html" in full.content.decode()


@pytest.mark.parametrize(
    "who", ["sibling", "outsider", "resident", "leader", "volunteer", "liaison", "auditor"]
)
def test_others_are_refused_the_panel_and_the_api(client, personas, who):
    order = f.order(personas)
    client.force_login(getattr(personas, who))
    assert client.get(panel(order.number)).status_code == 403
    assert client.get(api(order.number)).status_code == 403
    assert AuditEvent.objects.filter(action="matching.view", outcome=AuditEvent.Outcome.DENIED).count() == 2


def test_not_for_orders_that_can_no_longer_be_dispatched(client, personas):
    order = f.order(personas, status="accepted", team=personas.team)
    client.force_login(personas.station_staff)
    assert client.get(panel(order.number)).status_code == 403


def test_anonymous_goes_to_sign_in_and_unknown_order_is_404(client, personas):
    order = f.order(personas)
    resp = client.get(panel(order.number))
    assert resp.status_code == 302 and "/accounts/login/" in resp["Location"]
    assert client.get(api(order.number)).status_code == 401
    client.force_login(personas.station_staff)
    assert client.get(panel("KD-20990101-9999")).status_code == 404
    missing = client.get(api("KD-20990101-9999"))
    assert missing.status_code == 404 and missing.json()["detail"] == "该订单不存在。"


def test_api_returns_parts_and_explanation(client, personas):
    team_index_refresh()
    order = f.order(personas)
    client.force_login(personas.station_staff)
    resp = client.get(api(order.number))
    assert resp.status_code == 200
    rows = resp.json()
    assert [r["team_name"] for r in rows] == [personas.team.name]
    row = rows[0]
    assert row["has_capacity"] and row["category_fit"] and row["open_load"] == 0
    assert set(row["parts"]) == {"distance", "category", "capacity", "availability", "rating", "response"}
    assert row["explanation"].startswith("0.0 km · 卫")


def test_api_with_a_bearer_token(client, personas):
    order = f.order(personas)
    token = client.post(
        "/api/auth/token", {"username": "station", "password": PASSWORD, **otp_for("station")}, content_type="application/json"
    ).json()["token"]
    resp = client.get(api(order.number), HTTP_AUTHORIZATION=f"Bearer {token}")
    assert resp.status_code == 200 and resp.json()[0]["team_id"] == personas.team.pk


def test_panel_query_count_is_flat(client, personas, django_assert_max_num_queries):
    for i in range(15):
        f.team(f"队{i}", personas.station, [personas.station], ["health"])
    team_index_refresh()
    order = f.order(personas)
    client.force_login(personas.station_staff)
    with django_assert_max_num_queries(22):
        assert client.get(panel(order.number), HTTP_HX_REQUEST="true").status_code == 200
