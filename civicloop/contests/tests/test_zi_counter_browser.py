"""On a 390-px phone the essay box counts 字 as the writer types, with the server's own rule: the number shown
equals contests.text.count_zi for mixed Chinese, punctuation, Latin words, digits and an extension-B character;
past the guideline it warns, past the hard limit it says the entry cannot be submitted."""

from __future__ import annotations

import pytest

from civicloop.contests.tests.conftest import make_call
from civicloop.contests.text import count_zi

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MIXED = "我们社区开展“5G+文明实践”活动，COVID-19 期间坚持服务 2021 年。𠀀字\n  ——记万和阳光社区！ abc,def."


def _counter(page) -> tuple[int, str, str]:
    c = page.locator("p.zi-count")
    return int(c.get_attribute("data-count")), c.get_attribute("data-state"), c.inner_text()


def test_live_zi_counter_matches_the_server(personas, phone):
    # CJK and full-width marks 1 each; "5G", "COVID", "19", "2021", "abc", "def" 1 each; 𠀀 (extension B) 1
    assert count_zi(MIXED) == 41
    call = make_call(personas, "essay", guideline_chars=45, limit_chars=60)
    phone.login("resident")
    phone.go(f"/contests/c/{call.pk}/enter/")
    page = phone.page
    body = page.locator("[name=body]")
    n, state, text = _counter(page)
    assert (n, state) == (0, "ok") and "建议 45 字以内" in text and "上限 60 字" in text
    body.fill(MIXED)
    n, state, text = _counter(page)
    assert n == count_zi(MIXED) and f"字数：{n}" in text
    assert state == "ok" and "在建议字数以内" in text
    body.press_sequentially("文明新风" * 3)  # typing, key by key: still counted live
    expected = count_zi(MIXED + "文明新风" * 3)
    assert expected > 45 and _counter(page)[:2] == (expected, "over-guideline")
    assert "超过建议的 45 字，仍可提交" in _counter(page)[2]
    phone.shot("contests-zi-counter-guideline-phone")
    body.fill(MIXED + "文" * 40)
    n, state, text = _counter(page)
    assert n == count_zi(MIXED + "文" * 40) > 60 and state == "over-limit"
    assert "超过 60 字的上限，删减后才能提交" in text
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    phone.shot("contests-zi-counter-limit-phone")
