"""Each demo role signs in with the printed password in a real browser and lands on its own page."""

from __future__ import annotations

import random

import pytest
from django.urls import reverse
from django.utils import timezone

from civicloop.demo import kundulun
from civicloop.demo.tests.test_kundulun import LANDINGS

PHONE_ROLES = {"leader", "volunteer", "resident"}  # people who use CivicLoop on their phone


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_each_demo_role_signs_in_and_sees_its_landing_page(make_browser):
    kundulun.seed_base(rng=random.Random(2019), today=timezone.localdate())
    for login in kundulun.LOGINS:
        size = (390, 844) if login.username in PHONE_ROLES else (1280, 800)
        browser = make_browser(*size)
        browser.login(login.username, kundulun.PASSWORD)
        assert browser.page.url.endswith(reverse(LANDINGS[login.username])), login.username
        assert "用户名或密码" not in browser.page.content()
        browser.shot(f"demo-{login.username}")
        assert not browser.outside_requests
