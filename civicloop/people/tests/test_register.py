"""Self-registration of residents and volunteers, and staff entry of residents (代录)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from civicloop.audit.models import AuditEvent
from civicloop.people.models import Resident, User, Volunteer
from civicloop.people.tests.helpers import bad_check_digit, id_number, resident_form, volunteer_form

REGISTER_RESIDENT = reverse("people:register_resident")
REGISTER_VOLUNTEER = reverse("people:register_volunteer")
ENTER = reverse("people:resident_enter")


def _child_birth_date() -> str:
    today = dt.date.today()
    return dt.date(today.year - 8, 6, 1).isoformat()


def test_register_page_lists_stations_grouped_by_institute(client, personas):
    page = client.get(REGISTER_RESIDENT).content.decode()
    assert '<optgroup label="昆河镇新时代文明实践所">' in page
    assert "万和阳光社区新时代文明实践站" in page
    assert "区卫生健康委员会" not in page  # departments are not stations
    assert "隐私说明" in page


def test_resident_registers_and_lands_on_their_page(client, personas):
    response = client.post(REGISTER_RESIDENT, resident_form(personas.station))
    assert response.status_code == 302
    assert response.url == reverse("people:resident_home")
    resident = Resident.objects.get(name="王秀英")
    assert resident.phone == "13712345678"
    assert resident.unit == personas.station
    assert resident.consent_at is not None
    assert resident.focus_groups == ["empty_nest_elderly"]
    home = client.get(response.url).content.decode()
    assert "王秀英" in home and "13712345678" in home and "空巢老人" in home


def test_child_with_guardian_is_recorded(client, personas):
    data = resident_form(
        personas.station,
        birth_date=_child_birth_date(),
        guardian_name="王建国",
        guardian_phone="13711112222",
        guardian_consent="on",
    )
    assert client.post(REGISTER_RESIDENT, data).status_code == 302
    child = Resident.objects.get(name="王秀英")
    assert child.guardian_name == "王建国"
    assert child.guardian_consent_at is not None


@pytest.mark.parametrize(
    "overrides,message",
    [
        ({"phone": "1234567"}, "请输入正确的11位手机号码。"),
        ({"birth_date": "CHILD"}, "未满14周岁的儿童须填写监护人姓名、手机号码并经监护人同意后才能登记。"),
        ({"username": "resident"}, "该用户名已被占用。"),
        ({"consent": None}, "请阅读并同意隐私说明。"),
        ({"name": ""}, "请填写姓名。"),
        ({"unit": "999999"}, "请从列表中选择站点。"),
        ({"password": "12345678"}, "这个密码太常见了。"),
        ({"password": "Kd-7x"}, "密码长度太短。密码必须包含至少 10 个字符。"),
    ],
)
def test_resident_registration_bad_input_shows_chinese_and_writes_nothing(
    client, personas, overrides, message
):
    if overrides.get("birth_date") == "CHILD":
        overrides = {"birth_date": _child_birth_date()}
    users, residents = User.objects.count(), Resident.objects.count()
    response = client.post(REGISTER_RESIDENT, resident_form(personas.station, **overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert (User.objects.count(), Resident.objects.count()) == (users, residents)


def test_resident_cannot_register_at_a_department(client, personas):
    response = client.post(REGISTER_RESIDENT, resident_form(personas.department))
    assert "请从列表中选择站点。" in response.content.decode()
    assert not Resident.objects.filter(name="王秀英").exists()


def test_volunteer_registers_with_grid_and_id(client, personas):
    response = client.post(REGISTER_VOLUNTEER, volunteer_form(personas.station))
    assert response.status_code == 302
    assert response.url == reverse("people:volunteer_home")
    volunteer = Volunteer.objects.get(user__username="zhaozhiqiang")
    assert volunteer.availability == {"sat": ["am"], "sun": ["pm"]}
    assert volunteer.id_number == id_number()
    assert volunteer.number.startswith("KD-V")
    page = client.get(response.url).content.decode()
    assert volunteer.number in page
    assert "周六上午" in page and "周日下午" in page  # the availability grid, in Chinese
    assert id_number() not in page  # the volunteer's own page shows the ID masked


@pytest.mark.parametrize(
    "overrides,message",
    [
        ({"id_number": bad_check_digit()}, "身份证号码校验位不正确，请核对后重新输入。"),
        ({"phone": "2345"}, "请输入正确的11位手机号码。"),
        ({"username": "volunteer"}, "该用户名已被占用。"),
        ({"consent": None}, "请阅读并同意隐私说明。"),
        ({"categories": None}, "请至少选择一个服务平台。"),
        ({"availability": ["xyz_am"]}, "xyz_am"),
    ],
)
def test_volunteer_registration_bad_input(client, personas, overrides, message):
    users, volunteers = User.objects.count(), Volunteer.objects.count()
    response = client.post(REGISTER_VOLUNTEER, volunteer_form(personas.station, **overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert (User.objects.count(), Volunteer.objects.count()) == (users, volunteers)


def test_resident_becomes_volunteer_without_new_account(client, personas):
    client.force_login(personas.resident)
    page = client.get(REGISTER_VOLUNTEER).content.decode()
    assert 'name="username"' not in page
    users = User.objects.count()
    response = client.post(
        REGISTER_VOLUNTEER,
        {"unit": personas.station.pk, "categories": ["health"], "consent": "on"},
    )
    assert response.status_code == 302
    assert User.objects.count() == users
    assert Volunteer.objects.get(user=personas.resident).home_unit == personas.station
    assert client.get(REGISTER_VOLUNTEER).url == reverse("people:volunteer_home")


# --- staff entry (代录) --------------------------------------------------------------------------------------------


def _entry(unit, **overrides):
    data = {
        "name": "李桂兰",
        "phone": "13655556666",
        "unit": str(unit.pk),
        "id_number": id_number("15020319450203456"),
        "address": "河西村二组18号",
        "consent": "on",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_station_staff_enter_a_resident(client, personas):
    client.force_login(personas.station_staff)
    page = client.get(ENTER).content.decode()
    assert "万和阳光社区新时代文明实践站" in page
    assert "河西村新时代文明实践站" not in page  # only stations in scope are offered
    response = client.post(ENTER, _entry(personas.station))
    resident = Resident.objects.get(name="李桂兰")
    assert response.url == reverse("people:resident_detail", args=[resident.pk])
    assert resident.user is None and resident.entered_by == personas.station_staff
    assert resident.birth_date == dt.date(1945, 2, 3)  # taken from the ID number
    assert AuditEvent.objects.filter(action="resident_enter", object_id=str(resident.pk)).count() == 1


def test_sibling_cannot_enter_a_resident_at_station_a(client, personas):
    client.force_login(personas.sibling)
    response = client.post(ENTER, _entry(personas.station))
    assert "请从列表中选择站点。" in response.content.decode()
    assert not Resident.objects.filter(name="李桂兰").exists()


@pytest.mark.parametrize("persona", ["outsider", "resident", "volunteer", "leader"])
def test_entry_refused_without_staff_role(client, personas, persona):
    client.force_login(getattr(personas, persona))
    assert client.get(ENTER).status_code == 403
    assert client.post(ENTER, _entry(personas.station)).status_code == 403
    assert not Resident.objects.filter(name="李桂兰").exists()


def test_entry_requires_login(client, personas):
    assert client.get(ENTER).status_code == 302


@pytest.mark.parametrize(
    "overrides,message",
    [
        ({"id_number": bad_check_digit("15020319450203456")}, "身份证号码校验位不正确，请核对后重新输入。"),
        ({"phone": "10086"}, "请输入正确的11位手机号码。"),
        ({"consent": None}, "请确认群众已同意隐私说明。"),
        (
            {"id_number": "", "birth_date": "CHILD"},
            "未满14周岁的儿童须填写监护人姓名、手机号码并经监护人同意后才能登记。",
        ),
        (
            {"id_number": id_number("15020319450203456"), "birth_date": "1950-01-01"},
            "出生日期与身份证号码不一致。",
        ),
        ({"name": ""}, "请填写姓名。"),
    ],
)
def test_entry_bad_input(client, personas, overrides, message):
    if overrides.get("birth_date") == "CHILD":
        overrides = {**overrides, "birth_date": _child_birth_date()}
    client.force_login(personas.station_staff)
    count = Resident.objects.count()
    response = client.post(ENTER, _entry(personas.station, **overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Resident.objects.count() == count


def test_entry_duplicate_id_refused(client, personas):
    client.force_login(personas.station_staff)
    client.post(ENTER, _entry(personas.station))
    response = client.post(ENTER, _entry(personas.station, name="李桂兰二"))
    assert "该身份证号码的群众已登记。" in response.content.decode()
    assert Resident.objects.filter(name__startswith="李桂兰").count() == 1
