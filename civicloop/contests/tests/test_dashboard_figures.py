"""The calls' counts reach the stats dashboard through the provider contests registers in core.figures (stats
never imports contests): the office and the organising station see the call's entries, a sibling station's
dashboard does not, and a period the call was not open in shows nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from civicloop.contests import services
from civicloop.contests.tests.conftest import essay_data
from civicloop.contests.workflow import ENTRY
from civicloop.core.figures import PROVIDERS

pytestmark = pytest.mark.django_db


def _dashboard(user, query: str = "") -> str:
    c = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    c.force_login(user)
    r = c.get(f"/stats/{query}")
    assert r.status_code == 200
    return r.content.decode()


def _panel(html: str) -> str:
    return html.split('class="card figures-panel"', 1)[1].split("</section>", 1)[0] if "figures-panel" in html else ""


def test_contest_counts_flow_into_the_dashboard(personas, essay_call):
    assert "contests" in PROVIDERS
    for user in (personas.resident, personas.volunteer):
        entry = services.entry_save(call=essay_call, actor=user, data=essay_data())
        ENTRY.run("submit", entry, actor=user)
    services.entry_save(call=essay_call, actor=personas.office, data=essay_data())  # a draft does not count
    panel = _panel(_dashboard(personas.office))
    assert "征集评选" in panel and essay_call.title in panel
    row = panel.split(essay_call.title, 1)[1].split("</tr>", 1)[0]
    assert '<td class="num">2</td>' in row  # two submitted entries
    assert essay_call.title in _panel(_dashboard(personas.station_staff))
    assert _panel(_dashboard(personas.sibling)) == ""  # station B organises no call


def test_a_period_without_the_call_shows_no_panel(personas, essay_call):
    long_ago = (essay_call.opens_at - dt.timedelta(days=400)).date()
    query = f"?start={long_ago:%Y-%m-%d}&end={long_ago + dt.timedelta(days=30):%Y-%m-%d}"
    assert _panel(_dashboard(personas.office, query)) == ""
