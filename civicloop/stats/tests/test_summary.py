from __future__ import annotations

import datetime as dt

import pytest

from civicloop.stats.selectors import Figures
from civicloop.stats.summary import approx, summary_sentence


@pytest.mark.parametrize(
    "value,text",
    [
        (7, "7"),
        (60, "60"),
        (62, "60余"),
        (58, "近60"),
        (5234, "5000余"),
        (4960, "近5000"),
        (191, "近200"),
        (130, "100余"),
        (200, "200"),
        (10000, "1万"),
        (15234, "逾1.5万"),
        (1999, "近2000"),
    ],
)
def test_rounding_words(value, text):
    assert approx(value) == text


def test_summary_reads_like_the_seed():
    f = Figures(unit=None, start=dt.date(2019, 1, 1), end=dt.date(2019, 12, 31))
    f.totals = {
        "activities": {"lecture": 40, "culture": 22},
        "served": {"activity": 5120, "order": 160},
        "survey_paper": {"": 180},
        "survey_responses": {"online": 20, "paper": 150},
        "orders": {"health": 100, "lecture": 91},
    }
    assert summary_sentence(f) == (
        "截至2019年底，已累计开展各类新时代文明实践活动60余场，服务群众5000余人，发放调查问卷200份，收集群众点单191份。"
    )


def _figures(end):
    f = Figures(unit=None, start=dt.date(end.year, 1, 1), end=end)
    f.totals = {
        "activities": {"lecture": 40, "culture": 22},
        "served": {"activity": 1050, "order": 1463},
        "orders": {"health": 100, "lecture": 91},
    }
    return f


def test_people_served_is_one_definition_activities_plus_orders():
    # The tile below the sentence shows f.served (2513): the sentence says the same, not the activities alone.
    f = _figures(dt.date(2026, 12, 31))
    assert f.served == 2513
    assert "服务群众2000余人" in summary_sentence(f)
    assert "1000余" not in summary_sentence(f)


def test_a_running_year_is_dated_today_not_at_its_end(monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: dt.date(2026, 12, 2))
    f = _figures(dt.date(2026, 12, 31))
    assert summary_sentence(f).startswith("截至2026年12月2日，")
    # A past year is dated by its last day.
    assert summary_sentence(_figures(dt.date(2025, 12, 31))).startswith("截至2025年底，")


def test_the_english_summary_has_no_chinese():
    import re

    from django.utils import translation

    with translation.override("en"):
        text = summary_sentence(_figures(dt.date(2025, 12, 31)), as_of=dt.date(2025, 12, 31))
    assert text.startswith("As of 31 December 2025: over 60 practice activities held, over 2,000 people served")
    assert not re.search(r"[\u3400-\u9fff]", text)
