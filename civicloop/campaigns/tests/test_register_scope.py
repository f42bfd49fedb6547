"""立案 lists and accepts only units inside the actor's own scope: the page's select, the API twin and the
service (the step's guard) all hold to `policies.register_units`."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from civicloop.campaigns import services
from civicloop.campaigns.models import Problem
from civicloop.campaigns.tests.conftest import jpeg
from civicloop.campaigns.workflow import PROBLEM

pytestmark = pytest.mark.django_db


def _report(personas, camp) -> Problem:
    return services.problem_report_resident(actor=personas.resident, campaign=camp, category="litter",
                                            description="楼道垃圾", photo=jpeg(), place="3栋")


def _register_options(html: str) -> list[str]:
    form = html.split('/register/"', 1)[1].split("</form>", 1)[0]
    select = form.split('name="unit"', 1)[1].split("</select>", 1)[0]
    return [v for v in re.findall(r'<option value="(\d+)"', select)]


def test_register_select_lists_only_units_in_scope(personas, camp):
    r = _report(personas, camp)  # waits at the institute
    c = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    c.force_login(personas.institute_staff)
    html = c.get(f"/campaigns/problems/{r.pk}/").content.decode()
    offered = set(_register_options(html))
    inside = {str(u.pk) for u in (personas.institute, personas.station, personas.station_b, personas.point)}
    assert offered == inside
    assert str(personas.department.pk) not in offered and str(personas.root.pk) not in offered


def test_out_of_scope_unit_is_refused_on_page_api_and_service(personas, camp):
    r = _report(personas, camp)
    c = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    c.force_login(personas.institute_staff)
    # the page: a message, nothing moved
    page = c.post(f"/campaigns/problems/{r.pk}/register/", {"unit": personas.department.pk, "category": "litter"},
                  follow=True)
    assert "选择一个有效的选项" in page.content.decode()
    # the API twin: 400 with the field named
    api = c.post(f"/api/campaigns/problems/{r.pk}/register", {"unit": personas.department.pk, "category": "litter"},
                 content_type="application/json")
    assert api.status_code == 400 and "unit" in api.json()["errors"]
    # the service, given already-cleaned input (as problem_inspect passes it): the guard refuses too
    with pytest.raises(ValidationError) as exc:
        PROBLEM.run("register", r, actor=personas.institute_staff,
                    cleaned={"unit": personas.department, "category": "litter", "note": ""})
    assert "unit" in exc.value.message_dict
    r.refresh_from_db()
    assert (r.status, r.unit_id) == ("reported", None)
    # a sibling station does not even see the report waiting at the institute
    sib = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    sib.force_login(personas.sibling)
    assert sib.post(f"/api/campaigns/problems/{r.pk}/register", {"unit": personas.station_b.pk, "category": "litter"},
                    content_type="application/json").status_code == 403
    # inside the scope it goes through
    ok = c.post(f"/api/campaigns/problems/{r.pk}/register", {"unit": personas.station.pk, "category": "litter"},
                content_type="application/json")
    assert ok.status_code == 200 and ok.json()["status"] == "registered"


def test_office_may_register_anywhere_in_the_campaign(personas, camp):
    r = _report(personas, camp)
    PROBLEM.run("register", r, actor=personas.office, data={"unit": personas.department.pk, "category": "litter"})
    r.refresh_from_db()
    assert r.unit == personas.department
