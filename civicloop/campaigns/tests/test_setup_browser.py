"""In a real browser at 1280 px: the district office opens a campaign with its actions, renames one and adds
another, then sets a task under it; a station's staff sees the campaign but not the edit link."""

from __future__ import annotations

import pytest

from civicloop.campaigns.models import Campaign


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_office_opens_a_campaign_and_edits_its_actions(make_browser, personas):
    b = make_browser(1280, 900)
    b.login("office")
    b.go("/campaigns/")
    b.page.click("text=创建创城活动")
    page = b.page
    assert page.url.endswith("/campaigns/new/")
    # the command unit select offers the office's own centre and its town, never a station
    options = page.locator("select[name=command_unit] option").all_inner_texts()
    assert personas.root.name in options and personas.station.name not in options
    page.fill("input[name=name]", "昆都仑区2021年巩固创城成果")
    page.fill("textarea[name=goal]", "巩固提升创城成果，常态长效。")
    page.select_option("select[name=command_unit]", str(personas.root.pk))
    page.fill("textarea[name=actions]", "市容环境整治行动\n交通秩序整治行动\n交通秩序整治行动")
    page.click("form.form button[type=submit]")
    page.wait_for_load_state()
    assert "每个行动只能出现一次" in page.content()  # the duplicate line is refused with the reason
    assert Campaign.objects.count() == 0
    page.fill("textarea[name=actions]", "市容环境整治行动\n交通秩序整治行动")
    b.shot("campaigns-new-1280")
    page.click("form.form button[type=submit]")
    page.wait_for_load_state()
    campaign = Campaign.objects.get()
    assert page.url.endswith(f"/campaigns/{campaign.pk}/") and "创城活动已创建" in page.content()
    page.click("text=修改活动及其行动")
    page.wait_for_load_state()
    first = campaign.actions.order_by("position").first()
    page.fill(f"#action-{first.pk}", "市容环境综合整治行动")
    page.locator(f"#action-{first.pk}").locator("xpath=..").locator("button").click()
    page.wait_for_load_state()
    assert "行动已改名" in page.content()
    page.locator(f"form[action='/campaigns/{campaign.pk}/actions/'] input[name=name]").fill("“九乱”治理行动")
    page.locator(f"form[action='/campaigns/{campaign.pk}/actions/'] button").click()
    page.wait_for_load_state()
    assert list(campaign.actions.values_list("name", flat=True)) == ["市容环境综合整治行动", "交通秩序整治行动", "“九乱”治理行动"]
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    b.shot("campaigns-edit-1280")
    # the new action is offered when setting a task on the campaign page
    b.go(f"/campaigns/{campaign.pk}/")
    assert "“九乱”治理行动" in page.locator("select[name=action]").inner_text()
    station = make_browser(1280, 900)
    station.login("station")
    station.go(f"/campaigns/{campaign.pk}/")
    assert "昆都仑区2021年巩固创城成果" in station.page.content()
    assert station.page.locator("text=修改活动及其行动").count() == 0
