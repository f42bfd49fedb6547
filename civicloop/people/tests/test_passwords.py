"""Password policy, change and reset by SMS code (issue #11)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from civicloop.audit.models import AuditEvent
from civicloop.people.models import ApiToken, PasswordResetCode, User
from conftest import PASSWORD, token_for

pytestmark = pytest.mark.django_db

SENT: list[tuple[str, str]] = []


class FakeSms:
    def send_text(self, phone: str, text: str) -> None:
        SENT.append((phone, text))


@pytest.fixture(autouse=True)
def _sms(settings: Any) -> None:
    SENT.clear()
    settings.PASSWORD_RESET_SMS_CHANNEL = "civicloop.people.tests.test_passwords.FakeSms"


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Short-1a", "密码长度太短"),
        ("alllowercase123", "至少使用 3 类字符"),
        ("Resident-2026x", "不能包含您的用户名或手机号码"),
        ("Xx-12341234", "不能包含您的用户名或手机号码"),
    ],
)
def test_policy_on_change(client, personas, password, message):
    client.force_login(personas.resident)
    response = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": password, "new_password2": password},
    )
    assert response.status_code == 200 and message in response.content.decode()
    assert User.objects.get(pk=personas.resident.pk).check_password(PASSWORD)


def test_change_password_needs_the_old_one_and_ends_tokens(client, personas):
    token = token_for(Client(), "resident")
    client.force_login(personas.resident)
    new = "Fresh-Kettle-42"
    wrong = client.post(
        "/accounts/password/", {"old_password": "nope", "new_password1": new, "new_password2": new}
    )
    assert "当前密码不正确" in wrong.content.decode()
    done = client.post(
        "/accounts/password/", {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
    )
    assert done.status_code == 302
    assert User.objects.get(pk=personas.resident.pk).check_password(new)
    assert not ApiToken.objects.filter(user=personas.resident).exists()
    assert Client().get("/api/people/me", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401
    assert client.get("/accounts/").status_code == 200  # this session stays signed in
    assert AuditEvent.objects.filter(action="password_changed", actor=personas.resident).exists()


def test_reset_by_sms_code(client, personas, django_capture_on_commit_callbacks):
    page = client.get("/accounts/login/").content.decode()
    assert "/accounts/reset/" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/reset/", {"phone": "+86 138 1234 1234"})
    assert response.status_code == 302 and response["Location"] == "/accounts/reset/confirm/"
    assert len(SENT) == 1 and SENT[0][0] == "13812341234"
    code = re.search(r"(\d{6})", SENT[0][1]).group(1)
    row = PasswordResetCode.objects.get(user=personas.resident)
    assert code not in row.code_hash
    new = "Lantern-River-88"
    bad = client.post(
        "/accounts/reset/confirm/", {"code": "000000", "new_password1": new, "new_password2": new}
    )
    assert "验证码错误或已过期" in bad.content.decode()
    good = client.post("/accounts/reset/confirm/", {"code": code, "new_password1": new, "new_password2": new})
    assert good.status_code == 302 and good["Location"] == "/accounts/login/"
    assert User.objects.get(pk=personas.resident.pk).check_password(new)
    assert not PasswordResetCode.objects.exists()
    assert AuditEvent.objects.filter(action="password_reset", outcome="ok").exists()


def test_reset_does_not_reveal_unknown_numbers(client, personas, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        known = client.post("/accounts/reset/", {"phone": "13812341234"})
        unknown = Client().post("/accounts/reset/", {"phone": "13700000000"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    assert len(SENT) == 1


def test_reset_code_tries_are_limited(client, personas, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/reset/", {"phone": "13812341234"})
    code = re.search(r"(\d{6})", SENT[0][1]).group(1)
    new = "Lantern-River-88"
    for _ in range(5):
        client.post(
            "/accounts/reset/confirm/", {"code": "999999", "new_password1": new, "new_password2": new}
        )
    late = client.post("/accounts/reset/confirm/", {"code": code, "new_password1": new, "new_password2": new})
    assert "验证码错误或已过期" in late.content.decode()
    assert User.objects.get(pk=personas.resident.pk).check_password(PASSWORD)


def test_reset_is_rate_limited(client, personas, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "reset": (2, 1000, 3600)}
    for _ in range(2):
        client.post("/accounts/reset/", {"phone": "13700000000"})
    assert client.post("/accounts/reset/", {"phone": "13812341234"}).status_code == 429
    assert SENT == []


def test_api_twins_change_and_reset(client, personas, django_capture_on_commit_callbacks):
    token = token_for(client, "resident")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    weak = client.post(
        "/api/auth/password",
        {"old_password": PASSWORD, "new_password": "short"},
        content_type="application/json",
        **auth,
    )
    assert weak.status_code == 400 and "密码长度太短" in weak.json()["detail"]
    new = "Fresh-Kettle-42"
    done = client.post(
        "/api/auth/password",
        {"old_password": PASSWORD, "new_password": new},
        content_type="application/json",
        **auth,
    )
    assert done.status_code == 204
    assert client.get("/api/people/me", **auth).status_code == 401  # the token ended with the old password
    with django_capture_on_commit_callbacks(execute=True):
        sent = Client().post("/api/auth/reset", {"phone": "13812341234"}, content_type="application/json")
    unknown = Client().post("/api/auth/reset", {"phone": "13700000000"}, content_type="application/json")
    assert sent.status_code == unknown.status_code == 202 and len(SENT) == 1
    code = re.search(r"(\d{6})", SENT[0][1]).group(1)
    body = {"phone": "13812341234", "code": code, "new_password": "Lantern-River-88"}
    assert Client().post("/api/auth/reset/confirm", body, content_type="application/json").status_code == 204
    assert User.objects.get(pk=personas.resident.pk).check_password("Lantern-River-88")
