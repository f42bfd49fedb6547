"""Sign-in and registration by mobile number and SMS code (issue #13). The codes are read from what the
development SMS channel logs (the real channel of the test settings), never by replacing the service."""

from __future__ import annotations

import datetime as dt
import logging
import re
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from civicloop.audit.models import AuditEvent
from civicloop.core.crypto import lookup_hash
from civicloop.people.models import Resident, SmsCode, User, Volunteer
from conftest import otp_for

pytestmark = pytest.mark.django_db

CHANNEL_LOG = "civicloop.notify.channels"
RESIDENT_PHONE = "13812341234"


@pytest.fixture(autouse=True)
def _sms_log(caplog: Any, settings: Any) -> Any:
    settings.SMS_CHANNEL = "civicloop.notify.channels.LoggingSmsChannel"
    caplog.set_level(logging.INFO, logger=CHANNEL_LOG)
    return caplog


def texts(caplog: Any) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == CHANNEL_LOG]


def last_code(caplog: Any) -> str:
    found = re.findall(r"\b(\d{6})\b", texts(caplog)[-1])
    assert found, texts(caplog)
    return found[-1]


def ask(client: Client, phone: str, path: str = "/accounts/sms/", **extra: str) -> Any:
    return client.post(path, {"action": "send", "phone": phone, **extra})


def sign_in(client: Client, phone: str, code: str) -> Any:
    return client.post("/accounts/sms/", {"action": "login", "phone": phone, "code": code})


def test_sign_in_by_sms_code_once(client, personas, caplog, django_capture_on_commit_callbacks):
    login_page = client.get("/accounts/login/").content.decode()
    assert "/accounts/sms/" in login_page and "/accounts/register/" in login_page
    assert "/accounts/reset/" in login_page and "注册" in login_page and "忘记密码" in login_page
    before = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        sent = ask(client, "+86 138 1234 1234")
    after = timezone.now()
    assert sent.status_code == 200 and "验证码将通过短信发送" in sent.content.decode()
    message = texts(caplog)[-1]
    assert "138****1234" in message and RESIDENT_PHONE not in message  # the log masks the number
    code = last_code(caplog)
    row = SmsCode.objects.get(phone_hash=lookup_hash(RESIDENT_PHONE), purpose="login")
    assert code not in row.code_hash
    assert before + dt.timedelta(minutes=5) <= row.expires_at <= after + dt.timedelta(minutes=5)
    done = sign_in(client, RESIDENT_PHONE, code)
    assert done.status_code == 302 and done["Location"] == "/me/"
    assert int(client.session["_auth_user_id"]) == personas.resident.pk
    assert AuditEvent.objects.filter(action="sms_login", actor=personas.resident, outcome="ok").exists()
    again = sign_in(Client(), RESIDENT_PHONE, code)  # single use
    assert "验证码错误或已过期" in again.content.decode()


def test_an_expired_code_is_refused(client, personas, caplog, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        ask(client, RESIDENT_PHONE)
    code = last_code(caplog)
    SmsCode.objects.update(expires_at=timezone.now() - timezone.timedelta(seconds=1))
    late = sign_in(client, RESIDENT_PHONE, code)
    assert late.status_code == 200 and "验证码错误或已过期" in late.content.decode()
    assert "_auth_user_id" not in client.session


def test_wrong_codes_count_and_void_the_code(client, personas, caplog, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        ask(client, RESIDENT_PHONE)
    code = last_code(caplog)
    wrong = "000000" if code != "000000" else "111111"
    first = sign_in(client, RESIDENT_PHONE, wrong)
    assert "验证码错误或已过期" in first.content.decode()
    assert SmsCode.objects.get().attempts == 1  # kept although the request was refused
    for _ in range(4):
        sign_in(client, RESIDENT_PHONE, wrong)
    refused = sign_in(client, RESIDENT_PHONE, code)  # the right code after five wrong ones
    assert "验证码错误或已过期" in refused.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="sms_login", outcome="failed").count() == 6


def test_codes_per_number_are_limited_alike_for_unknown_numbers(
    client, personas, settings, caplog, django_capture_on_commit_callbacks
):
    settings.SMS_CODE_GAP_SECONDS = 0
    settings.SMS_CODE_PER_PHONE = (2, 3600)
    answers = {}
    for phone in (RESIDENT_PHONE, "13700000000"):  # an account's number and one without an account
        with django_capture_on_commit_callbacks(execute=True):
            for _ in range(2):
                assert "验证码将通过短信发送" in ask(Client(), phone).content.decode()
            answers[phone] = ask(Client(), phone).content.decode()
    for page in answers.values():
        assert "发送到这个号码的验证码太多" in page
    assert len(texts(caplog)) == 2  # only the account's number received texts


def test_a_second_code_waits_a_minute(client, personas, caplog, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        ask(client, RESIDENT_PHONE)
        soon = ask(client, RESIDENT_PHONE)
    assert "请稍等一分钟" in soon.content.decode()
    assert len(texts(caplog)) == 1


def test_asking_for_codes_is_rate_limited_per_ip(client, personas, settings, caplog):
    settings.SMS_CODE_GAP_SECONDS = 0
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "sms": (2, 1000, 3600)}
    for phone in ("13700000001", "13700000002"):
        assert ask(client, phone).status_code == 200
    assert ask(client, RESIDENT_PHONE).status_code == 429
    assert not SmsCode.objects.filter(phone_hash=lookup_hash(RESIDENT_PHONE)).exists()


def test_no_enumeration_on_sign_in(client, personas, caplog, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        known = ask(Client(), RESIDENT_PHONE).content.decode()
        unknown = ask(Client(), "13700000000").content.decode()
    notice = "如果该号码已注册账号，验证码将通过短信发送"
    assert notice in known and notice in unknown
    assert len(texts(caplog)) == 1 and not SmsCode.objects.filter(phone_hash=lookup_hash("13700000000"))
    guess = sign_in(client, "13700000000", "123456").content.decode()
    wrong = sign_in(client, RESIDENT_PHONE, "123456" if last_code(caplog) != "123456" else "654321")
    assert "验证码错误或已过期" in guess and "验证码错误或已过期" in wrong.content.decode()


def test_staff_still_pass_their_authenticator(
    client, personas, caplog, settings, django_capture_on_commit_callbacks
):
    staff = personas.station_staff
    staff.phone, staff.phone_hash, staff.phone_last4 = "13700000009", lookup_hash("13700000009"), "0009"
    staff.save()
    settings.SMS_CODE_GAP_SECONDS = 0
    with django_capture_on_commit_callbacks(execute=True):
        ask(client, "13700000009")
    done = sign_in(client, "13700000009", last_code(caplog))
    assert done.status_code == 302
    page = client.get("/needs/surveys/")
    assert page.status_code == 302 and page["Location"].startswith("/accounts/mfa/")

    api = Client()
    with django_capture_on_commit_callbacks(execute=True):
        api.post("/api/auth/sms/code", {"phone": "13700000009"}, content_type="application/json")
    code = last_code(caplog)
    body = {"phone": "13700000009", "code": code}
    refused = api.post("/api/auth/sms/token", body, content_type="application/json")
    assert refused.status_code == 401  # the code was right, the authenticator is still missing
    with django_capture_on_commit_callbacks(execute=True):
        api.post("/api/auth/sms/code", {"phone": "13700000009"}, content_type="application/json")
    body = {"phone": "13700000009", "code": last_code(caplog), **otp_for("station")}
    assert api.post("/api/auth/sms/token", body, content_type="application/json").status_code == 200


def test_api_sms_sign_in(client, personas, caplog, settings, django_capture_on_commit_callbacks):
    settings.SMS_CODE_GAP_SECONDS = 0
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post("/api/auth/sms/code", {"phone": RESIDENT_PHONE}, content_type="application/json")
        unknown = client.post("/api/auth/sms/code", {"phone": "13700000000"}, content_type="application/json")
    assert sent.status_code == unknown.status_code == 202
    bad = client.post(
        "/api/auth/sms/token", {"phone": RESIDENT_PHONE, "code": "12"}, content_type="application/json"
    )
    assert bad.status_code == 400 and "验证码错误或已过期" in bad.json()["detail"]
    token = client.post(
        "/api/auth/sms/token", {"phone": RESIDENT_PHONE, "code": last_code(caplog)}, content_type="application/json"
    )
    assert token.status_code == 200
    me = Client().get("/api/people/me", HTTP_AUTHORIZATION=f"Bearer {token.json()['token']}")
    assert me.status_code == 200 and me.json()["username"] == "resident"
    invalid = client.post("/api/auth/sms/code", {"phone": "12345"}, content_type="application/json")
    assert invalid.status_code == 400 and "11位" in invalid.json()["detail"]


def test_api_per_number_limit_is_429(client, personas, settings):
    settings.SMS_CODE_GAP_SECONDS = 0
    settings.SMS_CODE_PER_PHONE = (1, 3600)
    body = {"phone": "13700000000", "purpose": "register"}
    assert client.post("/api/auth/sms/code", body, content_type="application/json").status_code == 202
    over = client.post("/api/auth/sms/code", body, content_type="application/json")
    assert over.status_code == 429 and "验证码太多" in over.json()["detail"]


def _register_post(phone: str, code: str, **extra: Any) -> dict[str, Any]:
    return {
        "action": "register",
        "phone": phone,
        "code": code,
        "name": "赵六",
        "role": "resident",
        "unit": "",
        "consent": "on",
        **extra,
    }


def test_register_as_resident_without_username_or_password(
    client, personas, caplog, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        sent = ask(client, "13700000123", path="/accounts/register/")
    assert "验证码将通过短信发送" in sent.content.decode()
    code = last_code(caplog)
    wrong = client.post(
        "/accounts/register/", _register_post("13700000123", "000000" if code != "000000" else "1", unit=personas.station.pk)
    )
    assert "验证码错误或已过期" in wrong.content.decode() and not Resident.objects.filter(name="赵六").exists()
    done = client.post("/accounts/register/", _register_post("13700000123", code, unit=personas.station.pk))
    assert done.status_code == 302 and done["Location"] == "/people/my/resident/"
    resident = Resident.objects.get(name="赵六")
    user = resident.user
    assert user.username.startswith("m") and "0123" not in user.username
    assert not user.has_usable_password()
    assert int(client.session["_auth_user_id"]) == user.pk
    assert AuditEvent.objects.filter(action="sms_register", actor=user).exists()


def test_register_refusal_keeps_the_code_and_a_known_number_is_told_after_the_code(
    client, personas, caplog, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ask(client, "13700000124", path="/accounts/register/")
    code = last_code(caplog)
    weak = client.post(
        "/accounts/register/", _register_post("13700000124", code, unit=personas.station.pk, password="short")
    )
    assert "密码长度太短" in weak.content.decode() and not User.objects.filter(full_name="赵六").exists()
    assert SmsCode.objects.filter(phone_hash=lookup_hash("13700000124")).exists()  # still usable
    vol = client.post(
        "/accounts/register/", _register_post("13700000124", code, unit=personas.station.pk, role="volunteer")
    )
    assert "请至少选择一个服务平台" in vol.content.decode()
    # An account's number: a registration code goes out as to any number, the answer comes after the code.
    with django_capture_on_commit_callbacks(execute=True):
        ask(Client(), RESIDENT_PHONE, path="/accounts/register/")
    known = Client().post("/accounts/register/", _register_post(RESIDENT_PHONE, last_code(caplog), unit=personas.station.pk))
    assert "这个手机号码已有账号" in known.content.decode()
    assert Resident.objects.filter(phone_hash=lookup_hash(RESIDENT_PHONE)).count() == 1


def test_api_register_volunteer_with_code(client, personas, caplog, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/api/auth/sms/code", {"phone": "13700000125", "purpose": "register"}, content_type="application/json"
        )
    body = {
        "phone": "13700000125",
        "code": last_code(caplog),
        "name": "钱七",
        "unit": personas.station.pk,
        "role": "volunteer",
        "categories": ["health"],
        "consent": True,
    }
    missing = client.post("/api/auth/register", {**body, "consent": False}, content_type="application/json")
    assert missing.status_code == 400 and "隐私" in missing.json()["detail"]
    done = client.post("/api/auth/register", body, content_type="application/json")
    assert done.status_code == 201 and done.json()["role"] == "volunteer"
    volunteer = Volunteer.objects.get(user_id=done.json()["user_id"])
    assert volunteer.categories == ["health"]
    me = Client().get("/api/people/me", HTTP_AUTHORIZATION=f"Bearer {done.json()['token']}")
    assert me.status_code == 200
    reused = client.post("/api/auth/register", body, content_type="application/json")
    assert reused.status_code == 400  # the code was used up


def test_reset_codes_share_the_per_number_budget(client, personas, settings):
    settings.SMS_CODE_GAP_SECONDS = 0
    settings.SMS_CODE_PER_PHONE = (1, 3600)
    ask(client, RESIDENT_PHONE)
    refused = client.post("/accounts/reset/", {"phone": RESIDENT_PHONE})
    assert refused.status_code == 200 and "验证码太多" in refused.content.decode()
