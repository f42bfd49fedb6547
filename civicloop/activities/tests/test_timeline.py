"""An activity moves only through its declared steps: each one is an event on the activity's page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from civicloop.activities import services
from civicloop.activities.models import ActivityEvent, ActivityRole, Signup, SignupEvent
from civicloop.activities.tests.helpers import make_activity
from civicloop.audit.models import AuditEvent
from civicloop.core.exceptions import Conflict

pytestmark = pytest.mark.django_db


def test_publish_and_cancel_are_events(client, personas):
    activity = make_activity(personas, publish=False, start_in=dt.timedelta(days=2))
    services.activity_publish(activity=activity, actor=personas.station_staff)
    services.activity_cancel(activity=activity, actor=personas.station_staff, reason="下雨")
    with pytest.raises(Conflict):
        services.activity_publish(activity=activity, actor=personas.station_staff)
    activity.refresh_from_db()
    assert (activity.status, activity.version) == ("cancelled", 2)
    rows = list(ActivityEvent.objects.filter(subject=activity).order_by("pk").values_list("step", "note"))
    assert rows == [("create", ""), ("publish", ""), ("cancel", "下雨")]
    assert AuditEvent.objects.filter(action="activities.cancel", actor=personas.station_staff).count() == 1
    client.force_login(personas.station_staff)
    body = client.get(reverse("activities:detail", args=[activity.pk])).content.decode()
    assert "workflow-timeline" in body and "下雨" in body


# --- sign-ups ------------------------------------------------------------------------------------------------


def _detail(client, personas, activity) -> str:
    client.force_login(personas.station_staff)
    return client.get(reverse("activities:detail", args=[activity.pk])).content.decode()


def test_a_signup_is_created_decided_and_shown_on_the_activity_page(client, personas):
    activity = make_activity(personas, auto_accept=False)
    signup = services.signup_create(activity=activity, volunteer=personas.volunteer_profile)
    services.signup_decide(signup=signup, approve=True, actor=personas.station_staff)
    signup.refresh_from_db()
    assert (signup.status, signup.version) == ("approved", 1) and signup.decided_at is not None
    rows = list(SignupEvent.objects.filter(subject=signup).values_list("step", "from_status", "to_status", "actor"))
    assert rows == [
        ("create", "", "pending", personas.volunteer.pk),
        ("approve", "pending", "approved", personas.station_staff.pk),
    ]
    assert AuditEvent.objects.filter(action="activities.signup.approve", actor=personas.station_staff).count() == 1
    body = _detail(client, personas, activity)
    assert "报名记录" in body and "待审核 → 已通过" in body
    assert personas.station_staff.display_name in body


def test_a_second_decision_is_refused_with_409_and_writes_nothing(client, personas):
    activity = make_activity(personas, auto_accept=False)
    signup = services.signup_create(activity=activity, volunteer=personas.volunteer_profile)
    client.force_login(personas.station_staff)
    url = f"/api/activities/signups/{signup.pk}/decide"
    assert client.post(url, {"approve": False}, content_type="application/json").json()["status"] == "rejected"
    again = client.post(url, {"approve": True}, content_type="application/json")
    assert again.status_code == 409 and again.json()["detail"] == "该报名已审核过。"
    assert ActivityRole.objects.get(activity=activity).filled == 0
    assert list(SignupEvent.objects.filter(subject=signup).values_list("step", flat=True)) == ["create", "reject"]


def test_withdrawal_is_refused_once_signed_in_even_from_a_stale_copy(client, personas):
    activity = make_activity(personas)
    signup = services.signup_create(activity=activity, volunteer=personas.volunteer_profile)
    stale = Signup.objects.get(pk=signup.pk)  # loaded before the sign-in, which does not bump the version
    services.signup_sign_in(activity=activity, volunteer=personas.volunteer_profile, token=services.qr_token(activity.pk, "in"))
    with pytest.raises(Conflict, match="该报名已不能更改"):
        services.signup_withdraw(signup=stale, actor=personas.volunteer)
    signup.refresh_from_db()
    assert signup.status == "approved" and signup.signed_in_at is not None
    assert ActivityRole.objects.get(activity=activity).filled == 1
    assert list(SignupEvent.objects.filter(subject=signup).values_list("step", flat=True)) == ["create"]
    client.force_login(personas.volunteer)
    answer = client.post(f"/api/activities/signups/{signup.pk}/withdraw")
    assert answer.status_code == 409 and answer.json()["detail"] == "该报名已不能更改。"


def test_withdrawal_by_someone_else_is_403_and_by_the_volunteer_an_event(client, personas):
    activity = make_activity(personas)
    signup = services.signup_create(activity=activity, volunteer=personas.volunteer_profile)
    for persona in ("station_staff", "leader", "resident"):
        client.force_login(getattr(personas, persona))
        assert client.post(f"/api/activities/signups/{signup.pk}/withdraw").status_code == 403
    assert Signup.objects.get(pk=signup.pk).status == "approved"
    client.force_login(personas.volunteer)
    assert client.post(f"/api/activities/signups/{signup.pk}/withdraw").json()["status"] == "withdrawn"
    event = SignupEvent.objects.get(subject=signup, step="withdraw")
    assert (event.from_status, event.to_status, event.actor) == ("approved", "withdrawn", personas.volunteer)
    assert ActivityRole.objects.get(activity=activity).filled == 0
    assert "退出报名" in _detail(client, personas, activity)
