"""The new timeline pages in a real browser: a volunteer reads their make-up declaration on a phone, staff decide
it on the desk and see the timeline grow."""

from __future__ import annotations

import pytest

from civicloop.records import services
from civicloop.records.models import MakeupClaim
from civicloop.records.tests.test_records import _ended_activity

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_makeup_timeline_on_phone_and_desk(personas, phone, desk):
    activity = _ended_activity(personas, hours=2)
    services.makeup_declare(volunteer=personas.volunteer_profile, activity=activity, hours="1.5", note="引导群众")
    claim = MakeupClaim.objects.get()
    desk.login(personas.station_staff.username)
    desk.go(f"/records/makeup/{claim.pk}/")
    desk.page.click("form button.btn-primary")
    assert "已通过" in desk.page.content() or "通过" in desk.page.content()
    desk.go(f"/records/makeup/{claim.pk}/")
    text = desk.page.inner_text(".workflow-timeline")
    assert "引导群众" in text and "通过" in text
    desk.shot("records-makeup-detail-desk")
    phone.login(personas.volunteer.username)
    phone.go(f"/records/makeup/{claim.pk}/")
    assert "1.50" in phone.page.content()
    phone.shot("records-makeup-detail-phone")
