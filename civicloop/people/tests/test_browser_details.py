"""On a 390-px phone: a signed-in volunteer becomes a resident from her own page, with the same account."""

from __future__ import annotations

import pytest

from civicloop.people.models import Resident

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_volunteer_becomes_a_resident_on_a_phone(personas, phone):
    phone.login("volunteer")
    phone.go("/people/my/volunteer/")
    phone.page.click("#become-resident")
    phone.page.wait_for_load_state()
    assert "139****0002" in phone.page.content()
    phone.page.select_option("select[name=unit]", str(personas.station.pk))
    phone.page.fill("input[name=address]", "万和阳光社区6栋")
    phone.page.check("input[name=consent]")
    phone.shot("phone-become-resident")
    phone.page.click("form.form button[type=submit]")
    phone.page.wait_for_load_state()
    assert "同一账号" in phone.page.content()
    assert Resident.objects.get(user=personas.volunteer).address == "万和阳光社区6栋"
    assert phone.page.evaluate("document.documentElement.scrollWidth") <= 390
    phone.shot("phone-resident-home-of-a-volunteer")
    phone.go("/people/my/resident/")
    phone.page.click("text=我的志愿服务")  # and back to the volunteer page, same sign-in
    phone.page.wait_for_load_state()
    assert "KD-V0000001" in phone.page.content()
