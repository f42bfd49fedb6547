"""Two-step sign-in: staff-like accounts need an authenticator code on pages and for API tokens; enrolment with a
QR code; recovery codes; every step audited. Residents and volunteers are not asked."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from civicloop.audit.models import AuditEvent
from civicloop.network.models import Membership
from civicloop.people import services
from conftest import PASSWORD, otp_code

pytestmark = pytest.mark.django_db

TOKEN = "/api/auth/token"


def _password(client: Client, username: str) -> None:
    response = client.post("/accounts/login/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302


@pytest.mark.parametrize("who", ["office", "station", "liaison", "auditor"])
def test_staff_pages_wait_for_the_second_factor(client, personas, who):
    _password(client, who)
    response = client.get("/people/residents/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/mfa/?next=")
    api = client.get("/api/people/me")
    assert api.status_code == 401 and api.json()["detail"]
    page = client.get("/accounts/mfa/")
    assert "身份验证器" in page.content.decode()
    bad = client.post("/accounts/mfa/", {"code": "000000", "next": "/me/"})
    assert bad.status_code == 200 and "验证码不正确" in bad.content.decode()
    good = client.post("/accounts/mfa/", {"code": otp_code(who), "next": "/me/"})
    assert good.status_code == 302 and good["Location"] == "/me/"
    assert client.get("/api/people/me").status_code == 200
    assert AuditEvent.objects.filter(action="mfa_failed", actor_name=who, outcome="failed").exists()
    assert AuditEvent.objects.filter(action="mfa_verified", actor_name=who).exists()


@pytest.mark.parametrize("who", ["resident", "volunteer", "leader"])
def test_residents_and_volunteers_are_not_asked(client, personas, who):
    _password(client, who)
    assert client.get("/me/").status_code == 302
    assert not client.get("/me/")["Location"].startswith("/accounts/mfa/")


def test_api_token_only_after_the_second_factor(client, personas):
    body = {"username": "station", "password": PASSWORD}
    response = client.post(TOKEN, body, content_type="application/json")
    assert response.status_code == 401 and "otp" in response.json()["detail"]
    response = client.post(TOKEN, {**body, "otp": "123456"}, content_type="application/json")
    assert response.status_code == 401
    response = client.post(TOKEN, {**body, "otp": otp_code("station")}, content_type="application/json")
    assert response.status_code == 200 and response.json()["token"]


def test_a_code_is_not_accepted_twice(client, personas):
    code = otp_code("station")
    body = {"username": "station", "password": PASSWORD, "otp": code}
    assert client.post(TOKEN, body, content_type="application/json").status_code == 200
    assert client.post(TOKEN, body, content_type="application/json").status_code == 401


def _new_staff(personas) -> object:
    user = services.user_create(username="newstaff", password=PASSWORD, full_name="新站员")
    Membership.objects.create(user=user, unit=personas.station, role="staff")
    return user


def test_enrolment_with_qr_code_and_recovery_codes(client, personas):
    user = _new_staff(personas)
    token = client.post(
        TOKEN, {"username": "newstaff", "password": PASSWORD}, content_type="application/json"
    )
    assert token.status_code == 403  # not enrolled: set it up on the website first
    _password(client, "newstaff")
    response = client.get("/orders/queue/")
    assert response["Location"].startswith("/accounts/mfa/setup/")
    page = client.get(response["Location"]).content.decode()
    assert "<svg" in page
    secret = re.search(r'id="mfa-secret">([A-Z2-7 ]+)<', page).group(1)
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert secret.replace(" ", "") in device.config_url
    wrong = client.post("/accounts/mfa/setup/", {"code": "000000"})
    assert wrong.status_code == 200 and not TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_count=0, throttling_failure_timestamp=None
    )
    code = f"{TOTP(device.bin_key).token():06d}"
    done = client.post("/accounts/mfa/setup/", {"code": code, "next": "/orders/queue/"})
    assert done["Cache-Control"].startswith("max-age=0") or "no-store" in done["Cache-Control"]
    codes = re.findall(r"<li><code>(\d{8})</code></li>", done.content.decode())
    assert len(codes) == 10
    assert client.get("/orders/queue/").status_code == 200
    assert AuditEvent.objects.filter(action="mfa_enrol", object_id=str(user.pk), outcome="ok").exists()
    # a recovery code works once
    other = Client()
    _password(other, "newstaff")
    assert other.post("/accounts/mfa/", {"code": codes[0]})["Location"] == "/me/"
    again = Client()
    _password(again, "newstaff")
    assert again.post("/accounts/mfa/", {"code": codes[0]}).status_code == 200


def test_replacing_the_authenticator_needs_the_second_factor_first(client, personas):
    _password(client, "station")
    response = client.get("/accounts/mfa/setup/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/mfa/?")
    assert TOTPDevice.objects.filter(user=personas.station_staff).count() == 1


def test_seed_demo_prints_how_staff_pass_the_second_factor():
    from civicloop.demo import kundulun

    text = kundulun.logins_text()
    assert kundulun.DEMO_TOTP_SECRET in text and "otp_code" in text


def test_operator_resets_a_lost_authenticator(client, personas):
    from django.core.management import call_command

    call_command("mfa_reset", "station", stdout=__import__("io").StringIO())
    assert not TOTPDevice.objects.filter(user=personas.station_staff).exists()
    assert AuditEvent.objects.filter(action="mfa_reset", object_id=str(personas.station_staff.pk)).exists()
    _password(client, "station")
    assert client.get("/orders/queue/")["Location"].startswith("/accounts/mfa/setup/")
