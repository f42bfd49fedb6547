"""扫一扫 and the one-code console on phones (390 px), issue #13: the volunteer sees 扫一扫, the scanner asks for the
camera and takes a pasted code, the console shows one code and switches, the organiser scans a volunteer card,
ending the activity asks for a confirmation; and, with Chromium's fake camera playing a video of the console's
code, the page's own reader (jsQR) decodes it and signs the volunteer in."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from civicloop.activities import services
from civicloop.activities.models import Activity, Signup
from civicloop.activities.tests.helpers import make_activity, make_volunteer, shift

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _running(personas, *volunteers):
    activity = make_activity(personas, title="周末环境整治")
    for v in volunteers:
        services.signup_create(activity=activity, volunteer=v)
    return shift(activity, start_in=dt.timedelta(minutes=-30), length=dt.timedelta(hours=2))


def _tap_height(page, selector: str) -> float:
    box = page.locator(selector).first.bounding_box()
    assert box is not None, selector
    return box["height"]


def test_scan_card_console_and_close_on_phones(personas, make_browser):
    other = make_volunteer(personas.station, name="王小红")
    activity = _running(personas, personas.volunteer_profile, other)

    me = make_browser(390, 844)
    me.login("volunteer")
    for path in ("/activities/my/", "/orders/tasks/", f"/activities/p/{activity.pk}/"):
        me.go(path)
        button = me.page.locator("#scan-button")
        assert button.is_visible() and button.inner_text().strip().endswith("扫一扫"), path
        assert _tap_height(me.page, "#scan-button") >= 44 and _tap_height(me.page, "#card-button") >= 44
    me.shot("qr-activity-page-scan-button-phone")
    me.go("/activities/my/")
    me.shot("qr-my-activities-scan-button-phone")

    organiser = make_browser(390, 844)
    organiser.login("station")
    organiser.go(f"/activities/{activity.pk}/console/")
    page = organiser.page
    assert page.locator("#qr svg").count() == 1
    assert page.locator(".qr-label").inner_text() == "扫码签到"
    assert page.locator("#fullscreen").is_visible() and _tap_height(page, "#fullscreen") >= 44
    assert page.locator("input[name=people_served]").count() == 0  # closing is on its own page
    organiser.shot("qr-console-sign-in-phone")
    page.click("#show-out")
    assert page.locator("#qr svg").count() == 1 and page.locator(".qr-label").inner_text() == "扫码签退"
    assert page.get_attribute("#show-out", "aria-current") == "page"
    organiser.shot("qr-console-sign-out-phone")
    page.click("#show-in")
    page.click("#fullscreen")  # the Fullscreen API on the code's stage; the 20-s refresh swaps inside it
    page.wait_for_function("document.fullscreenElement && document.fullscreenElement.id === 'qr-stage'")
    organiser.shot("qr-console-fullscreen-phone")
    page.evaluate("document.exitFullscreen()")
    page.wait_for_function("!document.fullscreenElement")
    sign_in_link = page.get_attribute("a.qr-link-in", "href")

    # 扫一扫 opens the scanner: headless Chromium has no camera, so the page says so and the paste field works
    me.go(f"/activities/p/{activity.pk}/")
    me.page.click("#scan-button")
    me.page.wait_for_selector("[data-qr-status][data-state=nocamera], [data-qr-status][data-state=denied]")
    assert "请允许使用相机" in me.page.inner_text("#camera-hint")
    assert "粘贴" in me.page.inner_text("[data-qr-status]")
    me.shot("qr-scanner-no-camera-phone")
    me.page.fill("#scan-code", sign_in_link)
    me.page.click("#scan-form button[type=submit]")
    assert "已签到“周末环境整治”" in me.page.inner_text("#scan-result")
    me.shot("qr-scanner-pasted-signed-in-phone")
    assert Signup.objects.get(volunteer=personas.volunteer_profile).signed_in_at is not None

    # 王小红 shows her volunteer card; the organiser pastes what the console's reader would read from it
    her = make_browser(390, 844)
    her.login(other.user.username)
    her.go("/activities/card/")
    assert her.page.inner_text("#card-name") == "王*红"
    assert her.page.locator("#card-qr svg").is_visible()
    her.shot("qr-volunteer-card-phone")
    token = her.page.get_attribute("#card-token", "value")
    page.fill("#card-code", token)
    page.click("#card-form button[type=submit]")
    assert "王小红 已签到" in page.content()
    organiser.shot("qr-console-card-signed-in-phone")
    assert Signup.objects.get(volunteer=other).how == "card"
    page.fill("#card-code", token)  # the same code again: a screenshot of the card
    page.click("#card-form button[type=submit]")
    assert "已使用过" in page.content()

    # ending the activity: its own page, and nothing happens until the organiser ticks the confirmation
    page.click("#to-close")
    assert "/close/" in page.url and "不可撤销" in page.content()
    page.fill("input[name=people_served]", "40")
    page.fill("textarea[name=summary]", "清理楼道杂物，整治绿化带。")
    page.click("form.form button[type=submit]")
    assert "/close/" in page.url
    assert Activity.objects.get(pk=activity.pk).status == "published"
    organiser.shot("qr-close-confirm-phone")
    page.check("input[name=confirm]")
    page.click("form.form button[type=submit]")
    assert "已为 2 名志愿者记录时长" in page.content()
    assert Activity.objects.get(pk=activity.pk).status == "closed"
    for b in (me, organiser, her):
        assert not b.outside_requests


def _y4m_of(text: str, path: Path) -> Path:
    """A short video (YUV4MPEG2, 4:2:0) of a QR code on white, for Chromium's fake camera."""
    import io

    import segno
    from PIL import Image

    buf = io.BytesIO()
    segno.make(text, error="m").save(buf, kind="png", scale=8, border=4)
    code = Image.open(buf).convert("L")
    frame = Image.new("L", (640, 480), 255)
    side = min(440, code.width)
    code = code.resize((side, side), Image.NEAREST)
    frame.paste(code, ((640 - side) // 2, (480 - side) // 2))
    chroma = bytes([128]) * (320 * 240)
    with path.open("wb") as fh:
        fh.write(b"YUV4MPEG2 W640 H480 F10:1 Ip A1:1 C420jpeg\n")
        for _ in range(10):
            fh.write(b"FRAME\n" + frame.tobytes() + chroma + chroma)
    return path


def test_the_real_camera_reads_the_organisers_code(personas, browser, live_server, tmp_path):
    """Chromium's fake camera plays a video of the console's sign-in code; the scanner page decodes it with jsQR
    and the volunteer is signed in without typing anything."""
    from conftest import ARTIFACTS, CHROMIUM, PASSWORD

    activity = _running(personas, personas.volunteer_profile)
    token = services.qr_token(activity.pk, "in")
    video = _y4m_of(f"{live_server.url}/activities/{activity.pk}/scan/in/{token}/", tmp_path / "code.y4m")
    if True:  # a browser of its own, with the fake camera (the shared fixture stays as it is)
        chromium = browser.browser_type.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--use-fake-ui-for-media-stream",
                "--use-fake-device-for-media-stream",
                f"--use-file-for-fake-video-capture={video}",
            ],
        )
        try:
            context = chromium.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
            context.grant_permissions(["camera"], origin=live_server.url)
            page = context.new_page()
            page.set_default_timeout(20000)
            page.goto(f"{live_server.url}/accounts/login/")
            page.fill("input[name=username]", "volunteer")
            page.fill("input[name=password]", PASSWORD)
            page.click("form.form button[type=submit]")
            page.wait_for_load_state()
            page.goto(f"{live_server.url}/activities/scan/?activity={activity.pk}")
            page.wait_for_selector("#scan-result")
            assert "已签到“周末环境整治”" in page.inner_text("#scan-result")
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "qr-scanner-camera-decoded-phone.png"), full_page=True)
        finally:
            chromium.close()
    signup = Signup.objects.get(volunteer=personas.volunteer_profile)
    assert signup.signed_in_at is not None and signup.how == "qr"
