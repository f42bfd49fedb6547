"""Browser tests: a resident and a volunteer registering on a phone, staff entering a resident at a desk."""

from __future__ import annotations

import pytest

from civicloop.people.models import Resident, Volunteer
from civicloop.people.tests.helpers import id_number

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_resident_registers_on_a_phone(personas, phone):
    page = phone.page
    phone.go("/people/register/resident/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling
    page.fill("input[name=name]", "王秀英")
    page.fill("input[name=phone]", "13712345678")
    page.fill("input[name=username]", "wangxiuying")
    page.fill("input[name=password]", "Kd-newpass-77")
    page.select_option("select[name=unit]", label="万和阳光社区新时代文明实践站")
    page.fill("input[name=address]", "万和阳光社区5栋1单元302")
    page.check("input[name=focus_groups][value=empty_nest_elderly]")
    assert not page.is_visible("input[name=guardian_name]")  # guardian fields only for a child
    # Forgetting the consent box keeps everything on the page with a Chinese message.
    page.click("form.form button[type=submit]")
    page.wait_for_load_state()
    assert "请阅读并同意隐私说明。" in page.content()
    assert not Resident.objects.filter(name="王秀英").exists()
    page.fill("input[name=password]", "Kd-newpass-77")
    page.check("input[name=consent]")
    phone.shot("people-register-resident-phone")
    page.click("form.form button[type=submit]")
    page.wait_for_load_state()
    assert page.url.endswith("/people/my/resident/")
    assert "欢迎！您已注册成功并登录。" in page.content()
    assert "13712345678" in page.content()
    phone.shot("people-resident-home-phone")
    assert Resident.objects.get(name="王秀英").user.username == "wangxiuying"


def test_child_shows_guardian_fields(personas, phone):
    page = phone.page
    phone.go("/people/register/resident/")
    page.fill("input[name=birth_date]", "2019-06-01")
    assert page.is_visible("input[name=guardian_name]")


def test_volunteer_registers_on_a_phone(personas, phone):
    page = phone.page
    phone.go("/people/register/volunteer/")
    page.fill("input[name=name]", "赵志强")
    page.fill("input[name=phone]", "13698765432")
    page.fill("input[name=username]", "zhaozhiqiang")
    page.fill("input[name=password]", "Kd-newpass-88")
    page.select_option("select[name=unit]", label="河西村新时代文明实践站")
    page.check("input[name=types][value=local_talent]")
    page.check("input[name=categories][value=culture]")
    page.fill("input[name=skills]", "剪纸")
    page.check("input[name=availability][value=sat_am]")
    page.check("input[name=availability][value=wed_eve]")
    page.fill("input[name=id_number]", id_number())
    page.check("input[name=consent]")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    phone.shot("people-register-volunteer-phone")
    page.click("form.form button[type=submit]")
    page.wait_for_load_state()
    assert page.url.endswith("/people/my/volunteer/")
    volunteer = Volunteer.objects.get(user__username="zhaozhiqiang")
    assert volunteer.availability == {"wed": ["eve"], "sat": ["am"]}
    assert volunteer.number in page.content()
    phone.shot("people-volunteer-home-phone")


def test_staff_enter_a_resident_offline(personas, desk):
    page = desk.page
    desk.login("station")
    desk.go("/people/residents/")
    page.click("text=代录群众信息")
    page.wait_for_load_state()
    options = page.eval_on_selector_all("select[name=unit] option", "els => els.map(e => e.textContent)")
    assert "河西村新时代文明实践站" not in options
    page.fill("input[name=name]", "李桂兰")
    page.fill("input[name=phone]", "13655556666")
    page.select_option("select[name=unit]", label="万和阳光社区新时代文明实践站")
    page.fill("input[name=id_number]", id_number("15020319450203456"))
    page.fill("input[name=address]", "万和阳光社区8栋3单元101")
    page.check("input[name=focus_groups][value=hardship]")
    page.check("input[name=consent]")
    desk.shot("people-enter-resident-desk")
    page.click("form.form button[type=submit]")
    page.wait_for_load_state()
    assert "已登记群众李桂兰。" in page.content()
    assert "13655556666" in page.content()
    assert id_number("15020319450203456") not in page.content()
    page.click("text=查看身份证号码")
    page.wait_for_load_state()
    assert id_number("15020319450203456") in page.content()
    desk.shot("people-resident-detail-unmasked-desk")
    desk.go("/people/residents/?q=lgl")
    assert "李*兰" in page.content()
    desk.shot("people-resident-list-desk")
