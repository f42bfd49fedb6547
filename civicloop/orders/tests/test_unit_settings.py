"""Unit settings: the office (no admin rights) or a unit's staff set deadlines, auto-dispatch, whistle
departments and the auto-rating delay on a page or through the API; units below inherit them; audited; the
escalation job uses the new deadline."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone

from civicloop.audit.models import AuditEvent
from civicloop.orders import services
from civicloop.orders.models import UnitDeadlines, Whistle
from civicloop.orders.tests.factories import fresh, walk

pytestmark = pytest.mark.django_db


def _form(**overrides):
    data = {
        "review_hours": "24",
        "claim_hours": "48",
        "complete_hours": "168",
        "auto_dispatch_hours": "24",
        "auto_rating_days": "7",
    }
    data.update(overrides)
    return data


def test_office_changes_a_station_claim_deadline_on_the_page_and_the_next_overdue_order_escalates(
    client, personas, monkeypatch
):
    p = personas
    assert not p.office.is_staff and not p.office.is_superuser  # no admin-site rights needed
    client.force_login(p.office)
    page = client.get(f"/orders/settings/{p.station.pk}/")
    assert page.status_code == 200 and "平台默认" in page.content.decode()
    response = client.post(f"/orders/settings/{p.station.pk}/", _form(claim_hours="2"))
    assert response.status_code == 302
    assert "本单位设置" in client.get(f"/orders/settings/{p.station.pk}/").content.decode()
    audit = AuditEvent.objects.get(action="unit_settings_update", actor=p.office)
    assert "claim_hours: 48→2" in audit.detail
    # the point below the station inherits; the sibling station keeps the defaults
    assert services.unit_settings_for(p.point).claim_hours == 2
    assert services.unit_settings_for(p.point).source == p.station
    assert services.unit_settings_for(p.station_b).claim_hours == 48
    order = walk(p, "open")
    later = timezone.now() + dt.timedelta(hours=3)
    assert fresh(order).claim_due < later
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert services.orders_escalate_overdue() == 1
    order = fresh(order)
    assert order.escalation_level == 1 and order.escalated_to == p.institute
    assert Whistle.objects.filter(order=order, reason="claim", automatic=True).exists()


def test_whistle_departments_are_asked_on_escalation(personas, monkeypatch):
    p = personas
    services.unit_settings_update(
        actor=p.institute_staff, unit=p.institute, review_hours=1, claim_hours=48, complete_hours=168,
        auto_dispatch=False, auto_dispatch_hours=24, auto_rating_days=7, whistle_departments=[p.department],
    )
    order = walk(p, "submitted")
    later = timezone.now() + dt.timedelta(hours=30)
    monkeypatch.setattr(timezone, "now", lambda: later)
    services.orders_escalate_overdue()
    whistle = Whistle.objects.get(order=order)
    assert list(whistle.departments.all()) == [p.department]


def test_sibling_and_others_are_refused(client, personas):
    p = personas
    for persona in (p.sibling, p.volunteer, p.resident, p.outsider, p.liaison):
        client.force_login(persona)
        assert client.get(f"/orders/settings/{p.station.pk}/").status_code == 403
        assert client.post(f"/orders/settings/{p.station.pk}/", _form(claim_hours="1")).status_code == 403
        response = client.put(
            f"/api/orders/settings/units/{p.station.pk}", json.dumps(_form(claim_hours="1")),
            content_type="application/json",
        )
        assert response.status_code == 403
    assert not UnitDeadlines.objects.exists()
    # station staff set their own station, not the institute above them
    client.force_login(p.station_staff)
    assert client.post(f"/orders/settings/{p.station.pk}/", _form(review_hours="5")).status_code == 302
    assert client.get(f"/orders/settings/{p.institute.pk}/").status_code == 403


def test_bad_input_is_refused_and_nothing_changes(client, personas):
    p = personas
    client.force_login(p.station_staff)
    page = client.post(f"/orders/settings/{p.station.pk}/", _form(claim_hours="0"))
    assert page.status_code == 200 and not UnitDeadlines.objects.exists()
    bad = client.put(
        f"/api/orders/settings/units/{p.station.pk}",
        json.dumps({**_form(), "claim_hours": 99999}), content_type="application/json",
    )
    assert bad.status_code == 400
    bad = client.put(
        f"/api/orders/settings/units/{p.station.pk}",
        json.dumps({**_form(), "whistle_department_ids": [p.station_b.pk]}), content_type="application/json",
    )
    assert bad.status_code == 400
    assert not UnitDeadlines.objects.exists()


def test_api_set_read_and_inherit_again(client, personas):
    p = personas
    client.force_login(p.office)
    ok = client.put(
        f"/api/orders/settings/units/{p.institute.pk}",
        json.dumps({**_form(claim_hours="6"), "auto_dispatch": True, "whistle_department_ids": [p.department.pk]}),
        content_type="application/json",
    )
    assert ok.status_code == 200 and ok.json()["own"] is True and ok.json()["claim_hours"] == 6
    below = client.get(f"/api/orders/settings/units/{p.station.pk}").json()
    assert below["own"] is False and below["source_unit_id"] == p.institute.pk and below["auto_dispatch"] is True
    assert client.delete(f"/api/orders/settings/units/{p.institute.pk}").json()["own"] is False
    assert client.delete(f"/api/orders/settings/units/{p.institute.pk}").status_code == 409
    assert AuditEvent.objects.filter(action="unit_settings_reset", actor=p.office).exists()


def test_auto_rating_waits_for_the_units_own_delay(personas, monkeypatch):
    p = personas
    services.unit_settings_update(
        actor=p.station_staff, unit=p.station, review_hours=24, claim_hours=48, complete_hours=168,
        auto_dispatch=False, auto_dispatch_hours=24, auto_rating_days=2,
    )
    order = walk(p, "served")
    start = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: start + dt.timedelta(days=1))
    assert services.orders_auto_rate() == 0
    monkeypatch.setattr(timezone, "now", lambda: start + dt.timedelta(days=3))
    assert services.orders_auto_rate() == 1
    assert fresh(order).rating.automatic
