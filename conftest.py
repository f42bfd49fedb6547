"""Shared test fixtures: named personas on a small Kundulun tree, and a headless Chromium (Playwright).

Personas (all with password PASSWORD):
  office      staff of the district centre (文明办)        institute   staff of 昆河镇 institute
  station     staff of 万和阳光社区 station (station A)      sibling     staff of 河西村 station (station B, sibling)
  liaison     liaison of the health department              auditor     auditor at the centre
  leader      leader of team A (serves station A: health, lecture)
  volunteer   member of team A                              resident    resident of station A
  outsider    an account with no role
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

# Playwright's sync API runs an event loop in the test thread; the ORM calls in tests are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# Hypothesis runs the same examples every time (derandomize) and prints a blob to replay a failure with
# @reproduce_failure: a red run in CI is a red run on a laptop.
from hypothesis import settings as _hypothesis_settings

_hypothesis_settings.register_profile("civicloop", derandomize=True, print_blob=True)
_hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "civicloop"))

PASSWORD = "Kd-test-2026!"
# Staff-like personas (office, institute, station, sibling, liaison, auditor) have an authenticator with this key
# (RFC 6238's test key); `otp_code(username)` gives the current code, `client.force_login` passes the second
# factor for them, and `Browser.login` enters the code when the page asks.
TOTP_KEY_HEX = "3132333435363738393031323334353637383930"
TOTP_SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"  # the same key in base32, as an authenticator app takes it
ARTIFACTS = Path(__file__).resolve().parent / "test-artifacts"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


@pytest.fixture(autouse=True)
def _second_factor_in_force_login(monkeypatch: Any) -> None:
    """`client.force_login(staff)` stands for a full sign-in, second factor included (enrolling one if needed)."""
    from django.test import Client

    original = Client.force_login

    def force_login(self: Any, user: Any, backend: str | None = None) -> None:
        original(self, user, backend)
        from civicloop import access
        from civicloop.people import mfa

        access.forget(user)
        if not mfa.is_privileged(user):
            return
        device = mfa.totp_device(user) or mfa.mfa_enrol_fixed(user=user, key_hex=TOTP_KEY_HEX)
        session = self.session
        session[mfa.VERIFIED_KEY] = device.persistent_id
        session.save()

    monkeypatch.setattr(Client, "force_login", force_login)


def otp_code(username: str) -> str:
    """The current authenticator code of a persona (its device's replay and throttle state reset first, so a
    test may sign in as often as it likes)."""
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user__username=username, confirmed=True).first()
    if device is None:
        return ""
    TOTPDevice.objects.filter(pk=device.pk).update(
        last_t=-1, throttling_failure_count=0, throttling_failure_timestamp=None
    )
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


@pytest.fixture(autouse=True)
def _fast_hashing(settings: Any) -> None:
    from django.core.cache import cache

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    cache.clear()  # rate-limit counters must not leak from one test into the next


@dataclass
class Personas:
    root: Any
    institute: Any
    station: Any
    station_b: Any
    point: Any
    department: Any
    office: Any
    institute_staff: Any
    station_staff: Any
    sibling: Any
    liaison: Any
    auditor: Any
    leader: Any
    volunteer: Any
    resident: Any
    outsider: Any
    team: Any
    team_b: Any
    volunteer_profile: Any
    resident_profile: Any
    # For scripts that sign staff in over HTTP (docs/api_walkthrough.py): the authenticator key in base32.
    otp_args: tuple[str, ...] = ("--otp-secret", TOTP_SECRET)


def build_personas() -> Personas:
    from civicloop.network.models import Membership, Unit
    from civicloop.network.services import unit_create
    from civicloop.people import services as people
    from civicloop.people.mfa import mfa_enrol_fixed

    root = unit_create(
        parent=None, name="昆都仑区新时代文明实践中心", division_code="150203", lat=40.66, lng=109.84
    )
    institute = unit_create(parent=root, name="昆河镇新时代文明实践所", lat=40.62, lng=109.80)
    station = unit_create(parent=institute, name="万和阳光社区新时代文明实践站", lat=40.63, lng=109.81)
    station_b = unit_create(parent=institute, name="河西村新时代文明实践站", lat=40.60, lng=109.78)
    point = unit_create(parent=station, name="万和阳光社区一号楼实践点", lat=40.631, lng=109.812)
    department = unit_create(parent=root, name="区卫生健康委员会", kind="department")

    def staff(username: str, name: str, unit: Unit, role: str = "staff", phone: str = "") -> Any:
        user = people.user_create(username=username, password=PASSWORD, full_name=name, phone=phone)
        Membership.objects.create(user=user, unit=unit, role=role)
        mfa_enrol_fixed(user=user, key_hex=TOTP_KEY_HEX)
        return user

    office = staff("office", "王文明", root)
    institute_staff = staff("institute", "赵所长", institute)
    station_staff = staff("station", "李站长", station)
    sibling = staff("sibling", "孙站长", station_b)
    liaison = staff("liaison", "周联络", department, role="liaison")
    auditor = staff("auditor", "吴审计", root, role="auditor")
    leader = people.user_create(username="leader", password=PASSWORD, full_name="陈队长", phone="13900000001")
    vol_user = people.user_create(
        username="volunteer", password=PASSWORD, full_name="刘志愿", phone="13900000002"
    )
    volunteer = people.volunteer_register(
        user=vol_user,
        home_unit=station,
        types=["party_member"],
        categories=["health", "lecture"],
        consent=True,
    )
    team = people.team_create(
        name="万和阳光党员志愿服务队",
        team_type="party_member",
        home_unit=station,
        served_units=[station, point],
        categories=["health", "lecture"],
        leader=leader,
    )
    people.team_add_member(team=team, volunteer=volunteer)
    b_leader = people.user_create(username="leader_b", password=PASSWORD, full_name="何队长")
    team_b = people.team_create(
        name="河西村乡土人才服务队",
        team_type="local_talent",
        home_unit=station_b,
        served_units=[station_b],
        categories=["culture"],
        leader=b_leader,
    )
    resident = people.resident_register(
        username="resident",
        password=PASSWORD,
        name="张三",
        phone="13812341234",
        unit=station,
        address="万和阳光社区3栋2单元501",
        focus_groups=["empty_nest_elderly"],
        consent=True,
    )
    outsider = people.user_create(username="outsider", password=PASSWORD, full_name="路人甲")
    return Personas(
        root=root,
        institute=institute,
        station=station,
        station_b=station_b,
        point=point,
        department=department,
        office=office,
        institute_staff=institute_staff,
        station_staff=station_staff,
        sibling=sibling,
        liaison=liaison,
        auditor=auditor,
        leader=leader,
        volunteer=vol_user,
        resident=resident.user,
        outsider=outsider,
        team=team,
        team_b=team_b,
        volunteer_profile=volunteer,
        resident_profile=resident,
    )


def token_for(client: Any, username: str, device: str = "api") -> str:
    """A bearer token for a persona, through POST /api/auth/token (with the second factor when it needs one)."""
    body = {"username": username, "password": PASSWORD, "device": device, **otp_for(username)}
    response = client.post("/api/auth/token", body, content_type="application/json")
    assert response.status_code == 200, response.content
    return response.json()["token"]


def otp_for(username: str) -> dict[str, str]:
    """{"otp": <current code>} for a persona with an authenticator, else {}."""
    code = otp_code(username)
    return {"otp": code} if code else {}


@pytest.fixture
def personas(db: Any) -> Personas:
    return build_personas()


def _redis_url() -> str | None:
    # One Redis database per xdist worker (10–13), so parallel runs never share cached values.
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    url = f"redis://127.0.0.1:6379/{13 - int(worker.lstrip('gw') or 0) % 4}"
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except Exception:
        return None
    return url


@pytest.fixture
def redis_cache(settings: Any) -> Any:
    """The default cache on a real Redis, as on several app servers, with the shared-cache reads turned on."""
    from django.core.cache import cache

    url = _redis_url()
    if url is None:
        pytest.skip("no Redis on 127.0.0.1:6379")
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}}
    settings.STATS_CACHE_SECONDS = 60
    settings.INBOX_CACHE_SECONDS = 60
    settings.HALL_CACHE_SECONDS = 60
    cache.clear()
    yield
    cache.clear()


def at_once(count: int, action: Any) -> list[Any]:
    """Run `action()` in `count` threads released together (each on its own database connection) and return
    what each returned, in no particular order: the race tests' "two people press the button at once"."""
    import threading

    from django.db import connections

    results: list[Any] = []
    lock = threading.Lock()
    barrier = threading.Barrier(count)

    def run() -> None:
        try:
            barrier.wait(timeout=60)
            outcome = action()
            with lock:
                results.append(outcome)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return results


# --- browser ---------------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser() -> Any:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        instance = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-quic",
                "--no-first-run",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield instance
        instance.close()


class Browser:
    """A page bound to the live server, with helpers for signing in and saving screenshots."""

    def __init__(self, page: Any, base_url: str) -> None:
        self.page = page
        self.base_url = base_url
        self.outside_requests: list[str] = []
        page.on("request", self._watch)

    def _watch(self, request: Any) -> None:
        url = request.url
        if not (url.startswith(self.base_url) or url.startswith("data:") or url.startswith("about:")):
            self.outside_requests.append(url)

    def go(self, path: str) -> Any:
        return self.page.goto(self.base_url + path)

    def login(self, username: str, password: str = PASSWORD) -> None:
        """Sign in; for staff-like personas also enter the authenticator code when the page asks for it."""
        self.go("/accounts/login/")
        self.page.fill("input[name=username]", username)
        self.page.fill("input[name=password]", password)
        self.page.click("form.form button[type=submit]")
        self.page.wait_for_load_state()
        code = otp_code(username) if "/accounts/mfa/" in self.page.url else ""
        if code and self.page.locator("input[name=code]").count():
            self.page.fill("input[name=code]", code)
            self.page.click("form.form button[type=submit]")
            self.page.wait_for_load_state()

    def shot(self, name: str) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path


def _make_browser(browser: Any, live_server: Any, width: int, height: int) -> Any:
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15000)
    _settle_before_reading(page)
    return context, Browser(page, live_server.url)


def _settle_before_reading(page: Any) -> None:
    """Reading a page right after a click that navigates can catch the new document committed but not yet parsed:
    content() then returns "" (a CI flake). Every whole-page read waits for the DOM of the current document first;
    on a page that has loaded, that wait returns at once."""
    for name in ("content", "inner_text", "text_content", "title"):
        read = getattr(page, name)

        def settled(*args: Any, _read: Any = read, **kwargs: Any) -> Any:
            page.wait_for_load_state("domcontentloaded")
            return _read(*args, **kwargs)

        setattr(page, name, settled)


@pytest.fixture
def desk(browser: Any, live_server: Any) -> Any:
    """A desktop-sized browser (1280×800) against the live server."""
    context, b = _make_browser(browser, live_server, 1280, 800)
    yield b
    context.close()
    assert not b.outside_requests, f"pages asked outside hosts: {b.outside_requests}"


@pytest.fixture
def phone(browser: Any, live_server: Any) -> Any:
    """A phone-sized browser (390×844) against the live server."""
    context, b = _make_browser(browser, live_server, 390, 844)
    yield b
    context.close()
    assert not b.outside_requests, f"pages asked outside hosts: {b.outside_requests}"


@pytest.fixture
def make_browser(browser: Any, live_server: Any) -> Any:
    """Factory for several people in one test: make_browser(390, 844) -> Browser."""
    contexts: list[Any] = []

    def factory(width: int = 1280, height: int = 800) -> Browser:
        context, b = _make_browser(browser, live_server, width, height)
        contexts.append(context)
        return b

    yield factory
    for context in contexts:
        context.close()
