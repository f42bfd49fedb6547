"""End to end on real browsers: staff publish, three volunteers sign up on phones, sign in and out through the
QR code page, staff close, hours and a star appear, the service record PDF downloads and verifies."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from civicloop.activities.models import Activity, Signup
from civicloop.activities.tests.helpers import make_volunteer
from civicloop.records.models import ServiceRecord
from civicloop.records.services import record_credit


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_activity_from_publishing_to_verified_record(personas, make_browser, settings):
    settings.CIVICLOOP = {**settings.CIVICLOOP, "STAR_THRESHOLDS": (2, 10, 20, 30, 40)}
    first = personas.volunteer_profile
    record_credit(
        volunteer=first,
        hours=Decimal("0.5"),
        source="activity",
        source_id=None,
        unit=personas.station,
        served_on=timezone.localdate(),
        description="早前服务",
    )
    others = [make_volunteer(personas.station, name=n) for n in ("王小红", "李大明")]

    staff = make_browser(1280, 800)
    staff.login("station")
    staff.go("/activities/new/")
    start = timezone.localtime() - dt.timedelta(hours=2)
    page = staff.page
    page.select_option("select[name=unit]", str(personas.station.pk))
    page.select_option("select[name=category]", "health")
    page.fill("input[name=title]", "重阳节健康义诊")
    page.fill("input[name=place]", "万和阳光社区卫生服务站")
    page.fill("input[name=starts_at]", start.strftime("%Y-%m-%dT%H:%M"))
    page.fill("input[name=ends_at]", (start + dt.timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"))
    page.fill("textarea[name=roles]", "医护志愿者 2\n引导员 3")
    page.fill("input[name=expected_audience]", "120")
    staff.shot("activities-create-desk")
    page.click("form.form button[type=submit]")
    page.click("form[action$='/publish/'] button")
    assert "活动已发布" in page.content()
    activity = Activity.objects.get(title="重阳节健康义诊")
    assert activity.status == "published"
    staff.shot("activities-detail-desk")

    phones = []
    for username in ("volunteer", others[0].user.username, others[1].user.username):
        phone = make_browser(390, 844)
        phone.login(username)
        phone.go(f"/activities/p/{activity.pk}/")
        phone.page.click("button:has-text('我要报名')")
        assert "报名成功" in phone.page.content()
        phones.append(phone)
    phones[0].shot("activities-signup-phone")

    staff.go(f"/activities/{activity.pk}/console/")
    assert page.locator("#qr svg").count() == 1  # one code at a time (issue #13): sign-in first
    staff.shot("activities-console-desk")
    sign_in_url = page.get_attribute("a.qr-link-in", "href")
    for phone in phones:
        phone.page.goto(sign_in_url)
        phone.page.click("#confirm")
        assert "签到成功" in phone.page.content()
    phones[0].shot("activities-signed-in-phone")
    # Time passes: they were present from the start of the activity (two hours ago).
    Signup.objects.filter(activity=activity).update(signed_in_at=activity.starts_at)
    staff.go(f"/activities/{activity.pk}/console/")
    page.click("#show-out")
    sign_out_url = page.get_attribute("a.qr-link-out", "href")
    for phone in phones:
        phone.page.goto(sign_out_url)
        phone.page.click("#confirm")
        assert "签退成功" in phone.page.content()

    staff.go(f"/activities/{activity.pk}/console/")
    page.click("#to-close")  # ending the activity is its own page, with a confirmation
    page.fill("input[name=people_served]", "136")
    page.fill("textarea[name=summary]", "为社区老人测量血压、血糖，讲解秋冬季养生知识。")
    page.check("input[name=confirm]")
    page.click("button:has-text('结束活动并记录时长')")
    assert "已为 3 名志愿者记录时长" in page.content()
    assert ServiceRecord.objects.filter(source="activity", source_id=activity.pk).count() == 3
    assert {r.hours for r in ServiceRecord.objects.filter(source_id=activity.pk)} == {Decimal("2.00")}

    me = phones[0]
    me.go("/records/me/")
    assert me.page.inner_text("#total-hours") == "2.50"
    assert me.page.inner_text("#stars") == "★"
    assert "1 星级志愿者" in me.page.content()
    me.page.click("button:has-text('开具平台服务记录')")
    assert "已开具" in me.page.content()
    me.shot("records-my-hours-phone")
    href = me.page.get_attribute("a:has-text('下载 PDF')", "href")
    pdf = me.page.request.get(me.base_url + href)
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF") and len(pdf.body()) > 1024
    number = re.search(r"/records/documents/([^/]+)/pdf/", href).group(1)

    resident = make_browser(390, 844)
    resident.go(f"/records/verify/{number}/")
    body = resident.page.content()
    assert "核验通过" in body and "刘*" in body and "刘志愿" not in body
    resident.shot("records-verify-phone")
    resident.go(f"/activities/calendar/?unit={personas.station.pk}")
    assert "重阳节健康义诊" in resident.page.content()
    resident.shot("activities-calendar-phone")
    for b in [staff, resident, *phones]:
        assert not b.outside_requests
