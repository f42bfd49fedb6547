"""The organisers' pages have API twins: create → publish → sign-ups → QR sign-in/out → close with hours,
with the page's own messages, and a sibling station, a resident and an outsider refused."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from civicloop.activities import services
from civicloop.activities.models import Activity
from civicloop.records.models import ServiceRecord

BASE = "/api/activities"


def _as(client, user):
    client.logout()
    client.force_login(user)
    return client


def _new(personas, **over):
    start = timezone.localtime() + dt.timedelta(days=2)
    body = {
        "unit": personas.station.pk,
        "category": "health",
        "title": "健康义诊进社区",
        "place": "万和阳光社区广场",
        "starts_at": start.isoformat(),
        "ends_at": (start + dt.timedelta(hours=3)).isoformat(),
        "roles": "志愿者 5",
    }
    return {**body, **over}


@pytest.mark.django_db
def test_a_whole_activity_through_the_api(client, personas):
    created = _as(client, personas.station_staff).post(f"{BASE}/", _new(personas), content_type="application/json")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert created.json()["status"] == "draft" and created.json()["roles"][0]["quota"] == 5
    changed = client.patch(f"{BASE}/{pk}", {"title": "健康义诊进万和"}, content_type="application/json")
    assert changed.status_code == 200 and changed.json()["title"] == "健康义诊进万和"
    assert client.post(f"{BASE}/{pk}/publish").json()["status"] == "published"
    assert client.post(f"{BASE}/{pk}/publish").status_code == 409

    signup = _as(client, personas.volunteer).post(f"{BASE}/{pk}/signup", {}, content_type="application/json")
    assert signup.status_code == 201
    assert [s["id"] for s in client.get(f"{BASE}/mine").json()["items"]] == [signup.json()["id"]]

    # the service starts: move it into the past, as the QR console would be used on the day
    now = timezone.now()
    Activity.objects.filter(pk=pk).update(starts_at=now - dt.timedelta(hours=2), ends_at=now + dt.timedelta(hours=1))
    token_in = services.qr_token(pk, "in")
    assert client.post(f"{BASE}/{pk}/sign-in", {"token": token_in}, content_type="application/json").status_code == 200
    # two hours of service pass between the scans
    from civicloop.activities.models import Signup

    Signup.objects.filter(activity_id=pk).update(signed_in_at=now - dt.timedelta(hours=2))
    token_out = services.qr_token(pk, "out")
    assert client.post(f"{BASE}/{pk}/sign-out", {"token": token_out}, content_type="application/json").status_code == 200

    listed = _as(client, personas.station_staff).get(f"{BASE}/{pk}/signups").json()["items"]
    assert listed[0]["volunteer_id"] == personas.volunteer_profile.pk
    closed = client.post(f"{BASE}/{pk}/close", {"people_served": 30, "summary": "义诊 30 人"}, content_type="application/json")
    assert closed.status_code == 200, closed.content
    assert closed.json()["status"] == "closed" and closed.json()["credited"] == 1
    assert ServiceRecord.objects.filter(volunteer=personas.volunteer_profile, hours__gt=0).exists()


@pytest.mark.django_db
def test_bad_input_answers_the_forms_messages(client, personas):
    r = _as(client, personas.station_staff).post(
        f"{BASE}/", _new(personas, roles="", title=""), content_type="application/json"
    )
    assert r.status_code == 400
    assert {"roles", "title"} <= set(r.json()["errors"])
    assert not Activity.objects.exists()
    ends_first = _new(personas)
    ends_first["ends_at"], ends_first["starts_at"] = ends_first["starts_at"], ends_first["ends_at"]
    r = client.post(f"{BASE}/", ends_first, content_type="application/json")
    assert r.status_code == 400 and r.json()["detail"]


@pytest.mark.django_db
def test_sibling_resident_and_outsider_are_refused(client, personas):
    pk = _as(client, personas.station_staff).post(f"{BASE}/", _new(personas), content_type="application/json").json()["id"]
    for user in (personas.sibling, personas.resident, personas.outsider):
        c = _as(client, user)
        assert c.post(f"{BASE}/{pk}/publish").status_code == 403
        assert c.patch(f"{BASE}/{pk}", {"title": "x"}, content_type="application/json").status_code == 403
        assert c.post(f"{BASE}/{pk}/cancel", {"reason": "x"}, content_type="application/json").status_code == 403
        assert c.post(f"{BASE}/{pk}/close", {"people_served": 1, "summary": "x"}, content_type="application/json").status_code == 403
        assert c.get(f"{BASE}/{pk}/signups").status_code == 403
    assert _as(client, personas.sibling).post(
        f"{BASE}/", _new(personas), content_type="application/json"
    ).status_code in (400, 403)  # the sibling cannot organise at station A
    assert _as(client, personas.resident).post(f"{BASE}/", _new(personas), content_type="application/json").status_code == 403
    assert Activity.objects.get(pk=pk).status == "draft"


@pytest.mark.django_db
def test_cancel_needs_a_reason(client, personas):
    pk = _as(client, personas.station_staff).post(f"{BASE}/", _new(personas), content_type="application/json").json()["id"]
    r = client.post(f"{BASE}/{pk}/cancel", {"reason": ""}, content_type="application/json")
    assert r.status_code == 400 and "reason" in r.json()["errors"]
    assert client.post(f"{BASE}/{pk}/cancel", {"reason": "天气原因"}, content_type="application/json").json()["status"] == "cancelled"


@pytest.mark.django_db
def test_sign_up_steps_refuse_the_wrong_person(client, personas):
    staff = _as(client, personas.station_staff)
    pk = staff.post(f"{BASE}/", _new(personas), content_type="application/json").json()["id"]
    staff.post(f"{BASE}/{pk}/publish")
    sid = _as(client, personas.volunteer).post(f"{BASE}/{pk}/signup", {}, content_type="application/json").json()["id"]
    for user in (personas.sibling, personas.resident, personas.outsider):
        c = _as(client, user)
        assert c.post(f"{BASE}/signups/{sid}/decide", {"approve": False}, content_type="application/json").status_code == 403
        assert c.post(f"{BASE}/signups/{sid}/roll-call", {"present": True}, content_type="application/json").status_code == 403
        assert c.post(f"{BASE}/signups/{sid}/withdraw").status_code == 403
        assert c.post(f"{BASE}/{pk}/sign-out", {"token": services.qr_token(pk, "out")}, content_type="application/json").status_code in (403, 404, 409)
        assert c.get(f"{BASE}/mine").json()["items"] == []
        assert c.get(f"{BASE}/{pk}/qr/in").status_code == 403  # only the organiser shows the code
    assert _as(client, personas.sibling).get(f"{BASE}/managed").json()["items"] == []
    assert [a["id"] for a in _as(client, personas.station_staff).get(f"{BASE}/managed").json()["items"]] == [pk]
    from civicloop.activities.models import Signup

    assert Signup.objects.get(pk=sid).status == "approved"
