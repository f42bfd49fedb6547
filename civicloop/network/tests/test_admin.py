"""The Django admin: in Chinese, scoped through the access package for non-superusers, sensitive values masked."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission

from civicloop.audit.models import AuditEvent
from civicloop.network.models import Membership, Unit
from civicloop.people import services as people

pytestmark = pytest.mark.django_db

ID_NUMBER = "11010519491231002X"  # the GB 11643 worked example


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser("root", password="Kd-root-2026!")


@pytest.fixture
def backoffice(personas):
    """Station A's staff member, allowed into the admin with view/change rights on the foundation models."""
    user = personas.station_staff
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    codenames = [
        "view_unit",
        "change_unit",
        "view_membership",
        "add_membership",
        "delete_membership",
        "view_resident",
        "view_volunteer",
        "view_team",
        "view_user",
        "view_auditevent",
    ]
    user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    return user


@pytest.fixture
def resident_with_id(personas):
    return people.resident_enter(
        entered_by=personas.station_staff,
        name="王五",
        unit=personas.station,
        phone="13712345678",
        id_number=ID_NUMBER,
        address="万和阳光社区5栋1单元101",
    )


def test_admin_is_in_chinese(client, superuser):
    client.force_login(superuser)
    page = client.get("/admin/").content.decode()
    assert "文明实践志愿服务平台 · 后台" in page
    assert "阵地网络" in page or "单位" in page


def test_superuser_sees_every_unit(client, superuser, personas):
    client.force_login(superuser)
    response = client.get("/admin/network/unit/")
    assert response.status_code == 200
    assert response.context["cl"].result_count == Unit.objects.count()


def test_staff_see_only_their_subtree_in_the_admin(client, backoffice, personas):
    client.force_login(backoffice)
    response = client.get("/admin/network/unit/")
    assert response.status_code == 200
    names = {u.name for u in response.context["cl"].result_list}
    assert names == {"万和阳光社区新时代文明实践站", "万和阳光社区一号楼实践点"}
    # the sibling station does not exist for them: the admin redirects with "not found"
    response = client.get(f"/admin/network/unit/{personas.station_b.pk}/change/")
    assert response.status_code == 302
    assert client.get("/admin/audit/auditevent/").context["cl"].result_count == 0  # not an auditor


def test_admin_unit_change_goes_through_the_service(client, backoffice, personas):
    client.force_login(backoffice)
    url = f"/admin/network/unit/{personas.station.pk}/change/"
    data = {"name": personas.station.name, "division_code": "150203101", "lat": "40.63", "lng": "109.81"}
    data.update({k: "" for k in ("industry", "address", "contact_name", "contact_phone", "description")})
    assert client.post(url, data).status_code == 302
    assert Unit.objects.get(pk=personas.station.pk).division_code == "150203101"
    assert AuditEvent.objects.filter(action="unit_update", actor=backoffice).exists()
    # bad input: a Chinese message and nothing saved
    response = client.post(url, {**data, "division_code": "12"})
    assert response.status_code == 200
    assert "行政区划代码应为6位、9位或12位数字。" in response.content.decode()
    assert Unit.objects.get(pk=personas.station.pk).division_code == "150203101"


def test_admin_scopes_people_and_masks_id_numbers(client, backoffice, superuser, personas, resident_with_id):
    people.resident_enter(
        entered_by=personas.sibling, name="赵六", unit=personas.station_b, phone="13600001111"
    )
    for user in (backoffice, superuser):
        client.force_login(user)
        response = client.get("/admin/people/resident/")
        page = response.content.decode()
        assert ID_NUMBER not in page and "13712345678" not in page
        assert "1101**********002X" in page and "137****5678" in page
        detail = client.get(f"/admin/people/resident/{resident_with_id.pk}/change/").content.decode()
        assert ID_NUMBER not in detail and "5栋1单元101" not in detail
    client.force_login(backoffice)
    names = {r.pk for r in client.get("/admin/people/resident/").context["cl"].result_list}
    assert names == {personas.resident_profile.pk, resident_with_id.pk}  # not the sibling's 赵六


def test_admin_people_lists_are_read_only(client, superuser, personas):
    client.force_login(superuser)
    assert client.get("/admin/people/resident/add/").status_code == 403
    assert client.get("/admin/people/volunteer/add/").status_code == 403
    assert client.get("/admin/people/team/add/").status_code == 403


def test_admin_user_list_is_scoped(client, backoffice, personas):
    client.force_login(backoffice)
    usernames = {u.username for u in client.get("/admin/people/user/").context["cl"].result_list}
    assert {"station", "volunteer", "resident"} <= usernames
    assert not usernames & {"sibling", "office", "outsider", "leader_b"}


def test_admin_roles_are_granted_through_the_service_and_scoped(client, backoffice, personas):
    """Station staff may not hand out roles at their own station, even in the admin."""
    client.force_login(backoffice)
    before = Membership.objects.count()
    response = client.post(
        "/admin/network/membership/add/",
        {"user": personas.outsider.pk, "unit": personas.station.pk, "role": "staff", "title": ""},
    )
    assert response.status_code == 403
    assert Membership.objects.count() == before
    # the unit choices only offer units in scope
    form = client.get("/admin/network/membership/add/").context["adminform"].form
    assert set(form.fields["unit"].queryset) == {personas.station, personas.point}


def test_superuser_grants_a_role_in_the_admin_with_an_audit_row(client, superuser, personas):
    client.force_login(superuser)
    response = client.post(
        "/admin/network/membership/add/",
        {"user": personas.outsider.pk, "unit": personas.station.pk, "role": "staff", "title": "站员"},
    )
    assert response.status_code == 302
    assert Membership.objects.filter(user=personas.outsider, unit=personas.station).exists()
    assert AuditEvent.objects.filter(action="role_grant", actor=superuser).exists()


def test_records_ledger_is_read_only_in_the_admin(client, superuser):
    client.force_login(superuser)
    assert client.get("/admin/records/servicerecord/").status_code == 200
    assert client.get("/admin/records/servicerecord/add/").status_code == 403


def test_admin_team_and_volunteer_lists_are_scoped(client, backoffice, personas):
    client.force_login(backoffice)
    teams = set(client.get("/admin/people/team/").context["cl"].result_list)
    assert teams == {personas.team}  # not the sibling station's team
    volunteers = set(client.get("/admin/people/volunteer/").context["cl"].result_list)
    assert volunteers == {personas.volunteer_profile}
    assert client.get(f"/admin/people/team/{personas.team_b.pk}/change/").status_code == 302  # "not found"


def test_admin_without_a_role_sees_nothing(client, personas):
    """A back-office account with model rights but no unit role: every list is empty (scope fails closed)."""
    user = personas.outsider
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    user.user_permissions.set(Permission.objects.filter(codename__in=["view_unit", "view_resident"]))
    client.force_login(user)
    assert client.get("/admin/network/unit/").context["cl"].result_count == 0
    assert client.get("/admin/people/resident/").context["cl"].result_count == 0
