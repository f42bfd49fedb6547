"""/api/network/: the unit endpoints answer with the same access rules and Chinese messages as the pages."""

from __future__ import annotations

import json

import pytest

from civicloop.audit.models import AuditEvent
from civicloop.network.models import Unit
from conftest import PASSWORD, otp_for

pytestmark = pytest.mark.django_db

DENIED = "您没有权限执行此操作。"


def _patch(client, url, data):
    return client.patch(url, json.dumps(data), content_type="application/json")


def _post(client, url, data):
    return client.post(url, json.dumps(data), content_type="application/json")


def test_every_endpoint_needs_sign_in(client, personas):
    pk = personas.station.pk
    for response in (
        client.get("/api/network/units"),
        client.get(f"/api/network/units/{pk}"),
        _patch(client, f"/api/network/units/{pk}", {"address": "x"}),
        _post(client, f"/api/network/units/{pk}/children", {"name": "x"}),
    ):
        assert response.status_code == 401
        assert response.json()["detail"] == "请先登录。"


def test_office_lists_every_unit_in_tree_order(client, personas):
    client.force_login(personas.office)
    body = client.get("/api/network/units").json()
    assert body["count"] == Unit.objects.count() == 6
    assert body["items"][0]["name"] == "昆都仑区新时代文明实践中心"
    assert body["items"][0]["parent_id"] is None


def test_station_staff_list_only_their_subtree_with_counts(client, personas):
    client.force_login(personas.station_staff)
    body = client.get("/api/network/units").json()
    assert [u["name"] for u in body["items"]] == ["万和阳光社区新时代文明实践站", "万和阳光社区一号楼实践点"]
    station = body["items"][0]
    assert station["level"] == "station" and station["parent_id"] == personas.institute.pk
    assert station["counts"] == {"children": 1, "volunteers": 1, "teams": 1, "residents": 1}


def test_children_of_a_parent_and_pagination(client, personas, django_assert_max_num_queries):
    from civicloop.network.services import unit_create

    for i in range(55):
        unit_create(parent=personas.institute, name=f"测试社区{i}新时代文明实践站")
    client.force_login(personas.institute_staff)
    with django_assert_max_num_queries(10):
        body = client.get(f"/api/network/units?parent={personas.institute.pk}").json()
    assert body["count"] == 57 and body["pages"] == 2 and len(body["items"]) == 50
    assert {u["parent_id"] for u in body["items"]} == {personas.institute.pk}
    second = client.get(f"/api/network/units?parent={personas.institute.pk}&page=2").json()
    assert len(second["items"]) == 7


def test_bad_page_number_is_a_chinese_400(client, personas):
    client.force_login(personas.office)
    response = client.get("/api/network/units?page=0")
    assert response.status_code == 400
    assert response.json()["detail"] == "页码必须大于或等于1。"


def test_children_of_a_sibling_are_refused(client, personas):
    client.force_login(personas.station_staff)
    response = client.get(f"/api/network/units?parent={personas.station_b.pk}")
    assert response.status_code == 403
    assert response.json()["detail"] == DENIED
    assert AuditEvent.objects.filter(action="unit_view", outcome="denied").exists()


@pytest.mark.parametrize("persona", ["resident", "outsider", "auditor", "leader"])
def test_list_refused_without_a_staff_role(client, personas, persona):
    client.force_login(getattr(personas, persona))
    response = client.get("/api/network/units")
    assert response.status_code == 403
    assert response.json()["detail"] == DENIED


def test_get_one_unit(client, personas):
    client.force_login(personas.station_staff)
    body = client.get(f"/api/network/units/{personas.point.pk}").json()
    assert body["name"] == "万和阳光社区一号楼实践点" and body["level"] == "point"
    assert body["parent_id"] == personas.station.pk


@pytest.mark.parametrize("persona", ["sibling", "resident", "outsider", "auditor"])
def test_get_refused_out_of_scope(client, personas, persona):
    client.force_login(getattr(personas, persona))
    response = client.get(f"/api/network/units/{personas.station.pk}")
    assert response.status_code == 403
    assert response.json()["detail"] == DENIED


def test_get_unknown_unit_is_404(client, personas):
    client.force_login(personas.office)
    assert client.get("/api/network/units/999999").status_code == 404


def test_patch_changes_only_the_given_fields(client, personas):
    client.force_login(personas.station_staff)
    response = _patch(
        client, f"/api/network/units/{personas.station.pk}", {"contact_name": "李站长", "lat": 40.64}
    )
    assert response.status_code == 200
    assert response.json()["contact_name"] == "李站长"
    station = Unit.objects.get(pk=personas.station.pk)
    assert station.contact_name == "李站长" and station.lat == 40.64 and station.lng == 109.81
    assert AuditEvent.objects.filter(action="unit_update", actor=personas.station_staff).exists()


@pytest.mark.parametrize(
    "data,message",
    [
        ({"division_code": "12"}, "行政区划代码应为6位、9位或12位数字。"),
        ({"name": ""}, "请填写单位名称。"),
        ({"name": None}, "请填写单位名称。"),
        ({"lat": 80}, "纬度应在中国境内（3至54之间）。"),
        ({"contact_phone": "请拨打我"}, "请填写手机号码或带区号的固定电话，例如 0472-1234567。"),
        ({"contact_phone": "1234"}, "请填写手机号码或带区号的固定电话，例如 0472-1234567。"),
    ],
)
def test_patch_bad_input_is_a_chinese_400_and_changes_nothing(client, personas, data, message):
    client.force_login(personas.station_staff)
    response = _patch(client, f"/api/network/units/{personas.station.pk}", {**data, "address": "不应保存"})
    assert response.status_code == 400
    assert message in response.json()["detail"]
    station = Unit.objects.get(pk=personas.station.pk)
    assert station.address == "" and station.name == "万和阳光社区新时代文明实践站"


@pytest.mark.parametrize(
    "given,stored", [("0472-2345678", "0472-2345678"), ("138 1234 5678", "13812345678"), ("", "")]
)
def test_patch_accepts_a_mobile_or_a_landline(client, personas, given, stored):
    client.force_login(personas.station_staff)
    response = _patch(client, f"/api/network/units/{personas.station.pk}", {"contact_phone": given})
    assert response.status_code == 200
    assert Unit.objects.get(pk=personas.station.pk).contact_phone == stored


@pytest.mark.parametrize("persona", ["sibling", "auditor", "resident", "outsider"])
def test_patch_refused_out_of_scope(client, personas, persona):
    client.force_login(getattr(personas, persona))
    response = _patch(client, f"/api/network/units/{personas.station.pk}", {"address": "越权"})
    assert response.status_code == 403
    assert response.json()["detail"] == DENIED
    assert Unit.objects.get(pk=personas.station.pk).address == ""
    assert AuditEvent.objects.filter(action="unit_update", outcome="denied").count() == 1


def test_post_child_creates_the_next_level(client, personas):
    client.force_login(personas.institute_staff)
    response = _post(
        client,
        f"/api/network/units/{personas.institute.pk}/children",
        {"name": "昆河镇新村新时代文明实践站", "division_code": "150203101001"},
    )
    assert response.status_code == 201
    body = response.json()
    assert body["level"] == "station" and body["parent_id"] == personas.institute.pk
    assert Unit.objects.get(pk=body["id"]).division_code == "150203101001"


@pytest.mark.parametrize(
    "parent,data,message",
    [
        ("point", {"name": "多余一级"}, "此单位下只能添加"),
        ("station", {"name": "某阵地", "kind": "palace"}, "未知的单位类型。"),
        ("station", {"name": "   "}, "请填写单位名称。"),
        ("station", {"name": "某点", "lng": 200}, "经度"),
    ],
)
def test_post_child_bad_input_is_a_chinese_400_and_creates_nothing(client, personas, parent, data, message):
    client.force_login(personas.office)
    before = Unit.objects.count()
    response = _post(client, f"/api/network/units/{getattr(personas, parent).pk}/children", data)
    assert response.status_code == 400
    assert message in response.json()["detail"]
    assert Unit.objects.count() == before


@pytest.mark.parametrize("persona", ["sibling", "auditor", "resident", "outsider"])
def test_post_child_refused_out_of_scope(client, personas, persona):
    client.force_login(getattr(personas, persona))
    before = Unit.objects.count()
    response = _post(client, f"/api/network/units/{personas.station.pk}/children", {"name": "越权新增"})
    assert response.status_code == 403
    assert response.json()["detail"] == DENIED
    assert Unit.objects.count() == before


def test_bearer_token_works_like_the_session(client, personas):
    token = client.post(
        "/api/auth/token",
        json.dumps({"username": "sibling", "password": PASSWORD, **otp_for("sibling")}),
        content_type="application/json",
    ).json()["token"]
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    assert client.get(f"/api/network/units/{personas.station_b.pk}", **auth).status_code == 200
    assert client.get(f"/api/network/units/{personas.station.pk}", **auth).status_code == 403
