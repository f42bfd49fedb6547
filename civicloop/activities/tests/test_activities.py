from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from civicloop.activities import services
from civicloop.activities.models import Activity, ActivityRole, Signup
from civicloop.activities.tests.helpers import make_activity, make_volunteer, shift
from civicloop.records.models import ServiceRecord

pytestmark = pytest.mark.django_db


def _msgs(response) -> str:
    return " ".join(str(m) for m in response.context["messages"]) if response.context else ""


def test_staff_plans_and_publishes_an_activity(client, personas):
    client.force_login(personas.station_staff)
    start = (timezone.localtime() + dt.timedelta(days=2)).replace(second=0, microsecond=0)
    response = client.post(
        reverse("activities:create"),
        {
            "unit": personas.station.pk,
            "category": "lecture",
            "title": "党的理论宣讲",
            "place": "社区会议室",
            "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (start + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
            "roles": "讲解员 2\n引导员：3",
            "expected_audience": 40,
            "auto_accept": "on",
        },
    )
    activity = Activity.objects.get(title="党的理论宣讲")
    assert response.status_code == 302
    assert activity.status == "draft" and activity.unit_path == personas.station.path
    assert sorted(activity.roles.values_list("name", "quota")) == [("引导员", 3), ("讲解员", 2)]
    response = client.post(reverse("activities:publish", args=[activity.pk]), follow=True)
    activity.refresh_from_db()
    assert activity.status == "published"
    assert "活动已发布" in response.content.decode()


def test_bad_roles_are_refused_with_a_message(client, personas):
    client.force_login(personas.station_staff)
    start = timezone.localtime() + dt.timedelta(days=1)
    response = client.post(
        reverse("activities:create"),
        {
            "unit": personas.station.pk,
            "category": "lecture",
            "title": "宣讲",
            "place": "会议室",
            "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (start - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
            "roles": "讲解员",
            "expected_audience": 0,
        },
    )
    assert response.status_code == 200
    assert "每行写一个岗位" in response.content.decode()
    assert not Activity.objects.exists()


def test_signup_takes_a_place_and_the_last_one_is_refused(personas):
    activity = make_activity(personas, quota=1)
    services.signup_create(activity=activity, volunteer=personas.volunteer_profile)
    other = make_volunteer(personas.station)
    with pytest.raises(Exception, match="名额已满"):
        services.signup_create(activity=activity, volunteer=other)
    assert ActivityRole.objects.get(activity=activity).filled == 1
    assert Signup.objects.filter(activity=activity).count() == 1


def test_withdraw_gives_the_place_back(client, personas):
    activity = make_activity(personas, quota=1)
    signup = services.signup_create(activity=activity, volunteer=personas.volunteer_profile)
    client.force_login(personas.volunteer)
    client.post(reverse("activities:withdraw", args=[signup.pk]))
    assert ActivityRole.objects.get(activity=activity).filled == 0
    assert Signup.objects.get(pk=signup.pk).status == "withdrawn"


def test_pending_signup_needs_approval_before_sign_in(client, personas):
    activity = make_activity(personas, auto_accept=False)
    signup = services.signup_create(activity=activity, volunteer=personas.volunteer_profile)
    assert signup.status == "pending"
    token = services.qr_token(activity.pk, "in")
    client.force_login(personas.volunteer)
    response = client.post(reverse("activities:scan", args=[activity.pk, "in", token]), follow=True)
    assert "报名尚未通过审核" in response.content.decode()
    client.force_login(personas.station_staff)
    client.post(reverse("activities:signup_decide", args=[signup.pk]), {"approve": "1"})
    assert Signup.objects.get(pk=signup.pk).status == "approved"


def test_qr_sign_in_and_out(client, personas):
    activity = make_activity(personas)
    services.signup_create(activity=activity, volunteer=personas.volunteer_profile)
    client.force_login(personas.volunteer)
    url = reverse("activities:scan", args=[activity.pk, "in", services.qr_token(activity.pk, "in")])
    assert "确认签到" in client.get(url).content.decode()
    response = client.post(url, follow=True)
    assert "签到成功" in response.content.decode()
    signup = Signup.objects.get(activity=activity)
    assert signup.signed_in_at is not None and signup.how == "qr"
    client.post(reverse("activities:scan", args=[activity.pk, "out", services.qr_token(activity.pk, "out")]))
    assert Signup.objects.get(pk=signup.pk).signed_out_at is not None


@pytest.mark.parametrize("case", ["expired", "foreign", "wrong_direction"])
def test_expired_or_foreign_code_is_refused_and_writes_nothing(client, personas, case):
    activity = make_activity(personas)
    other = make_activity(personas, title="另一场活动")
    services.signup_create(activity=activity, volunteer=personas.volunteer_profile)
    token = {
        "expired": services.qr_token(activity.pk, "in", services.qr_window() - 2),
        "foreign": services.qr_token(other.pk, "in"),
        "wrong_direction": services.qr_token(activity.pk, "out"),
    }[case]
    client.force_login(personas.volunteer)
    url = reverse("activities:scan", args=[activity.pk, "in", token])
    assert "已过期或不属于本活动" in client.get(url).content.decode()
    response = client.post(url, follow=True)
    assert "已过期或不属于本活动" in response.content.decode()
    assert Signup.objects.get(activity=activity).signed_in_at is None


def test_previous_minute_code_still_works(personas):
    activity = make_activity(personas)
    services.signup_create(activity=activity, volunteer=personas.volunteer_profile)
    token = services.qr_token(activity.pk, "in", services.qr_window() - 1)
    signup = services.signup_sign_in(activity=activity, volunteer=personas.volunteer_profile, token=token)
    assert signup.signed_in_at is not None


def test_close_credits_signed_time_capped_and_rounded_down(personas):
    activity = make_activity(personas)
    early = personas.volunteer_profile
    late = make_volunteer(personas.station)
    absent = make_volunteer(personas.station)
    for v in (early, late, absent):
        services.signup_create(activity=activity, volunteer=v)
    shift(activity, start_in=dt.timedelta(hours=-3), length=dt.timedelta(hours=2))
    s = activity.starts_at
    # Arrived an hour early, left an hour after the end: capped at the activity's 2 hours.
    Signup.objects.filter(volunteer=early).update(
        signed_in_at=s - dt.timedelta(hours=1), signed_out_at=s + dt.timedelta(hours=3)
    )
    # Stayed 1 h 20 min: rounded down to 1 h.
    Signup.objects.filter(volunteer=late).update(
        signed_in_at=s + dt.timedelta(minutes=30), signed_out_at=s + dt.timedelta(minutes=110)
    )
    rows = services.activity_close(
        activity=activity, actor=personas.station_staff, people_served=80, summary="顺利完成"
    )
    hours = {r.volunteer_id: r.hours for r in rows}
    assert hours == {early.pk: Decimal("2.00"), late.pk: Decimal("1.00")}
    assert not ServiceRecord.objects.filter(volunteer=absent).exists()
    activity.refresh_from_db()
    assert activity.status == "closed" and activity.people_served == 80


def test_roll_call_counts_the_whole_activity(client, personas):
    activity = make_activity(personas)
    signup = services.signup_create(activity=activity, volunteer=personas.volunteer_profile)
    shift(activity, start_in=dt.timedelta(hours=-2), length=dt.timedelta(hours=1, minutes=30))
    client.force_login(personas.leader)  # leads the team? not the organiser of a unit activity
    assert client.post(reverse("activities:roll_call", args=[signup.pk]), {"present": "1"}).status_code == 403
    client.force_login(personas.station_staff)
    client.post(reverse("activities:roll_call", args=[signup.pk]), {"present": "1"})
    response = client.post(
        reverse("activities:close", args=[activity.pk]), {"people_served": 30, "summary": "好", "confirm": "on"},
        follow=True,
    )
    assert "已为 1 名志愿者记录时长" in response.content.decode()
    assert ServiceRecord.objects.get(volunteer=personas.volunteer_profile).hours == Decimal("1.50")


def test_close_without_summary_writes_nothing(client, personas):
    activity = make_activity(personas)
    services.signup_create(activity=activity, volunteer=personas.volunteer_profile)
    client.force_login(personas.station_staff)
    response = client.post(
        reverse("activities:close", args=[activity.pk]), {"people_served": 3, "summary": "", "confirm": "on"},
        follow=True,
    )
    assert "这个字段是必填项" in response.content.decode() or "请填写" in response.content.decode()
    activity.refresh_from_db()
    assert activity.status == "published"
    assert not ServiceRecord.objects.exists()


def test_calendar_is_public_and_shows_no_personal_data(client, personas):
    activity = make_activity(personas, title="社区文艺演出")
    services.signup_create(activity=activity, volunteer=personas.volunteer_profile)
    draft = make_activity(personas, publish=False, title="草稿活动")
    month = timezone.localtime(activity.starts_at).strftime("%Y-%m")
    body = client.get(
        reverse("activities:calendar"), {"month": month, "unit": personas.station.pk}
    ).content.decode()
    assert "社区文艺演出" in body and "草稿活动" not in body
    assert "刘志愿" not in body
    detail = client.get(reverse("activities:public_detail", args=[activity.pk])).content.decode()
    assert "刘志愿" not in detail
    assert client.get(reverse("activities:public_detail", args=[draft.pk])).status_code == 404


def test_staff_list_is_scoped_and_filtered(client, personas, django_assert_max_num_queries):
    make_activity(personas, unit=personas.station_b, title="兄弟站活动")
    client.force_login(personas.station_staff)
    for i in range(3):
        make_activity(personas, title=f"本站活动{i}")
    with django_assert_max_num_queries(14):
        client.get(reverse("activities:list"))
    for i in range(3, 12):
        make_activity(personas, title=f"本站活动{i}")
    with django_assert_max_num_queries(14):  # the same number of queries for 3 rows or 12
        body = client.get(reverse("activities:list")).content.decode()
    assert "本站活动11" in body and "兄弟站活动" not in body
    body = client.get(reverse("activities:list"), {"q": "活动3"}).content.decode()
    assert "本站活动3" in body and "本站活动2" not in body
    client.force_login(personas.institute_staff)
    assert "兄弟站活动" in client.get(reverse("activities:list")).content.decode()


MANAGE_PAGES = ["detail", "edit", "console", "console_qr", "close"]


@pytest.mark.parametrize("name", MANAGE_PAGES)
def test_manage_pages_allowed_for_owner_and_refused_for_others(client, personas, name):
    activity = make_activity(personas)
    client.force_login(personas.station_staff)
    assert client.get(reverse(f"activities:{name}", args=[activity.pk])).status_code == 200
    for persona in ("sibling", "outsider", "resident", "volunteer", "leader"):
        client.force_login(getattr(personas, persona))
        assert client.get(reverse(f"activities:{name}", args=[activity.pk])).status_code == 403, persona


@pytest.mark.parametrize("name", ["publish", "cancel", "close"])
def test_manage_actions_refused_for_sibling_and_resident(client, personas, name):
    activity = make_activity(personas, publish=(name != "publish"))
    for persona in ("sibling", "resident", "outsider"):
        client.force_login(getattr(personas, persona))
        assert (
            client.post(
                reverse(f"activities:{name}", args=[activity.pk]),
                {"reason": "x", "summary": "x", "people_served": 1},
            ).status_code
            == 403
        )
    activity.refresh_from_db()
    assert activity.status == ("draft" if name == "publish" else "published")


def test_team_leader_manages_their_teams_activity(client, personas):
    activity = make_activity(personas)
    Activity.objects.filter(pk=activity.pk).update(team=personas.team)
    client.force_login(personas.leader)
    assert client.get(reverse("activities:console", args=[activity.pk])).status_code == 200
    client.force_login(personas.team_b.leader)
    assert client.get(reverse("activities:console", args=[activity.pk])).status_code == 403


def test_signup_and_scan_refused_for_non_volunteers(client, personas):
    activity = make_activity(personas)
    for persona in ("resident", "station_staff", "outsider"):
        client.force_login(getattr(personas, persona))
        assert client.post(reverse("activities:signup", args=[activity.pk])).status_code == 403
        url = reverse("activities:scan", args=[activity.pk, "in", services.qr_token(activity.pk, "in")])
        assert client.get(url).status_code == 403
        assert client.get(reverse("activities:my")).status_code == 403
    assert not Signup.objects.exists()


def test_volunteer_cannot_withdraw_someone_elses_signup(client, personas):
    activity = make_activity(personas)
    other = make_volunteer(personas.station)
    signup = services.signup_create(activity=activity, volunteer=other)
    client.force_login(personas.volunteer)
    assert client.post(reverse("activities:withdraw", args=[signup.pk])).status_code == 403
    assert Signup.objects.get(pk=signup.pk).status == "approved"


def test_signup_on_phone_page(client, personas):
    activity = make_activity(personas)
    client.force_login(personas.volunteer)
    body = client.get(reverse("activities:my")).content.decode()
    assert activity.title in body
    response = client.post(reverse("activities:signup", args=[activity.pk]), follow=True)
    assert "报名成功" in response.content.decode()
    response = client.post(reverse("activities:signup", args=[activity.pk]), follow=True)
    assert "您已报名" in response.content.decode()
    assert Signup.objects.filter(activity=activity).count() == 1


def test_api_list_signup_and_sign_in(client, personas):
    activity = make_activity(personas)
    assert any(a["id"] == activity.pk for a in client.get("/api/activities/").json()["items"])
    client.force_login(personas.volunteer)
    response = client.post(f"/api/activities/{activity.pk}/signup", {}, content_type="application/json")
    assert response.status_code == 201
    response = client.post(
        f"/api/activities/{activity.pk}/sign-in", {"token": "bad"}, content_type="application/json"
    )
    assert response.status_code == 400 and "已过期" in response.json()["detail"]
    response = client.post(
        f"/api/activities/{activity.pk}/sign-in",
        {"token": services.qr_token(activity.pk, "in")},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["signed_in_at"]
    client.force_login(personas.resident)
    assert (
        client.post(f"/api/activities/{activity.pk}/signup", {}, content_type="application/json").status_code
        == 403
    )


def test_edit_cannot_cut_places_below_signups(client, personas):
    activity = make_activity(personas, quota=3)
    for _ in range(2):
        services.signup_create(activity=activity, volunteer=make_volunteer(personas.station))
    client.force_login(personas.station_staff)
    start = timezone.localtime(activity.starts_at)
    data = {
        "unit": personas.station.pk,
        "category": "health",
        "title": "健康义诊（改）",
        "place": "社区广场",
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (start + dt.timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"),
        "roles": "志愿者 1",
        "expected_audience": 10,
    }
    response = client.post(reverse("activities:edit", args=[activity.pk]), data)
    assert "已有 2 名志愿者报名，名额不能少于此数" in response.content.decode()
    activity.refresh_from_db()
    assert activity.title == "健康义诊进社区"
    assert ActivityRole.objects.get(activity=activity).quota == 3
    data["roles"] = "志愿者 5\n摄影 1"
    client.post(reverse("activities:edit", args=[activity.pk]), data)
    activity.refresh_from_db()
    assert activity.title == "健康义诊（改）"
    assert sorted(activity.roles.values_list("name", "quota")) == [("志愿者", 5), ("摄影", 1)]


def test_close_with_a_photo(client, personas, settings, tmp_path):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    settings.MEDIA_ROOT = tmp_path
    activity = make_activity(personas)
    buf = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buf, "PNG")
    client.force_login(personas.station_staff)
    client.post(
        reverse("activities:close", args=[activity.pk]),
        {
            "people_served": 12,
            "summary": "完成",
            "confirm": "on",
            "photos": SimpleUploadedFile("a.png", buf.getvalue(), "image/png"),
        },
    )
    activity.refresh_from_db()
    assert activity.status == "closed" and activity.photos.count() == 1
    assert "<img" in client.get(reverse("activities:public_detail", args=[activity.pk])).content.decode()


def test_cancel_needs_a_reason(client, personas):
    activity = make_activity(personas)
    client.force_login(personas.station_staff)
    response = client.post(reverse("activities:cancel", args=[activity.pk]), {"reason": " "}, follow=True)
    assert "请填写取消原因" in response.content.decode()
    client.post(reverse("activities:cancel", args=[activity.pk]), {"reason": "天气原因"})
    activity.refresh_from_db()
    assert activity.status == "cancelled"
    with pytest.raises(Exception, match="不接受报名"):
        services.signup_create(activity=activity, volunteer=personas.volunteer_profile)


def test_leader_plans_as_their_team(client, personas):
    client.force_login(personas.leader)
    start = timezone.localtime() + dt.timedelta(days=3)
    data = {
        "unit": personas.station.pk,
        "category": "health",
        "title": "队里的健康讲座",
        "place": "活动室",
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (start + dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "roles": "讲师 1",
        "expected_audience": 20,
    }
    response = client.post(reverse("activities:create"), data)
    assert "请选择您带领的志愿队作为承办方" in response.content.decode()
    assert not Activity.objects.exists()
    client.post(reverse("activities:create"), data | {"team": personas.team.pk})
    activity = Activity.objects.get()
    assert client.get(reverse("activities:detail", args=[activity.pk])).status_code == 200
    body = client.get(reverse("activities:list")).content.decode()
    assert "队里的健康讲座" in body


def test_signup_decisions_refused_outside_scope(client, personas):
    activity = make_activity(personas, auto_accept=False)
    signup = services.signup_create(activity=activity, volunteer=personas.volunteer_profile)
    for persona in ("sibling", "volunteer", "resident", "outsider"):
        client.force_login(getattr(personas, persona))
        assert (
            client.post(reverse("activities:signup_decide", args=[signup.pk]), {"approve": "1"}).status_code
            == 403
        )
    assert Signup.objects.get(pk=signup.pk).status == "pending"
    client.force_login(personas.institute_staff)
    client.post(reverse("activities:signup_decide", args=[signup.pk]), {"approve": "0"})
    assert Signup.objects.get(pk=signup.pk).status == "rejected"
    assert ActivityRole.objects.get(activity=activity).filled == 0
