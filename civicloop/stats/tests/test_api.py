"""The figures API: the dashboard's numbers for the caller's scope; other scopes refused, bad periods a 400."""

from __future__ import annotations

import datetime as dt
from io import BytesIO

import pytest
from openpyxl import load_workbook

from civicloop.audit.models import AuditEvent
from civicloop.stats.services import counters_apply

BASE = "/api/stats"
YEAR = {"start": "2026-01-01", "end": "2026-12-31"}


@pytest.fixture
def counted(personas):
    day = dt.date(2026, 3, 5)
    counters_apply(
        {
            ("orders", personas.station.path, day, "health"): 3,
            ("orders_state", personas.station.path, day, "closed"): 3,
            ("orders", personas.station_b.path, day, "culture"): 5,
            ("activities", personas.station.path, day, "lecture"): 1,
            ("hours", personas.station.path, day, "lecture"): 1250,
        }
    )
    return personas


def _as(client, user):
    client.force_login(user)
    return client


def test_station_staff_read_their_figures(client, counted):
    r = _as(client, counted.station_staff).get(f"{BASE}/figures", YEAR)
    assert r.status_code == 200
    body = r.json()
    assert (body["unit"], body["orders"], body["orders_closed"], body["hours"]) == (
        counted.station.pk, 3, 3, 12.5,
    )
    assert body["summary"]
    months = _as(client, counted.station_staff).get(f"{BASE}/months/orders", YEAR).json()
    assert {m["month"]: m["value"] for m in months}["2026-03-01"] == 3
    platforms = _as(client, counted.station_staff).get(f"{BASE}/breakdown/platform", YEAR).json()
    assert platforms == [{"code": "health", "count": 3}]


def test_office_sees_children_and_district_totals(client, counted):
    r = _as(client, counted.office).get(f"{BASE}/figures", YEAR)
    assert r.json()["orders"] == 8
    kids = _as(client, counted.office).get(f"{BASE}/children", YEAR).json()
    assert sum(k["orders"] for k in kids) == 8


def test_sibling_resident_and_outsider_are_refused(client, counted):
    sibling = _as(client, counted.sibling).get(f"{BASE}/figures", {"unit": counted.station.pk, **YEAR})
    assert sibling.status_code == 403
    assert AuditEvent.objects.filter(action="stats_view", outcome="denied", actor=counted.sibling).exists()
    assert _as(client, counted.resident).get(f"{BASE}/figures").status_code == 403
    client.logout()
    assert client.get(f"{BASE}/figures").status_code == 401
    assert _as(client, counted.sibling).get(f"{BASE}/report.xlsx", {"unit": counted.station.pk}).status_code == 403


@pytest.mark.parametrize(
    "params",
    [
        {"start": "2026-05-01", "end": "2026-01-01"},
        {"start": "1900-01-01", "end": "2026-01-01"},
        {"year": "99999"},
        {"start": "9999-12-31", "end": "9999-12-31"},
        {"unit": "0"},
    ],
)
def test_bad_periods_are_400_not_500(client, counted, params):
    r = _as(client, counted.office).get(f"{BASE}/figures", params)
    assert r.status_code in (400, 404) and r.json()["detail"]


def test_unknown_metric_is_400(client, counted):
    r = _as(client, counted.office).get(f"{BASE}/months/nonsense")
    assert r.status_code == 400 and "orders" in r.json()["detail"]


def test_report_download_is_audited(client, counted):
    r = _as(client, counted.station_staff).get(f"{BASE}/report.xlsx", YEAR)
    assert r.status_code == 200
    book = load_workbook(BytesIO(r.content))
    assert book.worksheets
    assert AuditEvent.objects.filter(action="export", actor=counted.station_staff).exists()


def test_public_figures_need_no_sign_in(client, counted):
    r = client.get(f"{BASE}/public")
    assert r.status_code == 200 and r.json()["unit"] == counted.root.pk
    assert client.get(f"{BASE}/public", {"unit": 999999}).status_code == 404


def test_breakdowns_refuse_another_scope(client, counted):
    sibling = _as(client, counted.sibling)
    for path in (f"{BASE}/children", f"{BASE}/months/orders", f"{BASE}/breakdown/platform"):
        assert sibling.get(path, {"unit": counted.station.pk}).status_code == 403
