from __future__ import annotations

import datetime as dt

import pytest

from civicloop.stats.services import counters_apply


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_dashboard_on_a_phone_and_big_screen_on_a_hall_display(personas, make_browser):
    today = dt.date.today()
    counters_apply(
        {
            ("orders", personas.station.path, today, "health"): 12,
            ("orders_state", personas.station.path, today, "closed"): 9,
            ("orders_state", personas.station.path, today, "open"): 3,
            ("activities", personas.station.path, today, "culture"): 4,
            ("served", personas.station.path, today, "activity"): 260,
            ("hours", personas.station_b.path, today, "culture"): 4550,
        }
    )
    phone = make_browser(390, 844)
    phone.login("institute")
    phone.go("/stats/")
    assert phone.page.locator("#figures").is_visible()
    assert "昆河镇新时代文明实践所" in phone.page.locator("h1").inner_text()
    assert phone.page.locator("svg.chart").count() >= 4
    # No sideways scrolling on a phone.
    assert phone.page.evaluate("document.documentElement.scrollWidth") <= 392
    phone.shot("stats-dashboard-390")
    phone.page.click("text=万和阳光社区新时代文明实践站")
    assert "万和阳光社区" in phone.page.locator("h1").inner_text()

    screen = make_browser(1920, 1080)
    screen.login("office")
    screen.go("/stats/screen/")
    assert screen.page.locator(".s-counters b").first.inner_text() == "4"
    screen.shot("stats-screen-1920")
    assert not phone.outside_requests and not screen.outside_requests
