"""Unit tree pages: who may browse, see, edit, add and hand out roles; what they see; what bad input does."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from civicloop.audit.models import AuditEvent
from civicloop.network.models import Membership, Unit
from civicloop.network.services import unit_create

pytestmark = pytest.mark.django_db

DENIED = "您没有权限"


def _get(client, user, name, *args):
    client.force_login(user)
    return client.get(reverse(name, args=args))


def _denials(action):
    return AuditEvent.objects.filter(action=action, outcome=AuditEvent.Outcome.DENIED)


# --- the tree -----------------------------------------------------------------------------------------------


def test_office_sees_the_whole_tree_from_the_root(client, personas):
    page = _get(client, personas.office, "network:unit_tree").content.decode()
    assert "昆都仑区新时代文明实践中心" in page
    assert "新时代文明实践中心" in page and "实践中心" in page  # level badge in Chinese


def test_station_staff_see_their_station_with_counts_but_not_the_sibling(client, personas):
    response = _get(client, personas.station_staff, "network:unit_tree")
    assert response.status_code == 200
    rows = {row.unit.name: row.counts for row in response.context["rows"]}
    assert list(rows) == ["万和阳光社区新时代文明实践站"]
    counts = rows["万和阳光社区新时代文明实践站"]
    assert (counts.children, counts.volunteers, counts.teams, counts.residents) == (1, 1, 1, 1)
    page = response.content.decode()
    assert "河西村" not in page
    assert "展开下级" in page  # the lazy-expand button, in Chinese


def test_institute_counts_cover_the_whole_subtree(client, personas):
    response = _get(client, personas.institute_staff, "network:unit_tree")
    counts = response.context["rows"][0].counts
    # two stations below; team A and team B; one volunteer and one resident, all inside the institute
    assert (counts.children, counts.volunteers, counts.teams, counts.residents) == (2, 1, 2, 1)


@pytest.mark.parametrize("persona", ["resident", "outsider", "auditor", "volunteer", "leader", "liaison"])
def test_tree_refused_to_people_without_a_staff_role(client, personas, persona):
    response = _get(client, getattr(personas, persona), "network:unit_tree")
    assert response.status_code == 403
    assert DENIED in response.content.decode()
    assert _denials("unit_tree").count() == 1


def test_tree_needs_sign_in(client, personas):
    response = client.get(reverse("network:unit_tree"))
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_children_partial_lists_sub_units_and_refuses_the_sibling(client, personas):
    response = _get(client, personas.station_staff, "network:unit_children", personas.station.pk)
    assert response.status_code == 200
    assert "万和阳光社区一号楼实践点" in response.content.decode()
    assert "<html" not in response.content.decode()  # a fragment for htmx
    response = client.get(reverse("network:unit_children", args=[personas.station_b.pk]))
    assert response.status_code == 403
    assert _denials("unit_view").filter(object_id=str(personas.station_b.pk)).exists()


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


def test_children_partial_counts_by_a_fixed_number_of_queries(
    client, personas, django_assert_max_num_queries
):
    client.force_login(personas.institute_staff)
    url = reverse("network:unit_children", args=[personas.institute.pk])
    few = _queries(client, url)
    for i in range(12):
        station = unit_create(parent=personas.institute, name=f"测试社区{i}新时代文明实践站")
        unit_create(parent=station, name=f"测试社区{i}一号点")
    with django_assert_max_num_queries(few):
        response = client.get(url)
    assert len(response.context["rows"]) == 14


def test_children_partial_pages_through_long_lists(client, personas):
    for i in range(52):
        unit_create(parent=personas.institute, name=f"测试社区{i:02d}新时代文明实践站")
    client.force_login(personas.institute_staff)
    url = reverse("network:unit_children", args=[personas.institute.pk])
    first = client.get(url)
    assert len(first.context["rows"]) == 50
    assert f"{url}?page=2" in first.content.decode()  # the "more" button
    second = client.get(url, {"page": 2})
    assert len(second.context["rows"]) == 4
    assert "?page=3" not in second.content.decode()


def test_tree_page_query_count_does_not_grow_with_units(client, personas):
    """A person on staff at many stations gets one row per station, still by a fixed number of queries."""
    stations = [unit_create(parent=personas.institute, name=f"测试社区{i}新时代文明实践站") for i in range(3)]
    user = personas.outsider
    for station in stations:
        Membership.objects.create(user=user, unit=station, role="staff")
    client.force_login(user)
    client.get(reverse("network:unit_tree"))  # the session's first request also notes the roles
    few = _queries(client, reverse("network:unit_tree"))
    for i in range(3, 15):
        station = unit_create(parent=personas.institute, name=f"测试社区{i}新时代文明实践站")
        Membership.objects.create(user=user, unit=station, role="staff")
    assert _queries(client, reverse("network:unit_tree")) == few
    assert len(client.get(reverse("network:unit_tree")).context["rows"]) == 15


# --- a unit -------------------------------------------------------------------------------------------------


def test_unit_page_shows_fields_children_and_staff(client, personas):
    response = _get(client, personas.institute_staff, "network:unit_detail", personas.station.pk)
    assert response.status_code == 200
    page = response.content.decode()
    assert "万和阳光社区一号楼实践点" in page  # child
    assert "李站长" in page  # staff of the station
    assert "授予角色" in page  # the institute may hand out roles at the station
    assert [a.name for a in response.context["ancestors"]] == ["昆河镇新时代文明实践所"]  # not the centre
    assert [r.unit.name for r in response.context["rows"]] == ["万和阳光社区一号楼实践点"]


def test_station_staff_see_their_unit_but_cannot_hand_out_roles_there(client, personas):
    response = _get(client, personas.station_staff, "network:unit_detail", personas.station.pk)
    assert response.status_code == 200
    assert response.context["can_roles"] is False
    assert "授予角色" not in response.content.decode()


@pytest.mark.parametrize("persona", ["sibling", "resident", "outsider", "auditor"])
def test_unit_page_refused_outside_scope(client, personas, persona):
    response = _get(client, getattr(personas, persona), "network:unit_detail", personas.station.pk)
    assert response.status_code == 403
    assert "无权访问" in response.content.decode()
    event = _denials("unit_view").get()
    assert event.actor == getattr(personas, persona)
    assert event.object_id == str(personas.station.pk)


def test_unknown_unit_is_not_found(client, personas):
    assert _get(client, personas.office, "network:unit_detail", 999999).status_code == 404


# --- edit ---------------------------------------------------------------------------------------------------


def _edit_data(unit, **changes):
    data = {
        "name": unit.name,
        "division_code": unit.division_code,
        "industry": unit.industry,
        "address": unit.address,
        "lat": "" if unit.lat is None else unit.lat,
        "lng": "" if unit.lng is None else unit.lng,
        "contact_name": unit.contact_name,
        "contact_phone": unit.contact_phone,
        "description": unit.description,
    }
    data.update(changes)
    return data


def test_station_staff_edit_their_station(client, personas):
    client.force_login(personas.station_staff)
    url = reverse("network:unit_edit", args=[personas.station.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url, _edit_data(personas.station, address="昆河镇万和路8号", division_code="150203101")
    )
    assert response.status_code == 302
    station = Unit.objects.get(pk=personas.station.pk)
    assert station.address == "昆河镇万和路8号" and station.division_code == "150203101"
    event = AuditEvent.objects.get(action="unit_update")
    assert event.actor == personas.station_staff and "address" in event.detail


@pytest.mark.parametrize(
    "changes,message",
    [
        ({"division_code": "12"}, "行政区划代码"),
        ({"name": "  "}, "名称"),
        ({"lat": "91"}, "纬度"),
        ({"lat": "abc"}, "输入一个数字"),
    ],
)
def test_bad_edit_shows_chinese_message_and_changes_nothing(client, personas, changes, message):
    client.force_login(personas.station_staff)
    url = reverse("network:unit_edit", args=[personas.station.pk])
    response = client.post(url, _edit_data(personas.station, address="不应保存", **changes))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Unit.objects.get(pk=personas.station.pk).address == ""
    assert not AuditEvent.objects.filter(action="unit_update").exists()


@pytest.mark.parametrize("persona", ["sibling", "auditor", "resident", "outsider", "leader"])
def test_edit_refused_outside_scope(client, personas, persona):
    client.force_login(getattr(personas, persona))
    url = reverse("network:unit_edit", args=[personas.station.pk])
    assert client.get(url).status_code == 403
    response = client.post(url, _edit_data(personas.station, address="越权修改"))
    assert response.status_code == 403
    assert Unit.objects.get(pk=personas.station.pk).address == ""
    assert _denials("unit_update").count() == 2


# --- add a child --------------------------------------------------------------------------------------------


def test_station_staff_add_a_point_under_their_station(client, personas):
    client.force_login(personas.station_staff)
    url = reverse("network:unit_add", args=[personas.station.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"kind": "practice", "name": "万和阳光社区二号楼实践点", "lat": "40.63"})
    child = Unit.objects.get(name="万和阳光社区二号楼实践点")
    assert response.status_code == 302 and response.url == reverse("network:unit_detail", args=[child.pk])
    assert child.level == "point" and Unit.objects.get_parent(child).pk == personas.station.pk
    assert AuditEvent.objects.filter(action="unit_create", object_id=str(child.pk)).exists()


def test_a_venue_hangs_under_a_station_without_a_level(client, personas):
    client.force_login(personas.station_staff)
    client.post(
        reverse("network:unit_add", args=[personas.station.pk]), {"kind": "venue", "name": "万和党群服务中心"}
    )
    venue = Unit.objects.get(name="万和党群服务中心")
    assert venue.kind == "venue" and venue.level == ""


def test_nothing_hangs_as_a_practice_unit_under_a_point(client, personas):
    client.force_login(personas.station_staff)
    before = Unit.objects.count()
    response = client.post(
        reverse("network:unit_add", args=[personas.point.pk]), {"kind": "practice", "name": "多余一级"}
    )
    assert response.status_code == 200
    assert "此单位下" in response.content.decode()
    assert Unit.objects.count() == before


def test_add_without_name_shows_chinese_message(client, personas):
    client.force_login(personas.station_staff)
    before = Unit.objects.count()
    response = client.post(reverse("network:unit_add", args=[personas.station.pk]), {"kind": "practice"})
    assert "这个字段是必填项" in response.content.decode()
    assert Unit.objects.count() == before


@pytest.mark.parametrize("persona", ["sibling", "auditor", "resident", "outsider"])
def test_add_refused_outside_scope(client, personas, persona):
    client.force_login(getattr(personas, persona))
    before = Unit.objects.count()
    response = client.post(
        reverse("network:unit_add", args=[personas.station.pk]), {"kind": "practice", "name": "越权新增"}
    )
    assert response.status_code == 403
    assert Unit.objects.count() == before
    assert _denials("unit_create").count() == 1


# --- roles --------------------------------------------------------------------------------------------------


def test_institute_grants_and_revokes_a_staff_role_at_a_station(client, personas):
    client.force_login(personas.institute_staff)
    response = client.post(
        reverse("network:membership_grant", args=[personas.station.pk]),
        {"username": "outsider", "role": "staff", "title": "副站长"},
    )
    assert response.status_code == 302
    membership = Membership.objects.get(user=personas.outsider, unit=personas.station)
    assert membership.role == "staff" and membership.title == "副站长"
    assert AuditEvent.objects.filter(action="role_grant", actor=personas.institute_staff).count() == 1

    response = client.post(reverse("network:membership_revoke", args=[membership.pk]))
    assert response.status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert AuditEvent.objects.filter(action="role_revoke", detail="outsider:staff").count() == 1


def test_office_grants_an_auditor_role_at_the_root(client, personas):
    client.force_login(personas.office)
    client.post(
        reverse("network:membership_grant", args=[personas.root.pk]),
        {"username": "outsider", "role": "auditor"},
    )
    assert Membership.objects.filter(user=personas.outsider, unit=personas.root, role="auditor").exists()


def test_grant_to_unknown_account_shows_chinese_message(client, personas):
    client.force_login(personas.institute_staff)
    response = client.post(
        reverse("network:membership_grant", args=[personas.station.pk]),
        {"username": "nobody", "role": "staff"},
    )
    assert response.status_code == 400
    assert "没有这个用户名" in response.content.decode()
    assert not AuditEvent.objects.filter(action="role_grant").exists()


def test_grant_with_unknown_role_writes_nothing(client, personas):
    client.force_login(personas.institute_staff)
    before = Membership.objects.count()
    response = client.post(
        reverse("network:membership_grant", args=[personas.station.pk]),
        {"username": "outsider", "role": "king"},
    )
    assert response.status_code == 400
    assert "选择一个有效的选项" in response.content.decode()
    assert Membership.objects.count() == before


@pytest.mark.parametrize("persona", ["station_staff", "sibling", "auditor", "resident", "outsider"])
def test_grant_refused_to_all_but_office_and_ancestor_staff(client, personas, persona):
    client.force_login(getattr(personas, persona))
    before = Membership.objects.count()
    response = client.post(
        reverse("network:membership_grant", args=[personas.station.pk]),
        {"username": "outsider", "role": "staff"},
    )
    assert response.status_code == 403
    assert Membership.objects.count() == before
    assert _denials("role_grant").count() == 1


@pytest.mark.parametrize("persona", ["station_staff", "sibling", "auditor", "resident"])
def test_revoke_refused_to_all_but_office_and_ancestor_staff(client, personas, persona):
    membership = Membership.objects.get(user=personas.station_staff, unit=personas.station)
    client.force_login(getattr(personas, persona))
    response = client.post(reverse("network:membership_revoke", args=[membership.pk]))
    assert response.status_code == 403
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_revoke_is_post_only(client, personas):
    membership = Membership.objects.get(user=personas.station_staff, unit=personas.station)
    client.force_login(personas.office)
    assert client.get(reverse("network:membership_revoke", args=[membership.pk])).status_code == 405
    assert Membership.objects.filter(pk=membership.pk).exists()
