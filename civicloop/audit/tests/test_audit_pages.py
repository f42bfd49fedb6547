"""The audit log: auditors read it (filtered, paginated); nobody else sees it; nobody can change it."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.contrib.admin.sites import site
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from civicloop.audit.models import AuditEvent
from civicloop.audit.services import audit_record
from civicloop.network.models import Membership

pytestmark = pytest.mark.django_db

URL = reverse("audit:event_list")


def _rows(response):
    return list(response.context["page"].object_list)


def test_auditor_reads_the_log_in_chinese(client, personas):
    audit_record(action="id_unmask", actor=personas.station_staff, unit=personas.station, detail="resident:1")
    client.force_login(personas.auditor)
    response = client.get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert "审计日志" in page and "id_unmask" in page and "station" in page
    assert "允许" in page  # outcome label in Chinese


def test_failed_login_and_denial_show_up(client, personas):
    client.post(reverse("login"), {"username": "station", "password": "wrong-password"})
    client.force_login(personas.sibling)
    client.get(reverse("network:unit_detail", args=[personas.station.pk]))
    client.force_login(personas.auditor)
    rows = _rows(client.get(URL, {"outcome": "denied"}))
    assert [(e.action, e.actor_name) for e in rows] == [("unit_view", "sibling")]
    rows = _rows(client.get(URL, {"action": "login_failed"}))
    assert len(rows) == 1 and rows[0].outcome == "failed"


def test_filters_by_actor_and_date_range(client, personas):
    audit_record(action="export", actor=personas.office)
    audit_record(action="export", actor=personas.station_staff)
    client.force_login(personas.auditor)
    rows = _rows(client.get(URL, {"actor": "OFFICE", "action": "export"}))
    assert [e.actor_name for e in rows] == ["office"]
    today = timezone.localdate()
    assert len(_rows(client.get(URL, {"action": "export", "since": today, "until": today}))) == 2
    yesterday = today - dt.timedelta(days=1)
    assert _rows(client.get(URL, {"action": "export", "until": yesterday})) == []


def test_backwards_date_range_gives_a_chinese_message(client, personas):
    client.force_login(personas.auditor)
    response = client.get(URL, {"since": "2026-05-02", "until": "2026-05-01"})
    assert response.status_code == 200
    assert "开始日期不能晚于结束日期。" in response.content.decode()
    assert _rows(response) == []


def test_bad_date_gives_a_chinese_message(client, personas):
    client.force_login(personas.auditor)
    response = client.get(URL, {"since": "yesterday"})
    assert "有效的日期" in response.content.decode()


def test_log_is_paginated_with_a_fixed_number_of_queries(client, personas, django_assert_max_num_queries):
    for i in range(120):
        audit_record(action="export", actor=personas.office, unit=personas.root, detail=str(i))
    client.force_login(personas.auditor)
    with django_assert_max_num_queries(20):
        response = client.get(URL, {"page": 2})
    assert len(_rows(response)) == 50
    assert response.context["page"].paginator.num_pages >= 3
    assert response.context["page"].number == 2


@pytest.mark.parametrize(
    "persona", ["office", "station_staff", "liaison", "resident", "volunteer", "outsider"]
)
def test_log_refused_to_everyone_but_auditors(client, personas, persona):
    client.force_login(getattr(personas, persona))
    response = client.get(URL)
    assert response.status_code == 403
    assert "您没有权限查看此页面。" in response.content.decode()
    assert AuditEvent.objects.filter(action="audit_list", outcome="denied").count() == 1


def test_log_needs_sign_in(client, db):
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_auditor_cannot_change_data_anywhere(client, personas):
    """The auditor holds no staff role: every write page and endpoint answers 403 and writes nothing."""
    client.force_login(personas.auditor)
    station = personas.station
    before_units = station.__class__.objects.count()
    before_roles = Membership.objects.count()
    writes = [
        client.post(reverse("network:unit_edit", args=[station.pk]), {"name": "改名"}),
        client.post(reverse("network:unit_add", args=[station.pk]), {"kind": "practice", "name": "新点"}),
        client.post(
            reverse("network:membership_grant", args=[station.pk]), {"username": "outsider", "role": "staff"}
        ),
        client.post(
            reverse(
                "network:membership_revoke", args=[Membership.objects.get(user=personas.station_staff).pk]
            )
        ),
        client.patch(
            f"/api/network/units/{station.pk}", json.dumps({"name": "改名"}), content_type="application/json"
        ),
    ]
    assert [r.status_code for r in writes] == [403] * len(writes)
    station.refresh_from_db()
    assert station.name == "万和阳光社区新时代文明实践站"
    assert station.__class__.objects.count() == before_units and Membership.objects.count() == before_roles


def test_events_cannot_be_edited_or_deleted(personas):
    event = audit_record(action="login", actor=personas.office)
    event.detail = "tampered"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(detail="tampered")
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get(pk=event.pk).detail == ""


def test_admin_offers_no_add_change_or_delete_even_to_superusers(personas, django_user_model):
    root = django_user_model.objects.create_superuser("root", password="Kd-root-2026!")
    request = RequestFactory().get("/admin/")
    request.user = root
    model_admin = site._registry[AuditEvent]
    event = audit_record(action="login", actor=personas.office)
    assert model_admin.has_view_permission(request, event)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, event)
    assert not model_admin.has_delete_permission(request, event)


def test_admin_pages_for_audit_are_read_only(client, personas, django_user_model):
    root = django_user_model.objects.create_superuser("root", password="Kd-root-2026!")
    event = audit_record(action="login", actor=personas.office)
    client.force_login(root)
    assert client.get("/admin/audit/auditevent/").status_code == 200
    assert client.get("/admin/audit/auditevent/add/").status_code == 403
    response = client.post(f"/admin/audit/auditevent/{event.pk}/change/", {"detail": "tampered"})
    assert response.status_code == 403
    assert client.post(f"/admin/audit/auditevent/{event.pk}/delete/", {"post": "yes"}).status_code == 403
    assert AuditEvent.objects.get(pk=event.pk).detail == ""


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_browser_auditor_filters_the_log(personas, desk):
    audit_record(action="id_unmask", actor=personas.station_staff, unit=personas.station, detail="resident:1")
    audit_record(action="export", actor=personas.office, unit=personas.root)
    desk.login("auditor")
    assert desk.page.url.endswith("/audit/")
    desk.page.select_option("select[name=action]", "id_unmask")
    desk.page.click("form.filters button[type=submit]")
    desk.page.wait_for_load_state()
    rows = desk.page.locator("tr.event")
    assert rows.count() == 1 and "station" in rows.first.inner_text()
    assert "身份证号" in rows.first.inner_text()  # the label, in Chinese
    desk.shot("audit-log-filtered")
