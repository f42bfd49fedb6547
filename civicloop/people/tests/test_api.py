"""People API: /api/people/ — same scope, masking and messages as the pages."""

from __future__ import annotations

import pytest

from civicloop.audit.models import AuditEvent
from civicloop.people.models import Resident
from civicloop.people.tests.helpers import bad_check_digit, id_number
from conftest import otp_for

BASE = "/api/people"


def _payload(unit, **overrides):
    data = {
        "name": "李桂兰",
        "unit_id": unit.pk,
        "phone": "13655556666",
        "id_number": id_number("15020319450203456"),
        "address": "万和阳光社区8栋3单元101",
        "focus_groups": ["empty_nest_elderly"],
        "consent": True,
    }
    data.update(overrides)
    return data


def test_me(client, personas):
    client.force_login(personas.volunteer)
    data = client.get(f"{BASE}/me").json()
    assert data["username"] == "volunteer"
    assert data["phone"] == "139****0002"
    assert data["volunteer_number"] == personas.volunteer_profile.number
    assert "volunteer" in data["roles"]


def test_anonymous_gets_401(client, personas):
    for path in ("/me", "/residents", "/volunteers", "/teams"):
        response = client.get(BASE + path)
        assert response.status_code == 401
        assert response.json()["detail"] == "请先登录。"


def test_residents_scoped_and_masked(client, personas, django_assert_max_num_queries):
    client.force_login(personas.station_staff)
    with django_assert_max_num_queries(10):
        data = client.get(f"{BASE}/residents").json()
    assert data["count"] == 1
    item = data["items"][0]
    assert (item["name"], item["phone"]) == ("张*", "138****1234")
    assert "501" not in item["address"]
    client.force_login(personas.sibling)
    assert client.get(f"{BASE}/residents").json()["count"] == 0


@pytest.mark.parametrize("q,count", [("zs", 1), ("1234", 1), ("张", 1), ("lz", 0), ("9999", 0)])
def test_residents_search(client, personas, q, count):
    client.force_login(personas.institute_staff)
    assert client.get(f"{BASE}/residents", {"q": q}).json()["count"] == count


@pytest.mark.parametrize("persona", ["outsider", "resident", "volunteer", "leader", "auditor"])
@pytest.mark.parametrize("path", ["/residents", "/volunteers"])
def test_lists_refused(client, personas, persona, path):
    client.force_login(getattr(personas, persona))
    response = client.get(BASE + path)
    assert response.status_code == 403
    assert response.json()["detail"] == "您没有权限执行此操作。"
    assert AuditEvent.objects.filter(actor=getattr(personas, persona), outcome="denied").exists()


def test_volunteers_scoped(client, personas):
    client.force_login(personas.station_staff)
    data = client.get(f"{BASE}/volunteers").json()
    assert [v["number"] for v in data["items"]] == [personas.volunteer_profile.number]
    assert data["items"][0]["phone"] == "139****0002"
    client.force_login(personas.sibling)
    assert client.get(f"{BASE}/volunteers").json()["count"] == 0


def test_teams_scoped(client, personas):
    client.force_login(personas.station_staff)
    names = [t["name"] for t in client.get(f"{BASE}/teams").json()["items"]]
    assert names == ["万和阳光党员志愿服务队"]
    client.force_login(personas.leader)
    data = client.get(f"{BASE}/teams").json()
    assert [t["name"] for t in data["items"]] == ["万和阳光党员志愿服务队"]
    assert data["items"][0]["members"] == 1
    client.force_login(personas.sibling)
    assert [t["name"] for t in client.get(f"{BASE}/teams").json()["items"]] == ["河西村乡土人才服务队"]


@pytest.mark.parametrize("persona", ["outsider", "resident", "volunteer"])
def test_teams_refused(client, personas, persona):
    client.force_login(getattr(personas, persona))
    assert client.get(f"{BASE}/teams").status_code == 403


def test_staff_enter_resident(client, personas):
    client.force_login(personas.station_staff)
    response = client.post(f"{BASE}/residents", _payload(personas.station), content_type="application/json")
    assert response.status_code == 201
    assert response.json()["phone"] == "136****6666"
    resident = Resident.objects.get(name="李桂兰")
    assert resident.entered_by == personas.station_staff and resident.phone == "13655556666"


@pytest.mark.parametrize(
    "overrides,message",
    [
        ({"id_number": bad_check_digit("15020319450203456")}, "身份证号码校验位不正确，请核对后重新输入。"),
        ({"phone": "12345"}, "请输入正确的11位手机号码。"),
        ({"consent": False}, "请确认群众已同意隐私说明。"),
        ({"id_number": "", "birth_date": "2020-05-01"}, "未满14周岁的儿童须填写监护人姓名"),
        ({"focus_groups": ["rich"]}, "未知的重点群体"),
        ({"unit_id": 999999}, "请从列表中选择站点。"),
    ],
)
def test_enter_resident_bad_input(client, personas, overrides, message):
    client.force_login(personas.station_staff)
    response = client.post(
        f"{BASE}/residents", _payload(personas.station, **overrides), content_type="application/json"
    )
    assert response.status_code == 400
    assert message in response.json()["detail"]
    assert not Resident.objects.filter(name="李桂兰").exists()


def test_sibling_cannot_enter_at_station_a(client, personas):
    client.force_login(personas.sibling)
    response = client.post(f"{BASE}/residents", _payload(personas.station), content_type="application/json")
    assert response.status_code == 403
    assert response.json()["detail"] == "您没有权限执行此操作。"
    assert not Resident.objects.filter(name="李桂兰").exists()
    denied = AuditEvent.objects.get(action="resident_enter", actor=personas.sibling)
    assert denied.outcome == "denied" and denied.object_id == str(personas.station.pk)


def test_resident_cannot_be_entered_at_an_institute(client, personas):
    client.force_login(personas.institute_staff)
    response = client.post(f"{BASE}/residents", _payload(personas.institute), content_type="application/json")
    assert response.status_code == 403
    assert not Resident.objects.filter(name="李桂兰").exists()


@pytest.mark.parametrize("persona", ["outsider", "resident", "leader"])
def test_enter_refused_without_staff_role(client, personas, persona):
    client.force_login(getattr(personas, persona))
    response = client.post(f"{BASE}/residents", _payload(personas.station), content_type="application/json")
    assert response.status_code == 403
    assert not Resident.objects.filter(name="李桂兰").exists()


def test_bearer_token_works(client, personas):
    token = client.post(
        "/api/auth/token",
        {"username": "station", "password": "Kd-test-2026!", **otp_for("station")},
        content_type="application/json",
    ).json()["token"]
    response = client.get(f"{BASE}/residents", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200 and response.json()["count"] == 1


def test_residents_filtered_by_unit_in_scope(client, personas):
    client.force_login(personas.institute_staff)
    assert client.get(f"{BASE}/residents", {"unit_id": personas.station.pk}).json()["count"] == 1
    assert client.get(f"{BASE}/residents", {"unit_id": personas.station_b.pk}).json()["count"] == 0
    client.force_login(personas.sibling)
    response = client.get(f"{BASE}/residents", {"unit_id": personas.station.pk})
    assert response.status_code == 400
    assert response.json()["detail"] == "请从列表中选择单位。"


def test_volunteer_and_team_lists_without_n_plus_one(client, personas, django_assert_max_num_queries):
    from civicloop.people import services

    for i in range(15):
        user = services.user_create(
            username=f"v{i}", password=None, full_name=f"志愿者{i}", phone=f"1350000{i:04d}"
        )
        volunteer = services.volunteer_register(
            user=user, home_unit=personas.station, categories=["health"], consent=True
        )
        services.team_add_member(team=personas.team, volunteer=volunteer)
    client.force_login(personas.station_staff)
    with django_assert_max_num_queries(10):
        assert client.get(f"{BASE}/volunteers").json()["count"] == 16
    with django_assert_max_num_queries(10):
        assert client.get(f"{BASE}/teams").json()["items"][0]["members"] == 16
