"""In a real browser: an inspector records a problem on a phone with a photo and the phone's position; the
station rectifies with an after-photo; the inspector fails it once and passes it the second time; the 考核 page
shows the station's 按期整改率 and 返工率 change."""

from __future__ import annotations

import pytest

from civicloop.campaigns.models import Problem
from civicloop.campaigns.tests.conftest import jpeg


def _photo(tmp_path, name: str, **kw) -> str:
    path = tmp_path / name
    path.write_bytes(jpeg(name, **kw).read())
    return str(path)


def _rates(b, camp, station) -> tuple[str, str]:
    b.go(f"/campaigns/{camp.pk}/assessment/")
    row = b.page.locator(f'tr[data-unit="{station.pk}"]')
    return row.locator(".rate-on-time").inner_text().strip(), row.locator(".rate-rework").inner_text().strip()


def _step(b, step: str, *, photo: str | None = None, note: str | None = None) -> None:
    box = b.page.locator(f"details.step-{step}")
    if box.count():
        if box.get_attribute("open") is None:
            box.locator("summary").click()
        if photo:
            box.locator("input[name=photo]").set_input_files(photo)
        if note is not None:
            box.locator("textarea[name=note]").fill(note)
        box.locator("button[type=submit]").click()
    else:
        b.page.locator(f"form.step-{step} button[type=submit]").click()
    b.page.wait_for_load_state()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_inspection_rectification_rework_and_assessment(make_browser, personas, camp, tmp_path):
    inspector = make_browser(390, 844)
    inspector.page.context.grant_permissions(["geolocation"])
    inspector.page.context.set_geolocation({"latitude": 40.6301, "longitude": 109.8112})
    inspector.login("institute")
    inspector.go(f"/campaigns/{camp.pk}/inspect/")
    page = inspector.page
    file_input = page.locator("input[name=photo]")
    assert file_input.get_attribute("accept") == "image/*" and file_input.get_attribute("capture") == "environment"
    page.select_option("select[name=category]", "litter")
    page.select_option("select[name=unit]", str(personas.station.pk))
    page.fill("textarea[name=description]", "3栋楼道口暴露垃圾")
    file_input.set_input_files(_photo(tmp_path, "before.jpg", taken="2026:06:01 09:30:00"))
    page.wait_for_function("document.querySelector('input[name=lat]').value !== ''")
    # tap targets on the phone: the submit button and the selects are at least 44 px high
    assert page.locator("#inspect-form button[type=submit]").bounding_box()["height"] >= 44
    assert page.locator("select[name=unit]").bounding_box()["height"] >= 44
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    inspector.shot("campaigns-inspect-phone")
    page.click("#inspect-form button[type=submit]")
    page.wait_for_load_state()
    problem = Problem.objects.get()
    assert page.url.endswith(problem.get_absolute_url())
    assert abs(problem.lat - 40.6301) < 1e-4 and problem.status == "assigned"
    assert "已交办，待整改" in page.locator("#problem-status").inner_text()
    inspector.shot("campaigns-problem-phone")

    station = make_browser(1280, 800)
    station.login("station")
    assert _rates(station, camp, personas.station) == ("—", "—")
    station.go(problem.get_absolute_url())
    _step(station, "rectify", photo=_photo(tmp_path, "after1.jpg", colour="green"), note="已清理")
    assert "已整改，待核查" in station.page.locator("#problem-status").inner_text()

    inspector.go(problem.get_absolute_url())
    assert inspector.page.locator("details.step-check_fail").count() == 1
    _step(inspector, "check_fail", note="墙角仍有垃圾")
    assert "已返工 1 次" in inspector.page.locator("#problem-status").inner_text()
    assert _rates(station, camp, personas.station) == ("—", "100%")
    station.shot("campaigns-assessment-after-rework")

    station.go(problem.get_absolute_url())
    _step(station, "rectify", photo=_photo(tmp_path, "after2.jpg", colour="blue"), note="彻底清理")
    inspector.go(problem.get_absolute_url())
    _step(inspector, "check_pass", note="")
    assert "核查通过，已销号" in inspector.page.locator("#problem-status").inner_text()
    inspector.shot("campaigns-problem-closed-phone")
    assert _rates(station, camp, personas.station) == ("100%", "50%")
    station.shot("campaigns-assessment-desk")
    # the photos are served to the station through the access-checked view
    station.go(problem.get_absolute_url())
    assert station.page.locator(".c-photos img").count() == 3
    station.shot("campaigns-problem-desk")
    # the sibling station cannot open it
    sibling = make_browser(1280, 800)
    sibling.login("sibling")
    assert sibling.go(problem.get_absolute_url()).status == 403


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_demo_pages_fit_their_screens(make_browser):
    """Every campaign page on the demo story: staff tables at 1280 px, residents' and public pages at 390 px."""
    import random

    from django.utils import timezone

    from civicloop.campaigns import demo
    from civicloop.campaigns.models import Campaign, Exposure, Task
    from civicloop.demo import kundulun

    kundulun.seed_base(rng=random.Random(2019), today=timezone.localdate())
    demo.seed(rng=random.Random(5), today=timezone.localdate())
    camp = Campaign.objects.get(year=2020)
    desk = make_browser(1280, 800)
    desk.login("office", kundulun.PASSWORD)
    problem = Problem.objects.filter(campaign=camp, status="closed", photos__isnull=False).first()
    pages = {
        "campaigns-detail": f"/campaigns/{camp.pk}/",
        "campaigns-problems": f"/campaigns/{camp.pk}/problems/?tab=assigned",
        "campaigns-assessment-demo": f"/campaigns/{camp.pk}/assessment/",
        "campaigns-liaisons": f"/campaigns/{camp.pk}/liaisons/",
        "campaigns-exposures": f"/campaigns/{camp.pk}/exposures/",
        "campaigns-exposure": Exposure.objects.first().get_absolute_url(),
        "campaigns-task": Task.objects.filter(campaign=camp).first().get_absolute_url(),
        "campaigns-problem-demo": problem.get_absolute_url(),
    }
    for name, path in pages.items():
        assert desk.go(path).status == 200, path
        assert "/accounts/login" not in desk.page.url
        assert desk.page.evaluate("document.documentElement.scrollWidth") <= 1280, name
        desk.shot(name)
    phone = make_browser(390, 844)
    assert phone.go("/campaigns/exposure/").status == 200
    assert phone.page.locator(".c-expo li").count() == 2
    phone.shot("campaigns-public-phone")
    phone.login("resident", kundulun.PASSWORD)
    assert phone.go(f"/campaigns/{camp.pk}/report/").status == 200
    assert phone.page.locator("input[name=photo][capture=environment]").count() == 1
    assert phone.page.evaluate("document.documentElement.scrollWidth") <= 390
    phone.shot("campaigns-report-phone")
