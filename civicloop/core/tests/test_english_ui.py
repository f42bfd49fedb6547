"""The English UI has no Chinese left (issue #13): the inbox, the office's figures with their summary, and the
audit log are rendered in English and scanned for Han characters. Names and what people typed (a unit's name,
an order's title, a person's name) are data and may be Chinese; anything else is an untranslated string."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from civicloop.audit.services import audit_record
from civicloop.network.models import Unit
from civicloop.orders import services as orders
from civicloop.people.models import Team, User
from civicloop.stats.services import counters_apply

pytestmark = pytest.mark.django_db

HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
TITLE = "助老陪诊"  # what the resident typed


class _Text(HTMLParser):
    """The text a reader sees: text nodes and the attributes shown as text, not scripts or styles."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        for name, value in attrs:
            if name in ("title", "placeholder", "aria-label", "alt") and value:
                self.parts.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip = max(0, self._skip - 1)

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def _data_words() -> set[str]:
    """Names and typed text in the database: these may be Chinese in any UI language."""
    words = {TITLE, "简体中文"}  # the language switcher names each language in itself
    words |= set(Unit.objects.values_list("name", flat=True))
    words |= set(Team.objects.values_list("name", flat=True))
    for user in User.objects.all():
        words |= {user.display_name, user.masked_name, user.get_full_name()}
    return {w for w in words if w}


def _leftover_chinese(html: str) -> list[str]:
    parser = _Text()
    parser.feed(html)
    text = "\n".join(parser.parts)
    for word in sorted(_data_words(), key=len, reverse=True):
        text = text.replace(word, " ")
    return sorted(set(HAN.findall(text)))


@pytest.fixture
def english(client: Any) -> Any:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def activity(personas: Any, django_capture_on_commit_callbacks: Any) -> Any:
    """A resident's order moving through a few steps (inbox messages to resident, staff and leader), audit rows of
    the kinds the issue saw as raw codes, and figures for the year."""
    with django_capture_on_commit_callbacks(execute=True):
        order = orders.order_submit(
            actor=personas.resident, resident=personas.resident_profile, category="health", title=TITLE,
            description="需要陪同去医院",
        )
        orders.order_dispatch(actor=personas.station_staff, order=order, team=personas.team)
        orders.order_accept(actor=personas.leader, order=order)
    audit_record(action="login", actor=personas.auditor)
    audit_record(action="garden_comment_hide", actor=personas.station_staff, unit=personas.station, obj=personas.resident)
    audit_record(action="export", actor=personas.office, unit=personas.root, obj=personas.root)
    audit_record(action="http_403", object_type="path", object_id="/audit/")
    day = timezone.localdate().replace(day=1)
    counters_apply(
        {
            ("activities", personas.root.path, day, "culture"): 62,
            ("served", personas.root.path, day, "activity"): 1050,
            ("served", personas.root.path, day, "order"): 1463,
            ("orders", personas.root.path, day, "health"): 191,
            ("hours", personas.root.path, day, "culture"): 123400,
        }
    )
    return order


@pytest.mark.parametrize("who", ["resident", "station_staff", "leader"])
def test_inbox_in_english_has_no_chinese(english: Any, personas: Any, activity: Any, who: str) -> None:
    english.force_login(getattr(personas, who))
    response = english.get(reverse("notify:inbox"))
    page = response.content.decode()
    assert response.status_code == 200 and activity.number in page  # the messages are there
    left = _leftover_chinese(page)
    assert left == [], left


def test_office_figures_and_summary_in_english_have_no_chinese(english: Any, personas: Any, activity: Any) -> None:
    english.force_login(personas.office)
    year = timezone.localdate().year
    response = english.get(reverse("stats:dashboard"), {"start": f"{year}-01-01", "end": f"{year}-12-31"})
    page = response.content.decode()
    assert response.status_code == 200 and "As of" in page and "people served" in page
    left = _leftover_chinese(page)
    assert left == [], left


def test_audit_log_in_english_has_no_chinese(english: Any, personas: Any, activity: Any) -> None:
    english.force_login(personas.auditor)
    response = english.get(reverse("audit:event_list"))
    page = response.content.decode()
    assert response.status_code == 200 and "Comment hidden" in page
    left = _leftover_chinese(page)
    assert left == [], left


def test_the_scan_finds_chinese_when_it_is_there(personas: Any) -> None:
    # The check itself can fail: a Chinese word that is nobody's name is reported.
    assert _leftover_chinese("<p>Order 已办结</p>") == ["已办结"]
    assert _leftover_chinese(f"<p>{personas.station.name}</p><script>var x='中文'</script>") == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_browser_english_figures_and_audit_log(personas: Any, activity: Any, desk: Any) -> None:
    """What the office and the auditor see in English, with screenshots."""
    desk.page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": desk.base_url}])
    desk.login("office")
    desk.go(reverse("stats:dashboard"))
    summary = desk.page.locator("#summary").inner_text()
    assert summary.startswith("As of ") and "people served" in summary
    assert "completed orders" in desk.page.locator("#figures").inner_text()  # the tile says what it counts
    assert _leftover_chinese(desk.page.content()) == []
    desk.shot("english-figures")
    desk.page.context.clear_cookies()
    desk.page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": desk.base_url}])
    desk.login("auditor")
    desk.go(reverse("audit:event_list"))
    desk.page.select_option("select[name=action]", "garden_comment_hide")
    desk.page.click("form.filters button[type=submit]")
    desk.page.wait_for_load_state()
    rows = desk.page.locator("tr.event")
    assert rows.count() == 1 and "Comment hidden" in rows.first.inner_text()
    assert "people.user" not in rows.first.inner_text()
    assert _leftover_chinese(desk.page.content()) == []
    desk.shot("english-audit-log")
