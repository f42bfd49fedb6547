"""Navigation people know (issue #13): bottom tabs on a phone for residents, volunteers and leaders, with every
tap target at least 44 px; the desk's links in a few menus on a desktop and in a drawer on a phone."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from civicloop.orders import services as orders
from civicloop.orders.tests.factories import submit, walk
from civicloop.records import services as records

ARTIFACTS = Path(__file__).resolve().parents[3] / "var" / "artifacts"

# Every visible thing a finger can hit. A radio or checkbox is hit through its label (measured instead), and a
# hidden file input through its label too.
MEASURE = """() => {
  const out = [];
  const seen = new Set();
  const els = document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea, summary, label');
  for (const el of els) {
    if (el.closest('[hidden]') || el.closest('.sr')) continue;
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || style.display === 'none') continue;
    if (el.matches('input[type=radio], input[type=checkbox]') && el.closest('label')) continue;
    if (el.matches('label') && !el.querySelector('input[type=radio], input[type=checkbox]')) continue;
    const r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    if (seen.has(el)) continue;
    seen.add(el);
    if (r.height < 44 || r.width < 24) {
      out.push({tag: el.tagName, text: (el.innerText || el.value || el.name || '').trim().slice(0, 30),
                cls: el.className && el.className.baseVal === undefined ? el.className : '',
                h: Math.round(r.height), w: Math.round(r.width)});
    }
  }
  return out;
}"""


def _shot(b: Any, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    b.page.screenshot(path=str(ARTIFACTS / f"{name}.png"))  # what the phone shows, the tab bar at the bottom
    b.page.screenshot(path=str(ARTIFACTS / f"{name}-full.png"), full_page=True)


def _check_page(b: Any, path: str, name: str, current_tab: str) -> list[str]:
    response = b.go(path)
    assert response is not None and response.status == 200, (path, response and response.status)
    page = b.page
    bar = page.locator("nav.tabbar")
    assert bar.is_visible(), path
    box = bar.bounding_box()
    assert box is not None and box["height"] <= 80, (path, box)
    assert box["y"] + box["height"] >= 844 - 1, f"{path}: the tab bar is not at the bottom"
    top = page.locator("header.topbar").bounding_box()
    assert top is not None and top["height"] <= 80, (path, top)
    assert bar.locator(".tab").count() == 5
    current = bar.locator("[aria-current=page]")
    if current_tab:  # an order's own page is under no tab
        assert current.count() == 1 and current.inner_text().strip().startswith(current_tab), (
            path,
            current_tab,
        )
    assert bar.locator("svg.icon").count() == 5
    _shot(b, name)
    small = page.evaluate(MEASURE)
    return [f"{path}: {s}" for s in small]


def _tabs(b: Any) -> list[str]:
    return [t.strip().split("\n")[0] for t in b.page.locator("nav.tabbar .tab .tab-label").all_inner_texts()]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_resident_phone_pages_have_tabs_and_big_targets(personas: Any, phone: Any) -> None:
    order = submit(personas)
    orders.order_reject(actor=personas.station_staff, order=order, reason="本站暂无此项服务")
    submit(personas, title="帮忙修水龙头")
    phone.login("resident")
    assert _tabs(phone) == ["首页", "点单", "活动", "消息", "我的"]
    too_small: list[str] = []
    for path, name, tab in [
        ("/", "nav-resident-home", "首页"),
        ("/orders/new/", "nav-resident-order-pick", "点单"),
        ("/orders/new/?category=health", "nav-resident-order-form", "点单"),
        ("/orders/mine/", "nav-resident-my-orders", "首页"),
        ("/activities/calendar/", "nav-resident-activities", "活动"),
        ("/notify/", "nav-resident-inbox", "消息"),
        ("/mine/", "nav-resident-mine", "我的"),
    ]:
        too_small += _check_page(phone, path, name, tab)
    assert not too_small, "\n".join(too_small)
    # The unread count rides on the 消息 tab; the 我的 page gathers what the flat list had.
    phone.go("/mine/")
    assert phone.page.locator("nav.tabbar .nav-inbox .badge").inner_text() == "1"
    mine = phone.page.locator("main")
    for text in ["我的信息", "账户与安全", "退出"]:
        assert mine.get_by_text(text).first.is_visible(), text
    assert phone.outside_requests == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_volunteer_phone_pages_have_tabs_and_big_targets(personas: Any, phone: Any) -> None:
    walk(personas, "closed")  # hours, points and a record to download
    records.document_issue(volunteer=personas.volunteer_profile, actor=personas.volunteer)  # its PDF button
    walk(personas, "accepted", title="陪老人聊天")
    orders.order_assign(
        actor=personas.leader, order=orders_accepted(personas), volunteers=[personas.volunteer_profile]
    )
    cup = records.shop_item_create(
        unit=personas.station, name="保温杯", price=20, stock=5, actor=personas.station_staff
    )
    records.shop_item_create(
        unit=personas.station, name="电饭煲", price=500, stock=1, actor=personas.station_staff
    )
    phone.login("volunteer")
    assert _tabs(phone) == ["首页", "任务", "活动", "消息", "我的"]
    too_small: list[str] = []
    for path, name, tab in [
        ("/", "nav-volunteer-home", "首页"),
        ("/orders/tasks/", "nav-volunteer-tasks", "任务"),
        ("/activities/my/", "nav-volunteer-activities", "活动"),
        ("/notify/", "nav-volunteer-inbox", "消息"),
        ("/mine/", "nav-volunteer-mine", "我的"),
        ("/records/me/", "nav-volunteer-hours", "我的"),
        ("/records/points/", "nav-volunteer-shop", "我的"),
        (f"/records/shop/items/{cup.pk}/redeem/", "nav-volunteer-shop-confirm", ""),
        (f"/orders/{orders_accepted(personas).number}/", "nav-volunteer-order", ""),
    ]:
        too_small += _check_page(phone, path, name, tab)
    assert not too_small, "\n".join(too_small)
    mine = phone.page
    phone.go("/mine/")
    for text in ["我的时长", "我的积分", "账户与安全", "退出"]:
        assert mine.locator("main").get_by_text(text).first.is_visible(), text
    assert phone.outside_requests == []


def orders_accepted(p: Any) -> Any:
    from civicloop.orders.models import Order

    return Order.objects.get(title="陪老人聊天")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_leader_phone_pages_have_tabs_and_big_targets(personas: Any, phone: Any) -> None:
    walk(personas, "open", title="清理楼道")
    accepted = walk(personas, "accepted", title="上门理发")
    walk(personas, "dispatched", title="代买药品")
    phone.login("leader")
    assert _tabs(phone) == ["首页", "任务", "活动", "消息", "我的"]
    too_small: list[str] = []
    for path, name, tab in [
        ("/", "nav-leader-home", "首页"),
        ("/orders/hall/", "nav-leader-hall", "首页"),
        ("/orders/tasks/", "nav-leader-tasks", "任务"),
        ("/activities/calendar/", "nav-leader-activities", "活动"),
        ("/notify/", "nav-leader-inbox", "消息"),
        ("/mine/", "nav-leader-mine", "我的"),
        ("/people/my/teams/", "nav-leader-teams", "我的"),
        (f"/orders/{accepted.number}/", "nav-leader-order-assign", ""),
    ]:
        too_small += _check_page(phone, path, name, tab)
    assert not too_small, "\n".join(too_small)
    assert phone.outside_requests == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_staff_menus_are_grouped_on_a_desktop(personas: Any, desk: Any) -> None:
    desk.login("station")
    page = desk.page
    nav = page.locator("nav#desk-nav")
    top = nav.locator(":scope > ul.menubar > li")
    assert 4 <= top.count() <= 8
    assert not nav.get_by_role("link", name="代点单").is_visible()  # inside its closed menu
    orders_menu = page.locator("details.menu summary", has_text="订单")
    assert orders_menu.get_attribute("class") == "current"  # the queue, where station staff land, is in it
    orders_menu.click()
    assert nav.get_by_role("link", name="代点单").is_visible()
    _shot(desk, "nav-staff-desk-menu-open")
    # Opening another menu closes the first; so does a click outside.
    page.locator("details.menu summary", has_text="阵地与组织").click()
    assert not nav.get_by_role("link", name="代点单").is_visible()
    assert nav.get_by_role("link", name="志愿者", exact=True).is_visible()
    page.locator("main h1").first.click()
    assert not nav.get_by_role("link", name="志愿者", exact=True).is_visible()
    page.keyboard.press("Tab")  # the keyboard reaches the first menu; Enter opens it, Escape closes it
    page.locator("details.menu summary", has_text="阵地与组织").focus()
    page.keyboard.press("Enter")
    assert nav.get_by_role("link", name="志愿者", exact=True).is_visible()
    page.keyboard.press("Escape")
    assert not nav.get_by_role("link", name="志愿者", exact=True).is_visible()
    # The whole bar is one row.
    box = page.locator("header.topbar").bounding_box()
    assert box is not None and box["height"] <= 80
    page.locator("details.menu summary", has_text="阵地与组织").click()
    nav.get_by_role("link", name="志愿者", exact=True).click()
    page.wait_for_load_state()
    assert page.url.endswith("/people/volunteers/")
    assert page.locator("details.menu summary.current").inner_text().strip().startswith("阵地与组织")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_staff_get_a_drawer_on_a_phone(personas: Any, phone: Any) -> None:
    phone.login("station")
    page = phone.page
    toggle = page.locator("[data-nav-toggle]")
    assert toggle.is_visible() and toggle.get_attribute("aria-expanded") == "false"
    assert not page.locator("nav#desk-nav").is_visible()
    top = page.locator("header.topbar").bounding_box()
    assert top is not None and top["height"] <= 80
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true"
    drawer = page.locator("nav#desk-nav")
    assert drawer.is_visible()
    page.locator("details.menu summary", has_text="数据报表").click()
    _shot(phone, "nav-staff-phone-drawer")
    link = drawer.get_by_role("link", name="时长排行")
    assert link.is_visible()
    box = link.bounding_box()
    assert box is not None and box["height"] >= 44
    _shot(phone, "nav-staff-phone-drawer")
    page.keyboard.press("Escape")
    assert not drawer.is_visible() and toggle.get_attribute("aria-expanded") == "false"
    toggle.click()
    page.locator("[data-nav-close]").click()
    assert not drawer.is_visible()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_resident_on_a_desktop_sees_the_tabs_in_the_top_bar(personas: Any, desk: Any) -> None:
    desk.login("resident")
    desk.go("/mine/")
    bar = desk.page.locator("nav.tabbar")
    box = bar.bounding_box()
    top = desk.page.locator("header.topbar").bounding_box()
    assert box is not None and top is not None
    assert box["y"] + box["height"] <= top["y"] + top["height"]  # in the top bar, not fixed at the bottom
    assert top["height"] <= 80
    assert bar.locator("[aria-current=page]").inner_text().strip() == "我的"
    _shot(desk, "nav-resident-desk")
