"""The navigation is built from the links the apps register (core.registry.NavLink, core.nav)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from civicloop.core.registry import NAV_GROUPS, TAB_SLOTS, nav_links

GROUPS = {key for key, _label in NAV_GROUPS} | {"start", "mine", ""}
SLOTS = {slot for slot, _label, _icon in TAB_SLOTS} | {""}


def test_every_registered_link_names_a_known_menu_and_tab_and_resolves() -> None:
    links = nav_links()
    assert len(links) > 30
    for link in links:
        assert link.group in GROUPS, link
        assert link.tab in SLOTS, link
        reverse(link.url)


@pytest.mark.django_db
def test_staff_see_menus_with_every_desk_link_in_one_of_them(client: Any, personas: Any) -> None:
    client.force_login(personas.station_staff)
    page = client.get(reverse("orders:queue")).content.decode()
    assert 'id="desk-nav"' in page and 'class="tabbar"' not in page
    assert page.count('<details class="menu') <= 7  # six menus at most and 我的; 消息 is a plain link
    for url in ("orders:enter", "people:volunteer_list", "records:rankings", "needs:survey_list"):
        assert f'href="{reverse(url)}"' in page, url


@pytest.mark.django_db
def test_a_resident_gets_five_tabs_and_the_rest_on_the_mine_page(client: Any, personas: Any) -> None:
    client.force_login(personas.resident)
    page = client.get(reverse("orders:mine")).content.decode()
    assert 'class="tabbar"' in page and 'id="desk-nav"' not in page
    assert page.count('<a class="tab') == 5
    assert f'href="{reverse("people:resident_home")}"' not in page  # not on every page any more
    mine = client.get(reverse("core:mine")).content.decode()
    for url in ("people:resident_home", "account:account", "orders:mine"):
        assert f'href="{reverse(url)}"' in mine, url
    assert 'action="/accounts/logout/"' in mine


@pytest.mark.django_db
def test_tabs_in_english(client: Any, personas: Any) -> None:
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    client.force_login(personas.volunteer)
    page = client.get(reverse("core:mine")).content.decode()
    for label in ("Home", "Tasks", "Activities", "Messages", "Me"):
        assert f'<span class="tab-label">{label}</span>' in page, label
    assert '<span class="tab-label">Order</span>' not in page  # a volunteer's second tab is 任务
