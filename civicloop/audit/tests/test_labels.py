"""The audit log reads as words (issue #13): every action has a Chinese label, objects are named by kind and
number, and the action filter is a choice of labels, not a free-text code."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import translation

from civicloop.audit.actions import Action, action_label
from civicloop.audit.services import audit_record

pytestmark = pytest.mark.django_db

HAN = re.compile(r"[\u3400-\u9fff]")
URL = reverse("audit:event_list")


def test_every_action_has_a_chinese_label() -> None:
    with translation.override("zh-hans"):
        untranslated = sorted(code for code in Action.values if not HAN.search(action_label(code)))
    assert not untranslated, f"audit codes without a Chinese label (civicloop/audit/locale): {untranslated}"


def test_the_page_shows_labels_and_object_names_not_codes(client, personas) -> None:
    audit_record(action="garden_comment_hide", actor=personas.station_staff, unit=personas.station, obj=personas.resident)
    audit_record(action="unit_view", actor=personas.station_staff, unit=personas.station, obj=personas.station)
    client.force_login(personas.auditor)
    page = client.get(URL).content.decode()
    assert "隐藏留言" in page or action_label("garden_comment_hide") in page
    cells = re.findall(r"<td[^>]*>(.*?)</td>", page, re.S)
    assert "garden_comment_hide" not in cells and f"people.user {personas.resident.pk}" not in page
    assert f"#{personas.resident.pk}" in page  # the kind and its number, never the person's name
    assert personas.resident.display_name not in page
    assert f"{personas.station.name}" in page  # a unit is named


def test_the_action_filter_is_a_choice(client, personas) -> None:
    audit_record(action="export", actor=personas.office, unit=personas.root)
    audit_record(action="login", actor=personas.office)
    client.force_login(personas.auditor)
    response = client.get(URL, {"action": "export"})
    page = response.content.decode()
    assert re.search(r'<select name="action"[^>]*>', page)
    assert '<option value="export" selected>' in page and action_label("export") in page
    assert {e.action for e in response.context["page"]} == {"export"}
    # A code that is not a choice is refused with a message, not searched for.
    response = client.get(URL, {"action": "drop table"})
    assert response.status_code == 200 and list(response.context["page"]) == []
    assert "drop table" not in [e.action for e in response.context["page"]]
    assert response.context["form"].errors["action"]
