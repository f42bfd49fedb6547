"""扫一扫, the volunteer card (电子志愿者证) and the one-code console (issue #13): what volunteers and organisers
see and what is written, on pages and through the API twins, with the wrong people refused."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.core import signing
from django.urls import reverse

from civicloop.activities import services
from civicloop.activities.models import Activity, CardTokenUse, Signup
from civicloop.activities.tests.helpers import make_activity, shift
from civicloop.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

BASE = "/api/activities"


def _running(personas):
    """An activity under way with the persona volunteer signed up (approved)."""
    activity = make_activity(personas)
    signup = services.signup_create(activity=activity, volunteer=personas.volunteer_profile)
    shift(activity, start_in=dt.timedelta(minutes=-30), length=dt.timedelta(hours=2))
    return activity, signup


def _link(activity, kind):
    token = services.qr_token(activity.pk, kind)
    return f"http://testserver{reverse('activities:scan', args=[activity.pk, kind, token])}"


def _old_card_token(volunteer, seconds_ago):
    """A card code issued `seconds_ago`: signed like the real one, with an older timestamp."""

    class Earlier(signing.TimestampSigner):
        def timestamp(self) -> str:
            return signing.b62_encode(int(time.time()) - seconds_ago)

    body = Earlier(salt=services.CARD_SALT).sign_object({"v": volunteer.pk, "n": "a1b2c3d4e5f60718"})
    return services.CARD_PREFIX + body


# --- 扫一扫 -----------------------------------------------------------------------------------------------------


def test_volunteer_pages_offer_the_scan_button(client, personas):
    activity, _signup = _running(personas)
    client.force_login(personas.volunteer)
    for url in (
        reverse("activities:my"),
        reverse("orders:tasks"),
        reverse("activities:public_detail", args=[activity.pk]),
    ):
        body = client.get(url).content.decode()
        assert 'id="scan-button"' in body and "扫一扫" in body, url
    assert f"/activities/scan/?activity={activity.pk}" in client.get(
        reverse("activities:public_detail", args=[activity.pk])
    ).content.decode()


def test_scanner_page_says_to_allow_the_camera_and_serves_the_reader_locally(client, personas):
    client.force_login(personas.volunteer)
    body = client.get(reverse("activities:scanner")).content.decode()
    assert "请允许使用相机" in body and "data-qr-scanner" in body
    assert "/static/vendor/jsqr/jsQR.js" in body and "//cdn" not in body
    from django.contrib.staticfiles import finders

    assert finders.find("vendor/jsqr/jsQR.js"), "jsQR is collected from node_modules like htmx"


def test_a_pasted_link_signs_the_volunteer_in_and_then_out(client, personas):
    activity, signup = _running(personas)
    client.force_login(personas.volunteer)
    body = client.post(reverse("activities:scanner"), {"code": _link(activity, "in")}).content.decode()
    assert "已签到" in body and activity.title in body
    signup.refresh_from_db()
    assert signup.signed_in_at is not None and signup.how == "qr"
    body = client.post(reverse("activities:scanner"), {"code": _link(activity, "out")}).content.decode()
    assert "已签退" in body
    signup.refresh_from_db()
    assert signup.signed_out_at is not None


@pytest.mark.parametrize("code", ["", "hello", "https://example.com/x", "/activities/99999/scan/in/abc/", "签到", "http://[x/activities/"])
def test_a_pasted_code_that_is_no_activity_code_is_explained(client, personas, code):
    _running(personas)
    client.force_login(personas.volunteer)
    response = client.post(reverse("activities:scanner"), {"code": code})
    assert response.status_code == 200
    body = response.content.decode()
    assert "这不是活动的签到码" in body or "已过期" in body
    assert not Signup.objects.filter(signed_in_at__isnull=False).exists()


def test_scanner_is_for_volunteers_only(client, personas):
    activity, _signup = _running(personas)
    for persona in ("resident", "outsider"):
        client.force_login(getattr(personas, persona))
        assert client.get(reverse("activities:scanner")).status_code == 403
        assert client.post(reverse("activities:scanner"), {"code": _link(activity, "in")}).status_code == 403
    assert not Signup.objects.filter(signed_in_at__isnull=False).exists()


def test_api_scan_twin_signs_in_and_refuses_a_resident(client, personas):
    activity, signup = _running(personas)
    client.force_login(personas.resident)
    r = client.post(f"{BASE}/scan", {"code": _link(activity, "in")}, content_type="application/json")
    assert r.status_code == 403
    client.force_login(personas.volunteer)
    r = client.post(f"{BASE}/scan", {"code": "nonsense"}, content_type="application/json")
    assert r.status_code == 400 and "这不是活动的签到码" in str(r.json())
    r = client.post(f"{BASE}/scan", {"code": _link(activity, "in")}, content_type="application/json")
    assert r.status_code == 200 and r.json()["ok"] is True and "已签到" in r.json()["message"]
    r = client.post(f"{BASE}/scan", {"code": _link(activity, "in")}, content_type="application/json")
    assert r.status_code == 409  # a second scan does not sign out
    signup.refresh_from_db()
    assert signup.signed_in_at is not None and signup.signed_out_at is None


# --- the volunteer card ---------------------------------------------------------------------------------------


def test_card_page_shows_masked_name_team_hours_and_a_code(client, personas):
    client.force_login(personas.volunteer)
    body = client.get(reverse("activities:card")).content.decode()
    assert "电子志愿者证" in body
    assert "刘*愿" in body and "刘志愿" not in body  # the name masked as DESIGN §4 says
    assert personas.team.name in body and 'id="card-hours"' in body
    assert "<svg" in body and services.CARD_PREFIX in body
    fragment = client.get(reverse("activities:card_qr")).content.decode()
    assert "<svg" in fragment and 'id="card-qr"' in fragment


def test_card_is_for_volunteers_only(client, personas):
    for persona in ("resident", "outsider", "station_staff"):
        client.force_login(getattr(personas, persona))
        assert client.get(reverse("activities:card")).status_code == 403
        assert client.get(f"{BASE}/card").status_code == 403


def test_organiser_signs_a_volunteer_in_and_out_by_card(client, personas):
    activity, signup = _running(personas)
    client.force_login(personas.volunteer)
    card = client.get(f"{BASE}/card").json()
    assert card["name"] == "刘*愿" and card["expires_in"] == services.CARD_TOKEN_SECONDS
    client.force_login(personas.station_staff)
    url = reverse("activities:console_card", args=[activity.pk])
    response = client.post(url, {"token": card["token"], "kind": "in"}, follow=True)
    assert "刘志愿 已签到" in response.content.decode()
    signup.refresh_from_db()
    assert signup.signed_in_at is not None and signup.how == "card"
    assert AuditEvent.objects.filter(action="signup_sign_in", actor=personas.station_staff, detail="card").exists()

    # the same code shown again (a screenshot) is refused, with the reason, and signs nobody out
    replay = client.post(url, {"token": card["token"], "kind": "out"}, follow=True).content.decode()
    assert "已使用过" in replay
    signup.refresh_from_db()
    assert signup.signed_out_at is None

    client.force_login(personas.volunteer)
    fresh = client.get(f"{BASE}/card").json()["token"]
    client.force_login(personas.station_staff)
    r = client.post(
        f"{BASE}/{activity.pk}/card-scan", {"token": fresh, "kind": "out"}, content_type="application/json"
    )
    assert r.status_code == 200 and r.json()["signed_out_at"]
    assert CardTokenUse.objects.count() == 2


def test_card_scan_refuses_expired_forged_and_replayed_codes(client, personas):
    activity, signup = _running(personas)
    client.force_login(personas.station_staff)
    api = f"{BASE}/{activity.pk}/card-scan"
    expired = _old_card_token(personas.volunteer_profile, services.CARD_TOKEN_SECONDS + 5)
    r = client.post(api, {"token": expired, "kind": "in"}, content_type="application/json")
    assert r.status_code == 400 and "已过期" in str(r.json())
    forged = _old_card_token(personas.volunteer_profile, 0)[:-3] + "abc"
    r = client.post(api, {"token": forged, "kind": "in"}, content_type="application/json")
    assert r.status_code == 400 and "不是电子志愿者证" in str(r.json())
    r = client.post(api, {"token": _link(activity, "in"), "kind": "in"}, content_type="application/json")
    assert r.status_code == 400 and "不是电子志愿者证" in str(r.json())
    signup.refresh_from_db()
    assert signup.signed_in_at is None and not CardTokenUse.objects.exists()

    fresh = _old_card_token(personas.volunteer_profile, 10)
    assert client.post(api, {"token": fresh, "kind": "in"}, content_type="application/json").status_code == 200
    r = client.post(api, {"token": fresh, "kind": "in"}, content_type="application/json")
    assert r.status_code == 400 and "已使用过" in str(r.json())


def test_card_scan_by_an_organiser_of_another_unit_is_refused(client, personas):
    activity, signup = _running(personas)
    client.force_login(personas.volunteer)
    token = client.get(f"{BASE}/card").json()["token"]
    for persona in ("sibling", "leader", "resident", "volunteer"):
        client.force_login(getattr(personas, persona))
        assert client.post(
            reverse("activities:console_card", args=[activity.pk]), {"token": token, "kind": "in"}
        ).status_code == 403, persona
        r = client.post(
            f"{BASE}/{activity.pk}/card-scan", {"token": token, "kind": "in"}, content_type="application/json"
        )
        assert r.status_code == 403, persona
    signup.refresh_from_db()
    assert signup.signed_in_at is None and not CardTokenUse.objects.exists()


def test_card_of_a_volunteer_not_signed_up_is_refused(client, personas):
    from civicloop.activities.tests.helpers import make_volunteer

    activity, _signup = _running(personas)
    stranger = make_volunteer(personas.station, name="王路过")
    client.force_login(personas.station_staff)
    token = services.volunteer_card_token(stranger)
    r = client.post(
        f"{BASE}/{activity.pk}/card-scan", {"token": token, "kind": "in"}, content_type="application/json"
    )
    assert r.status_code == 400 and "没有报名" in str(r.json())
    assert not CardTokenUse.objects.exists()


# --- the console and the close page ---------------------------------------------------------------------------


def _stage(body: str) -> str:
    """The console's code area (the page's navigation has its own icons)."""
    return body.split('id="qr-stage"', 1)[1].split("</section>", 1)[0]


def test_console_shows_one_code_and_switches(client, personas):
    activity, _signup = _running(personas)
    client.force_login(personas.station_staff)
    body = client.get(reverse("activities:console", args=[activity.pk])).content.decode()
    assert _stage(body).count("<svg") == 1 and "扫码签到" in body and "扫码签退" not in body
    assert f"/activities/{activity.pk}/scan/in/" in body and f"/activities/{activity.pk}/scan/out/" not in body
    assert 'data-fullscreen="#qr-stage"' in body
    assert "结束活动并记录时长" in body and 'name="people_served"' not in body  # the close form is elsewhere
    body = client.get(reverse("activities:console", args=[activity.pk]) + "?show=out").content.decode()
    assert _stage(body).count("<svg") == 1 and "扫码签退" in body and f"/activities/{activity.pk}/scan/out/" in body
    fragment = client.get(reverse("activities:console_qr", args=[activity.pk]) + "?show=out").content.decode()
    assert "?show=out" in fragment and "/scan/out/" in fragment  # the auto-refresh keeps the chosen code


def test_close_page_asks_for_confirmation(client, personas):
    activity, _signup = _running(personas)
    client.force_login(personas.station_staff)
    url = reverse("activities:close", args=[activity.pk])
    page = client.get(url).content.decode()
    assert 'name="confirm"' in page and "不可撤销" in page
    body = client.post(url, {"people_served": 10, "summary": "完成"}).content.decode()
    assert "请勾选，确认活动已经结束" in body
    activity.refresh_from_db()
    assert activity.status == Activity.Status.PUBLISHED
    response = client.post(url, {"people_served": 10, "summary": "完成", "confirm": "on"})
    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.status == Activity.Status.CLOSED
