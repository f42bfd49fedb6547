"""The recommendation panel in a real browser, on a desk and on a phone."""

from __future__ import annotations

import pytest

from civicloop.matching.services import team_index_refresh
from civicloop.matching.tests import factories as f


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_panel_on_desk_and_phone(personas, desk, phone):
    f.team("满员健康队", personas.station, [personas.station], ["health"], capacity=1)
    busy = f.team("满员健康队2", personas.station, [personas.station], ["health"], capacity=1)
    f.held(personas, busy, 1)
    f.rated(personas, personas.team, [5, 5, 4])
    team_index_refresh()
    order = f.order(personas)
    for browser, name in ((desk, "desk"), (phone, "phone")):
        browser.login("station")
        browser.go(f"/matching/orders/{order.number}/teams/")
        page = browser.page
        text = page.inner_text("#match-panel")
        assert "推荐队伍" in text and personas.team.name in text
        assert "卫 · 0 单进行中 · ★4.7" in text
        assert page.locator("button:has-text('派单')").first.is_enabled()
        browser.shot(f"matching-panel-{name}")
