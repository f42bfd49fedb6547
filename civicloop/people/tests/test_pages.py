"""Staff lists, search and detail pages; the person's own pages; who is allowed and who is refused."""

from __future__ import annotations

import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from civicloop.audit.models import AuditEvent
from civicloop.people import services
from civicloop.people.models import Resident, User
from civicloop.people.tests.helpers import id_number

RESIDENTS = reverse("people:resident_list")
VOLUNTEERS = reverse("people:volunteer_list")
TEAMS = reverse("people:team_list")


def _entered(personas, name="李桂兰", phone="13655556666", unit=None, **extra):
    return services.resident_enter(
        entered_by=personas.station_staff,
        name=name,
        phone=phone,
        unit=unit or personas.station,
        id_number=extra.pop("id_number", id_number("15020319450203456")),
        address=extra.pop("address", "万和阳光社区8栋3单元101"),
        **extra,
    )


# --- resident list and search ------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["station_staff", "institute_staff", "office"])
def test_staff_in_scope_see_masked_resident_list(client, personas, persona):
    client.force_login(getattr(personas, persona))
    page = client.get(RESIDENTS).content.decode()
    assert "张*" in page and "138****1234" in page
    assert "13812341234" not in page and "张三" not in page
    assert "3栋2单元501" not in page  # address masked in lists


def test_sibling_station_does_not_see_station_a_residents(client, personas):
    client.force_login(personas.sibling)
    response = client.get(RESIDENTS)
    assert response.status_code == 200
    assert "138****1234" not in response.content.decode()
    assert "没有找到群众。" in response.content.decode()


@pytest.mark.parametrize("persona", ["outsider", "resident", "volunteer", "leader", "auditor", "liaison"])
@pytest.mark.parametrize("url", [RESIDENTS, VOLUNTEERS, TEAMS])
def test_lists_refused_without_staff_role(client, personas, persona, url):
    if url == TEAMS and persona == "volunteer":
        # volunteers browse active teams to ask to join one (civicloop/people/tests/test_teams.py)
        client.force_login(personas.volunteer)
        assert "河西村乡土人才服务队" in client.get(url).content.decode()
        return
    client.force_login(getattr(personas, persona))
    assert client.get(url).status_code == 403
    assert AuditEvent.objects.filter(actor=getattr(personas, persona), outcome="denied").exists()


@pytest.mark.parametrize("url", [RESIDENTS, VOLUNTEERS, TEAMS])
def test_lists_need_sign_in(client, personas, url):
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response.url


@pytest.mark.parametrize(
    "q,found",
    [
        ("zs", True),
        ("ZS", True),
        ("张", True),
        ("1234", True),
        ("13812341234", True),
        ("lz", False),
        ("5678", False),
    ],
)
def test_resident_search(client, personas, q, found):
    _entered(personas, name="李桂兰", phone="13655556666")
    client.force_login(personas.station_staff)
    page = client.get(RESIDENTS, {"q": q}).content.decode()
    assert ("138****1234" in page) is found
    assert "136****6666" not in page  # 李桂兰 matches none of these


def test_resident_search_by_initials_finds_the_other_resident(client, personas):
    _entered(personas, name="李桂兰", phone="13655556666")
    client.force_login(personas.station_staff)
    page = client.get(RESIDENTS, {"q": "lgl"}).content.decode()
    assert "李*兰" in page and "张*" not in page


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_resident_list_is_paginated_without_n_plus_one(client, personas, django_assert_max_num_queries):
    client.force_login(personas.station_staff)
    client.get(RESIDENTS)
    with_one = _queries(client, RESIDENTS)
    for i in range(45):
        _entered(personas, name=f"居民{i}", phone=f"1370000{i:04d}", id_number="")
    assert _queries(client, RESIDENTS) == with_one  # 20 rows cost what one row costs
    with django_assert_max_num_queries(16):
        page = client.get(RESIDENTS).content.decode()
    assert "共 46 名群众" in page
    assert len(re.findall(r'href="/people/residents/\d+/"', page)) == 20
    assert "page=2" in page
    last = client.get(RESIDENTS, {"page": 3}).content.decode()
    assert len(re.findall(r'href="/people/residents/\d+/"', last)) == 6
    assert "张*" in last  # the oldest resident is on the last page


# --- resident detail and unmasking ---------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["station_staff", "institute_staff", "office"])
def test_staff_in_scope_see_full_phone_and_address_but_masked_id(client, personas, persona):
    resident = _entered(personas)
    client.force_login(getattr(personas, persona))
    page = client.get(reverse("people:resident_detail", args=[resident.pk])).content.decode()
    assert "13655556666" in page
    assert "万和阳光社区8栋3单元101" in page
    assert resident.id_number not in page
    assert resident.masked_id_number in page
    assert "查看身份证号码" in page


@pytest.mark.parametrize("persona", ["sibling", "outsider", "resident", "volunteer", "auditor"])
def test_resident_detail_refused(client, personas, persona):
    resident = _entered(personas)
    client.force_login(getattr(personas, persona))
    response = client.get(reverse("people:resident_detail", args=[resident.pk]))
    assert response.status_code == 403
    assert "13655556666" not in response.content.decode()


def test_unmask_reveals_once_and_writes_one_audit_event(client, personas):
    resident = _entered(personas)
    client.force_login(personas.station_staff)
    response = client.post(reverse("people:resident_unmask", args=[resident.pk]))
    assert response.status_code == 200
    assert resident.id_number in response.content.decode()
    events = AuditEvent.objects.filter(action="unmask_id", object_id=str(resident.pk))
    assert events.count() == 1
    event = events.get()
    assert event.actor == personas.station_staff and event.outcome == "ok" and event.unit == personas.station
    # the next ordinary view is masked again
    page = client.get(reverse("people:resident_detail", args=[resident.pk])).content.decode()
    assert resident.id_number not in page


@pytest.mark.parametrize("persona", ["sibling", "outsider", "resident"])
def test_unmask_refused_and_audited(client, personas, persona):
    resident = _entered(personas)
    client.force_login(getattr(personas, persona))
    response = client.post(reverse("people:resident_unmask", args=[resident.pk]))
    assert response.status_code == 403
    assert resident.id_number not in response.content.decode()
    events = AuditEvent.objects.filter(action="unmask_id", object_id=str(resident.pk))
    assert list(events.values_list("outcome", flat=True)) == ["denied"]
    assert events.get().actor == getattr(personas, persona)


def test_unmask_needs_post(client, personas):
    resident = _entered(personas)
    client.force_login(personas.station_staff)
    assert client.get(reverse("people:resident_unmask", args=[resident.pk])).status_code == 405
    assert not AuditEvent.objects.filter(action="unmask_id").exists()


# --- volunteers and teams ------------------------------------------------------------------------------------------


def test_volunteer_list_and_detail_for_staff(client, personas, django_assert_max_num_queries):
    client.force_login(personas.station_staff)
    with django_assert_max_num_queries(16):
        page = client.get(VOLUNTEERS).content.decode()
    number = personas.volunteer_profile.number
    assert number in page and "刘*" in page and "139****0002" in page
    assert client.get(VOLUNTEERS, {"q": "lzy"}).content.decode().count(number) >= 1
    assert number in client.get(VOLUNTEERS, {"q": "0002"}).content.decode()
    assert number not in client.get(VOLUNTEERS, {"q": "zs"}).content.decode()
    detail = client.get(reverse("people:volunteer_detail", args=[personas.volunteer_profile.pk]))
    assert "万和阳光党员志愿服务队" in detail.content.decode()


@pytest.mark.parametrize("persona", ["sibling", "outsider", "resident", "leader"])
def test_volunteer_detail_refused(client, personas, persona):
    client.force_login(getattr(personas, persona))
    response = client.get(reverse("people:volunteer_detail", args=[personas.volunteer_profile.pk]))
    assert response.status_code == 403


def test_sibling_volunteer_list_is_empty_of_station_a(client, personas):
    client.force_login(personas.sibling)
    assert personas.volunteer_profile.number not in client.get(VOLUNTEERS).content.decode()


def test_team_list_scoped(client, personas, django_assert_max_num_queries):
    client.force_login(personas.station_staff)
    with django_assert_max_num_queries(16):
        page = client.get(TEAMS).content.decode()
    assert "万和阳光党员志愿服务队" in page and "河西村乡土人才服务队" not in page
    client.force_login(personas.sibling)
    page = client.get(TEAMS).content.decode()
    assert "河西村乡土人才服务队" in page and "万和阳光党员志愿服务队" not in page


@pytest.mark.parametrize("persona", ["station_staff", "leader", "volunteer"])
def test_team_detail_allowed(client, personas, persona):
    client.force_login(getattr(personas, persona))
    page = client.get(reverse("people:team_detail", args=[personas.team.pk])).content.decode()
    assert "陈队长" in page and "刘志愿" in page and "万和阳光社区一号楼实践点" in page and "卫生健身" in page


@pytest.mark.parametrize("persona", ["sibling", "outsider", "resident"])
def test_team_detail_refused(client, personas, persona):
    client.force_login(getattr(personas, persona))
    assert client.get(reverse("people:team_detail", args=[personas.team.pk])).status_code == 403


def test_my_teams_for_leader(client, personas):
    client.force_login(personas.leader)
    page = client.get(reverse("people:my_teams")).content.decode()
    assert "万和阳光党员志愿服务队" in page and "1 名队员" in page
    assert "河西村乡土人才服务队" not in page


@pytest.mark.parametrize("persona", ["volunteer", "resident", "outsider", "station_staff"])
def test_my_teams_refused(client, personas, persona):
    client.force_login(getattr(personas, persona))
    assert client.get(reverse("people:my_teams")).status_code == 403


def test_volunteer_home(client, personas):
    client.force_login(personas.volunteer)
    page = client.get(reverse("people:volunteer_home")).content.decode()
    assert personas.volunteer_profile.number in page
    assert "万和阳光党员志愿服务队" in page and "在职党员" in page and "卫生健身" in page


@pytest.mark.parametrize("persona", ["resident", "outsider", "station_staff"])
def test_volunteer_home_refused(client, personas, persona):
    client.force_login(getattr(personas, persona))
    assert client.get(reverse("people:volunteer_home")).status_code == 403


# --- the resident's own data ---------------------------------------------------------------------------------------


def test_resident_home_shows_every_field(client, personas):
    client.force_login(personas.resident)
    page = client.get(reverse("people:resident_home")).content.decode()
    for text in (
        "张三",
        "13812341234",
        "万和阳光社区3栋2单元501",
        "空巢老人",
        "万和阳光社区新时代文明实践站",
    ):
        assert text in page


@pytest.mark.parametrize("persona", ["volunteer", "outsider", "station_staff"])
@pytest.mark.parametrize("name", ["people:resident_home", "people:resident_export", "people:resident_erase"])
def test_resident_pages_refused_to_non_residents(client, personas, persona, name):
    client.force_login(getattr(personas, persona))
    assert client.get(reverse(name)).status_code == 403


def test_resident_downloads_their_data(client, personas):
    client.force_login(personas.resident)
    response = client.get(reverse("people:resident_export"))
    assert response["Content-Disposition"].startswith("attachment")
    data = json.loads(response.content)
    assert data["mobile"] == "13812341234"
    assert data["address"] == "万和阳光社区3栋2单元501"
    assert data["focus_groups"] == ["empty_nest_elderly"]
    assert AuditEvent.objects.filter(action="resident_export", actor=personas.resident).count() == 1


def test_resident_erase_needs_confirmation(client, personas):
    client.force_login(personas.resident)
    response = client.post(reverse("people:resident_erase"), {})
    assert "请勾选以确认删除。" in response.content.decode()
    assert Resident.objects.get(pk=personas.resident_profile.pk).erased_at is None


def test_resident_erase_deletes_personal_data_and_closes_account(client, personas):
    client.force_login(personas.resident)
    response = client.post(reverse("people:resident_erase"), {"confirm": "on"})
    assert response.status_code == 302
    resident = Resident.objects.get(pk=personas.resident_profile.pk)
    assert resident.erased_at is not None
    assert (resident.name, resident.phone, resident.address, resident.focus_groups) == (
        "已注销",
        "",
        "",
        None,
    )
    user = User.objects.get(pk=personas.resident.pk)
    assert not user.is_active and user.phone == "" and user.full_name == ""
    assert AuditEvent.objects.filter(action="resident_erase").count() == 1
    client.force_login(personas.station_staff)
    assert "138****1234" not in client.get(RESIDENTS).content.decode()


def test_nav_shows_people_links_for_staff(client, personas):
    client.force_login(personas.station_staff)
    page = client.get(RESIDENTS).content.decode()
    assert reverse("people:volunteer_list") in page and reverse("people:team_list") in page


def test_resident_who_volunteers_finds_both_pages_in_nav(client, personas):
    services.volunteer_register(
        user=personas.resident, home_unit=personas.station, categories=["health"], consent=True
    )
    client.force_login(personas.resident)
    page = client.get(reverse("people:volunteer_home")).content.decode()
    assert reverse("people:resident_home") in page


def test_resident_list_unit_filter_offers_only_units_in_scope(client, personas):
    _entered(personas, name="李桂兰", phone="13655556666", unit=personas.station_b, id_number="")
    client.force_login(personas.institute_staff)
    everyone = client.get(RESIDENTS).content.decode()
    assert "张*" in everyone and "李*兰" in everyone
    only_b = client.get(RESIDENTS, {"unit": personas.station_b.pk}).content.decode()
    assert "李*兰" in only_b and "张*" not in only_b
    client.force_login(personas.station_staff)
    page = client.get(RESIDENTS, {"unit": personas.station_b.pk}).content.decode()
    assert "河西村新时代文明实践站" not in page  # neither offered nor listed
    assert "李*兰" not in page
