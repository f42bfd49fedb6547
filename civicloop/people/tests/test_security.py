"""The attacks of issue #11, each reproduced and refused: lockout bypass, mobiles in the audit log, API tokens,
account enumeration, dumpdata, far dates, OpenAPI, unaudited refusals, the API's lockout answer."""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from civicloop.audit.models import AuditEvent
from civicloop.people.models import ApiToken, Resident, User
from civicloop.people.tests.helpers import resident_form
from conftest import PASSWORD, token_for

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
TOKEN = "/api/auth/token"
LOCKED = "登录失败次数过多，该账号已被锁定30分钟。"


def _login(client: Client, username: str, password: str) -> Any:
    return client.post(LOGIN, {"username": username, "password": password})


# --- 1. lockout keyed by the account, per-IP and global limits -----------------------------------------------


def test_respelling_the_mobile_does_not_reset_the_lockout(client, personas):
    spellings = ["13812341234", "+8613812341234", "+86 138 1234 1234", "138-1234-1234", " 138 1234 1234 "]
    for spelling in spellings:
        assert _login(client, spelling, "wrong-password-1").status_code in (200, 429)
    for spelling in ["+86 138-1234-1234", "resident"]:  # a sixth spelling and the username: still locked
        response = _login(client, spelling, PASSWORD)
        assert response.status_code == 429
        assert LOCKED in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="lockout", outcome="denied").exists()


def test_token_endpoint_shares_the_account_lockout_and_answers_json(client, personas):
    for spelling in ["13812341234", "+86 138 1234 1234", "138-1234-1234", "+8613812341234", "13812341234"]:
        client.post(TOKEN, {"username": spelling, "password": "nope-nope-1"}, content_type="application/json")
    response = client.post(
        TOKEN, {"username": "resident", "password": PASSWORD}, content_type="application/json"
    )
    assert response.status_code == 429
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"detail": LOCKED}
    assert not ApiToken.objects.filter(user=personas.resident).exists()


def test_one_address_trying_many_accounts_is_slowed_down(client, personas, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "signin": (3, 1000, 600)}
    for name in ("a1", "a2", "a3"):
        assert _login(client, name, "x").status_code == 200
    response = _login(client, "resident", PASSWORD)
    assert response.status_code == 429
    assert "尝试次数过多" in response.content.decode()
    other = Client(REMOTE_ADDR="10.0.0.9")  # another address is not affected
    assert _login(other, "resident", PASSWORD).status_code == 302
    api = client.post(TOKEN, {"username": "resident", "password": PASSWORD}, content_type="application/json")
    assert api.status_code == 429 and "detail" in api.json()
    assert AuditEvent.objects.filter(action="rate_limited", object_id="signin").exists()


def test_global_limit_holds_across_addresses(personas, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "signin": (100, 3, 600)}
    for i in range(3):
        _login(Client(REMOTE_ADDR=f"10.0.1.{i}"), f"guess{i}", "x")
    assert _login(Client(REMOTE_ADDR="10.0.2.1"), "resident", PASSWORD).status_code == 429


# --- 3. no mobile in the clear in the audit log ----------------------------------------------------------------


@pytest.mark.parametrize("typed", ["+86 139 0000 1234", "139-0000-1234", "+8613900001234", "13900001234"])
def test_failed_login_with_any_mobile_spelling_is_masked(client, personas, typed):
    _login(client, typed, "wrong-password-1")
    row = AuditEvent.objects.get(action="login_failed")
    assert row.detail == "username=139****1234" and row.object_id == "139****1234"
    from axes.models import AccessAttempt

    stored = " ".join(f"{a.username} {a.post_data}" for a in AccessAttempt.objects.all())
    assert "0000" not in stored and "13900001234" not in stored


# --- 4. API tokens -------------------------------------------------------------------------------------------


def test_token_has_a_lifetime_and_expired_tokens_are_refused(client, personas, settings):
    settings.API_TOKEN_LIFETIME_DAYS = 30
    answer = client.post(
        TOKEN, {"username": "resident", "password": PASSWORD}, content_type="application/json"
    )
    token = answer.json()["token"]
    expires = dt.datetime.fromisoformat(answer.json()["expires_at"])
    assert dt.timedelta(days=29) < expires - timezone.now() <= dt.timedelta(days=30)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    assert client.get("/api/people/me", **auth).status_code == 200
    ApiToken.objects.filter(user=personas.resident).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    assert client.get("/api/people/me", **auth).status_code == 401
    assert not ApiToken.objects.filter(user=personas.resident).exists()


def test_staff_token_dies_after_the_idle_limit(client, personas, settings):
    token = token_for(client, "station")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    assert client.get("/api/people/residents", **auth).status_code == 200
    idle = timezone.now() - dt.timedelta(seconds=settings.STAFF_IDLE_TIMEOUT_SECONDS + 5)
    ApiToken.objects.filter(user=personas.station_staff).update(last_used_at=idle)
    assert client.get("/api/people/residents", **auth).status_code == 401


def test_resident_token_is_not_cut_by_the_staff_idle_limit(client, personas, settings):
    token = token_for(client, "resident")
    idle = timezone.now() - dt.timedelta(seconds=settings.STAFF_IDLE_TIMEOUT_SECONDS + 5)
    ApiToken.objects.filter(user=personas.resident).update(last_used_at=idle)
    assert client.get("/api/people/me", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200


def test_delete_revokes_the_token(client, personas):
    token = token_for(client, "resident")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    assert client.delete(TOKEN, **auth).status_code == 204
    assert client.get("/api/people/me", **auth).status_code == 401
    assert client.delete(TOKEN, **auth).status_code == 401
    assert AuditEvent.objects.filter(action="token_revoked", actor=personas.resident).exists()


def test_logout_and_password_change_revoke_tokens(client, personas):
    token = token_for(client, "resident")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    client.force_login(personas.resident)
    client.post("/accounts/logout/")
    assert Client().get("/api/people/me", **auth).status_code == 401
    token = token_for(client, "resident")
    user = User.objects.get(pk=personas.resident.pk)
    user.set_password("Another-pass-2026")
    user.save()
    assert Client().get("/api/people/me", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401


def test_one_live_token_per_device_name(client, personas):
    first = token_for(client, "resident", device="phone")
    second = token_for(client, "resident", device="phone")
    token_for(client, "resident", device="tablet")
    assert ApiToken.objects.filter(user=personas.resident).count() == 2
    assert Client().get("/api/people/me", HTTP_AUTHORIZATION=f"Bearer {first}").status_code == 401
    assert Client().get("/api/people/me", HTTP_AUTHORIZATION=f"Bearer {second}").status_code == 200


# --- 5. enumeration --------------------------------------------------------------------------------------------


def test_unknown_mobile_costs_a_password_hash_like_a_known_one(client, personas, monkeypatch):
    from django.contrib.auth.hashers import MD5PasswordHasher

    calls: list[str] = []
    original = MD5PasswordHasher.encode

    def counting(self: Any, password: str, salt: str) -> str:
        calls.append(password)
        return original(self, password, salt)

    monkeypatch.setattr(MD5PasswordHasher, "encode", counting)
    _login(client, "13700000000", "guess-guess-1")  # nobody has this number
    unknown = len(calls)
    calls.clear()
    _login(client, "13812341234", "guess-guess-1")  # the resident's number, wrong password
    assert unknown >= 1 and len(calls) >= 1


def test_registration_does_not_say_the_mobile_is_registered(client, personas):
    response = client.post(
        "/people/register/resident/", resident_form(personas.station, phone="13812341234", username="newbie")
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "该手机号码已注册过账号" not in page and "手机号" not in _errors(page)
    assert "无法用这些信息为您注册" in page
    assert not User.objects.filter(username="newbie").exists()


def _errors(page: str) -> str:
    start = page.find("msg-error")
    return page[start : start + 300] if start >= 0 else ""


def test_registration_is_rate_limited(client, personas, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "register": (2, 1000, 3600)}
    for i in range(2):
        client.post("/people/register/resident/", resident_form(personas.station, phone=f"1371234567{i}"))
    response = client.post("/people/register/resident/", resident_form(personas.station, phone="13712345679"))
    assert response.status_code == 429


# --- 6. dumpdata loads back --------------------------------------------------------------------------------------


def test_focus_groups_survive_dumpdata_and_loaddata(personas, tmp_path):
    out = io.StringIO()
    call_command("dumpdata", "people.resident", stdout=out)
    rows = json.loads(out.getvalue())
    assert rows[0]["fields"]["focus_groups"] == '["empty_nest_elderly"]'
    path = tmp_path / "residents.json"
    path.write_text(out.getvalue())
    Resident.objects.filter(pk=personas.resident_profile.pk).update(focus_groups=["disabled"])
    call_command("loaddata", str(path), verbosity=0)
    assert Resident.objects.get(pk=personas.resident_profile.pk).focus_groups == ["empty_nest_elderly"]


# --- 7. far dates --------------------------------------------------------------------------------------------


def test_far_dates_are_a_message_not_a_500(client, personas):
    client.force_login(personas.auditor)
    response = client.get("/audit/", {"until": "9999-12-31"})
    assert response.status_code == 200 and "2100-12-31" in response.content.decode()
    client.force_login(personas.office)
    far = {"start": "9999-12-31", "end": "9999-12-31"}
    response = client.get("/stats/", far)
    assert response.status_code == 200 and "2100-12-31" in response.content.decode()
    response = client.get("/stats/report.xlsx", far)
    assert response.status_code == 400 and "2100-12-31" in response.content.decode()


# --- 8. OpenAPI ------------------------------------------------------------------------------------------------


def test_openapi_names_are_unique_and_errors_are_documented(client, personas):
    from ninja import Schema

    names: dict[str, set[str]] = {}

    def walk(cls: type) -> None:
        for sub in cls.__subclasses__():
            if sub.__module__.startswith("civicloop"):
                names.setdefault(sub.__name__, set()).add(sub.__module__)
            walk(sub)

    walk(Schema)
    assert {n: m for n, m in names.items() if len(m) > 1} == {}
    doc = client.get("/api/openapi.json").json()
    answer = doc["paths"]["/api/orders/whistles/{whistle_id}/answer"]["post"]
    ref = answer["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    assert list(doc["components"]["schemas"][ref]["properties"]) == ["answer"]
    for path, operations in doc["paths"].items():
        for method, operation in operations.items():
            codes = ["400"] + (["401", "403"] if operation.get("security") else [])
            if path.startswith("/api/auth/"):
                codes += ["401", "429"]
            for code in codes:
                assert code in operation["responses"], (method, path, code)


@pytest.mark.parametrize("body", ["false", "0", '"name"', "null"])
def test_patch_unit_refuses_a_body_that_is_not_an_object(client, personas, body):
    client.force_login(personas.station_staff)
    response = client.patch(
        f"/api/network/units/{personas.station.pk}", body, content_type="application/json"
    )
    assert response.status_code == 400 and response.json()["detail"]


# --- 9. refusals audited ------------------------------------------------------------------------------------------


def test_cross_scope_filter_in_the_api_is_audited(client, personas):
    client.force_login(personas.sibling)
    response = client.get("/api/people/residents", {"unit_id": personas.station.pk})
    assert response.status_code == 400
    row = AuditEvent.objects.get(action="people.filter_unit")
    assert row.outcome == "denied" and row.actor == personas.sibling


def test_admin_403_is_audited(client, personas):
    staff = User.objects.get(pk=personas.outsider.pk)
    staff.is_staff = True  # may open the admin, holds no model permission
    staff.save()
    client.force_login(staff)
    assert client.get("/admin/people/user/").status_code == 403
    row = AuditEvent.objects.get(action="http_403")
    assert row.outcome == "denied" and row.object_id == "/admin/people/user/"


def test_registration_api_does_not_say_the_mobile_is_registered(client, personas, settings):
    body = {
        "username": "newbie2",
        "password": "Kd-newpass-77",
        "name": "王秀英",
        "phone": "13812341234",
        "unit": personas.station.pk,
        "address": "万和阳光社区5栋1单元302",
        "consent": True,
    }
    response = client.post("/api/people/register/resident", body, content_type="application/json")
    assert response.status_code == 400, response.content
    assert "无法用这些信息为您注册" in response.json()["detail"] and "已注册" not in response.json()["detail"]
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "register": (1, 1000, 3600)}
    client.post("/api/people/register/resident", body, content_type="application/json")
    assert (
        client.post("/api/people/register/resident", body, content_type="application/json").status_code == 429
    )
