"""Browser tests: staff browse the unit tree and are refused a sibling; the login lockout."""

from __future__ import annotations

import pytest

from civicloop.audit.models import AuditEvent

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_browse_the_tree_and_are_refused_the_sibling(personas, desk):
    desk.login("institute")
    desk.go("/network/units/")
    page = desk.page
    assert page.locator(".unit-row").first.inner_text().startswith("昆河镇新时代文明实践所")
    # expand the institute: its two stations arrive by htmx
    page.click(f"#unit-{personas.institute.pk} > button.expand")
    page.wait_for_selector(f"#unit-{personas.station.pk}")
    assert page.locator(f"#children-{personas.institute.pk} > li").count() == 2
    assert page.locator(f"#unit-{personas.institute.pk} > button.expand").count() == 0  # expanded once
    # and one level further down: the point under station A
    page.click(f"#unit-{personas.station.pk} > button.expand")
    page.wait_for_selector(f"#unit-{personas.point.pk}")
    desk.shot("network-tree-expanded")
    page.click(f"#unit-{personas.station.pk} > a")
    page.wait_for_load_state()
    assert "李站长" in page.content() and "授予角色" in page.content()
    desk.shot("network-unit-detail")


def test_station_staff_are_refused_the_sibling_station(personas, desk):
    desk.login("station")
    assert "河西村" not in desk.page.content()
    response = desk.go(f"/network/units/{personas.station_b.pk}/")
    assert response.status == 403
    assert "无权访问" in desk.page.content() and "您没有权限查看此页面。" in desk.page.content()
    desk.shot("network-sibling-refused")
    assert AuditEvent.objects.filter(action="unit_view", outcome="denied", actor_name="station").exists()


def test_unit_tree_on_a_phone(personas, phone):
    phone.login("station")
    phone.go("/network/units/")
    phone.page.click(f"#unit-{personas.station.pk} > button.expand")
    phone.page.wait_for_selector(f"#unit-{personas.point.pk}")
    width = phone.page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390  # nothing sticks out sideways
    phone.shot("network-tree-phone")


def test_lockout_after_five_wrong_passwords(personas, desk):
    for _ in range(5):
        desk.login("station", password="wrong-password-1")
    assert "登录失败次数过多，该账号已被锁定30分钟。" in desk.page.content()
    desk.shot("login-locked-out")
    desk.login("station")  # the right password is refused too while locked
    assert "登录失败次数过多，该账号已被锁定30分钟。" in desk.page.content()
    assert "/accounts/login/" in desk.page.url
    desk.go("/network/units/")
    assert "/accounts/login/" in desk.page.url
    assert AuditEvent.objects.filter(action="login_failed", detail="username=station").count() >= 5
