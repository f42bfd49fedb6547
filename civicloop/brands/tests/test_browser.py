from __future__ import annotations

import pytest

from civicloop.network.services import unit_create, unit_update


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_office_sees_gaps_and_closes_one(personas, desk):
    unit_update(unit=personas.department, actor=None, industry="卫生健康")
    unit_create(parent=personas.root, name="区科学技术协会", kind="department", industry="科技")
    desk.login("office")
    desk.go("/brands/compliance/")
    assert desk.page.inner_text("#gap-count") == "3"
    assert desk.page.locator("tr.gap").count() == 3
    desk.shot("brands-compliance-before-desk")
    desk.go("/brands/new/")
    desk.page.fill("input[name=name]", "“健康进万家”义诊")
    desk.page.select_option("select[name=owner_unit]", str(personas.department.pk))
    desk.page.select_option("select[name=category]", "health")
    desk.page.click("form.form button[type=submit]")
    desk.page.wait_for_load_state()
    assert "品牌项目已登记" in desk.page.content()
    desk.go("/brands/compliance/")
    assert desk.page.inner_text("#gap-count") == "2"
    assert "“健康进万家”义诊" in desk.page.inner_text("#industries")
    desk.shot("brands-compliance-after-desk")
