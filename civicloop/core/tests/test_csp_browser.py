"""In Chromium, pages under the strict Content-Security-Policy raise no violation and keep working; the MFA
pages (QR code enrolment, code entry) look right on a phone."""

from __future__ import annotations

import pytest

from civicloop.orders.tests.factories import walk

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _watch(b) -> list[str]:
    seen: list[str] = []
    b.page.on(
        "console",
        lambda m: (
            seen.append(f"{b.page.url}: {m.text[:120]}") if "Content Security Policy" in m.text else None
        ),
    )
    return seen


def test_staff_pages_raise_no_csp_violation(personas, desk):
    order = walk(personas, "accepted")
    violations = _watch(desk)
    desk.login("office")
    assert "/accounts/mfa/" not in desk.page.url  # the second factor was entered by the helper
    for path in (
        "/stats/",
        "/stats/screen/",
        "/activities/calendar/",
        f"/orders/{order.number}/",
        "/network/units/",
    ):
        desk.go(path)
        desk.page.wait_for_load_state("networkidle")
    # htmx still works (no eval, no inline handlers): expanding a unit loads its children
    desk.page.click(f"#unit-{personas.root.pk} > button.expand")
    desk.page.wait_for_selector(f"#unit-{personas.institute.pk}")
    # the language switch submits without an inline onchange
    with desk.page.expect_navigation():
        desk.page.select_option("select[name=language]", "en")
    assert desk.page.locator("html").get_attribute("lang") == "en"
    assert violations == []


def test_enrolment_and_code_pages_on_a_phone(personas, phone):
    from civicloop.network.models import Membership
    from civicloop.people import services
    from conftest import PASSWORD

    user = services.user_create(username="newstaff", password=PASSWORD, full_name="新站员")
    Membership.objects.create(user=user, unit=personas.station, role="staff")
    violations = _watch(phone)
    phone.login("newstaff")
    assert "/accounts/mfa/setup/" in phone.page.url
    assert phone.page.locator("#mfa-qr svg").is_visible()
    phone.shot("mfa-setup-phone")
    phone.page.context.clear_cookies()
    phone.go("/accounts/login/")
    phone.page.fill("input[name=username]", "station")
    phone.page.fill("input[name=password]", PASSWORD)
    phone.page.click("form.form button[type=submit]")
    phone.page.wait_for_load_state()
    assert "/accounts/mfa/" in phone.page.url
    phone.shot("mfa-verify-phone")
    assert violations == []
