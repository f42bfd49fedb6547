from __future__ import annotations

import datetime as dt
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from civicloop.audit.models import AuditEvent
from civicloop.stats.services import counters_apply


@pytest.fixture
def counted(personas):
    """A few counters: 3 orders at station A, 5 at sibling station B, one closed activity at A."""
    day = dt.date(2026, 3, 5)
    counters_apply(
        {
            ("orders", personas.station.path, day, "health"): 3,
            ("orders_state", personas.station.path, day, "closed"): 3,
            ("orders", personas.station_b.path, day, "culture"): 5,
            ("activities", personas.station.path, day, "lecture"): 1,
            ("served", personas.station.path, day, "activity"): 40,
            ("hours", personas.station.path, day, "lecture"): 1250,
        }
    )
    return personas


def _get(client, user, name, **params):
    client.force_login(user)
    return client.get(reverse(name), params)


def test_station_staff_see_only_their_subtree(client, counted):
    response = _get(client, counted.station_staff, "stats:dashboard", start="2026-01-01", end="2026-12-31")
    assert response.status_code == 200
    page = response.content.decode()
    assert "万和阳光社区新时代文明实践站" in page
    assert response.context["f"].orders == 3
    assert response.context["f"].hours == 12.5


def test_institute_sees_both_stations_rolled_up(client, counted):
    response = _get(client, counted.institute_staff, "stats:dashboard", start="2026-01-01", end="2026-12-31")
    assert response.context["f"].orders == 8
    rows = {row["unit"].name: row["orders"] for row in response.context["children"]}
    assert rows["万和阳光社区新时代文明实践站"] == 3
    assert rows["河西村新时代文明实践站"] == 5


@pytest.mark.parametrize("persona", ["sibling", "resident", "outsider", "volunteer", "leader"])
def test_others_are_refused_station_figures(client, counted, persona):
    client.force_login(getattr(counted, persona))
    response = client.get(reverse("stats:dashboard"), {"unit": counted.station.pk})
    assert response.status_code == 403
    assert AuditEvent.objects.filter(action="stats_view", outcome="denied").exists()


def test_anonymous_is_sent_to_sign_in(client, counted):
    response = client.get(reverse("stats:dashboard"))
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_bad_period_gives_a_message_not_an_error(client, counted):
    response = _get(client, counted.station_staff, "stats:dashboard", start="2026-12-31", end="2026-01-01")
    assert response.status_code == 200
    assert "开始日期不能晚于结束日期" in response.content.decode()
    response = _get(client, counted.station_staff, "stats:dashboard", unit="abc")
    assert response.status_code == 404


def test_excel_report_has_chinese_headers_and_totals(client, counted):
    response = _get(client, counted.institute_staff, "stats:report", start="2026-01-01", end="2026-12-31")
    assert response.status_code == 200
    book = load_workbook(BytesIO(response.content))
    sheet = book["按下级单位"]
    assert sheet["A1"].value == "单位"
    assert sheet["E1"].value == "群众点单（份）"
    names = [sheet.cell(row=r, column=1).value for r in range(2, sheet.max_row + 1)]
    assert names[-1] == "合计"
    assert "万和阳光社区新时代文明实践站" in names
    # The 合计 row holds numbers (no formula a phone preview would show blank): 3 + 5 orders, 12.5 hours.
    assert sheet.cell(row=sheet.max_row, column=5).value == 8
    assert sheet.cell(row=sheet.max_row, column=4).value == 12.5
    monthly = book["按月份"]
    assert monthly.cell(row=monthly.max_row, column=5).value == 8
    assert AuditEvent.objects.filter(action="export", actor=counted.institute_staff).count() == 1


def test_excel_report_refused_outside_scope(client, counted):
    client.force_login(counted.sibling)
    response = client.get(reverse("stats:report"), {"unit": counted.station.pk})
    assert response.status_code == 403


def test_big_screen_for_office_and_its_refresh_partial(client, counted):
    client.force_login(counted.office)
    response = client.get(reverse("stats:screen"))
    assert response.status_code == 200
    assert 'hx-trigger="every 30s"' in response.content.decode()
    partial = client.get(reverse("stats:screen"), HTTP_HX_REQUEST="true")
    assert partial.status_code == 200 and "<html" not in partial.content.decode()


def test_public_page_needs_no_login_and_shows_no_personal_data(client, counted):
    response = client.get(reverse("stats:public"), {"unit": counted.station.pk})
    assert response.status_code == 200
    page = response.content.decode()
    assert "万和阳光社区新时代文明实践站" in page
    assert "张三" not in page and "1381234" not in page


def test_dashboard_query_count_does_not_grow_with_children(client, counted, django_assert_max_num_queries):
    client.force_login(counted.office)
    with django_assert_max_num_queries(30):
        assert client.get(reverse("stats:dashboard")).status_code == 200


def test_periods_mixing_whole_and_partial_months_add_up_exactly(personas):
    """Whole months are read from month totals, the cut months at the edges from daily rows: same sums."""
    from civicloop.stats.selectors import by_child, by_month

    days = (
        [dt.date(2026, 1, d) for d in (3, 20)]
        + [dt.date(2026, 2, 10)]
        + [dt.date(2026, 3, d) for d in (1, 16)]
    )
    counters_apply({("orders", personas.station.path, day, "health"): i + 1 for i, day in enumerate(days)})
    start, end = dt.date(2026, 1, 15), dt.date(2026, 3, 10)  # keeps Jan 20 (2), Feb 10 (3), Mar 1 (4)
    months = by_month(personas.institute, start, end, ("orders",))["orders"]
    assert months == {dt.date(2026, 1, 1): 2, dt.date(2026, 2, 1): 3, dt.date(2026, 3, 1): 4}
    rows = {r["unit"].pk: r["orders"] for r in by_child(personas.institute, start, end, ("orders",))}
    assert rows[personas.station.pk] == 9 and rows[personas.station_b.pk] == 0
    whole = by_child(personas.institute, dt.date(2026, 1, 1), dt.date(2026, 3, 31), ("orders",))
    assert {r["unit"].pk: r["orders"] for r in whole}[personas.station.pk] == 15
