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
