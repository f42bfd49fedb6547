"""On a phone (390 px): sign in with an SMS code, and register from the login page's link (issue #13).
The code is read from what the development SMS channel logs, as a developer would read it."""

from __future__ import annotations

import logging
import re

import pytest

from civicloop.people.models import Resident

CHANNEL_LOG = "civicloop.notify.channels"


def _code(caplog) -> str:
    texts = [r.getMessage() for r in caplog.records if r.name == CHANNEL_LOG]
    assert texts, "no text message was logged"
    assert "138****" in texts[-1] or "137****" in texts[-1]  # the number is masked in the log
    return re.findall(r"\b(\d{6})\b", texts[-1])[-1]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_sign_in_by_sms_code_on_a_phone(personas, phone, caplog, settings):
    settings.SMS_CHANNEL = "civicloop.notify.channels.LoggingSmsChannel"
    caplog.set_level(logging.INFO, logger=CHANNEL_LOG)
    page = phone.page
    phone.go("/accounts/login/")
    page.click("#sms-login-link")
    page.wait_for_load_state()
    page.fill("input[name=phone]", "13812341234")
    page.click("#send-code")
    page.wait_for_load_state()
    assert "如果该号码已注册账号，验证码将通过短信发送" in page.content()
    assert page.input_value("input[name=phone]") == "13812341234"
    page.fill("input[name=code]", "000000" if _code(caplog) != "000000" else "111111")
    page.click("#sms-sign-in")
    page.wait_for_load_state()
    assert "验证码错误或已过期" in page.content()
    page.fill("input[name=code]", _code(caplog))
    phone.shot("sms-login-code")
    page.click("#sms-sign-in")
    page.wait_for_load_state()
    assert page.url.endswith("/orders/mine/")  # the resident's landing page: signed in
    assert page.locator("a[href='/mine/']").count() >= 1 and "登录" not in page.title()  # 我的 instead of 登录
    phone.shot("sms-login-done")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_register_with_a_code_from_the_login_page(personas, phone, caplog, settings):
    settings.SMS_CHANNEL = "civicloop.notify.channels.LoggingSmsChannel"
    caplog.set_level(logging.INFO, logger=CHANNEL_LOG)
    page = phone.page
    phone.go("/accounts/login/")
    for link in ("#register-link", "#forgot-link", "#sms-login-link"):
        box = page.locator(link).bounding_box()
        assert box and box["height"] >= 44, (link, box)
    phone.shot("login-links")
    page.click("#register-link")
    page.wait_for_load_state()
    assert "手机号注册" in page.content()
    page.fill("input[name=phone]", "13700000321")
    page.click("#send-code")
    page.wait_for_load_state()
    assert "验证码将通过短信发送" in page.content()
    page.fill("input[name=code]", _code(caplog))
    page.fill("input[name=name]", "孙八")
    page.select_option("select[name=unit]", str(personas.station.pk))
    page.check("input[name=consent]")
    phone.shot("sms-register-form")
    page.click("#register")
    page.wait_for_load_state()
    assert "欢迎！您已注册成功并登录" in page.content()
    resident = Resident.objects.get(name="孙八")
    assert resident.unit_id == personas.station.pk and not resident.user.has_usable_password()
    phone.shot("sms-register-done")
