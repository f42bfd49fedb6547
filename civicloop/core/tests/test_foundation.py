from __future__ import annotations

import pytest
from django.urls import reverse

from civicloop.core import masking
from civicloop.core.text import pinyin_initials
from civicloop.core.validators import id_check_digit


def test_home_page_renders_in_chinese(client, db):
    response = client.get("/")
    assert response.status_code == 200
    assert "文明实践志愿服务平台" in response.content.decode()


def test_masks():
    assert masking.mask_phone("13812341234") == "138****1234"
    assert masking.mask_id_number("150203199001011234") == "1502**********1234"
    assert masking.mask_name("张三") == "张*"
    assert masking.mask_name("欧阳娜娜") == "欧**娜"


def test_pinyin_initials():
    assert pinyin_initials("张三") == "zs"


def test_id_check_digit_gb11643():
    # The worked example from GB 11643-1999.
    assert id_check_digit("11010519491231002") == "X"


@pytest.mark.parametrize(
    "persona,landing",
    [
        ("office", "stats:dashboard"),
        ("station_staff", "orders:queue"),
        ("auditor", "audit:event_list"),
        ("liaison", "core:liaison_home"),
        ("leader", "orders:tasks"),
        ("volunteer", "orders:tasks"),
        ("resident", "orders:mine"),
    ],
)
def test_each_role_lands_on_its_page(client, personas, persona, landing):
    client.force_login(getattr(personas, persona))
    response = client.get(reverse("landing"))
    assert response.status_code == 302
    assert response.url == reverse(landing)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_browser_login_and_logout(personas, desk):
    desk.login("station")
    assert desk.page.url.endswith("/orders/queue/")
    assert "万和阳光社区" in desk.page.content()
    desk.shot("login-station")
    desk.page.click("details.menu-end summary")  # sign out sits in the 我的 menu
    desk.page.click("text=退出")
    desk.page.wait_for_load_state()
    assert "登录" in desk.page.content()


def test_chinese_by_default_even_for_an_english_browser(client, db):
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "用户名或手机号" in response.content.decode()


def test_english_when_chosen(client, db):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    response = client.get("/accounts/login/")
    assert "Username or mobile number" in response.content.decode()


def test_api_answers_in_the_language_asked(client, db):
    response = client.get("/api/people/me", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 401
    assert response.json()["detail"] == "Please sign in first."
    response = client.get("/api/people/me")
    assert response.json()["detail"] == "请先登录。"
