"""Opening and editing a campaign and its actions, on pages and through the API twins: the command unit comes
from the actor's own scope, the units below see the campaign, siblings and stations are refused, bad input gets
a message and writes nothing, and every change is audited."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from civicloop.audit.models import AuditEvent
from civicloop.campaigns import services
from civicloop.campaigns.models import Action, Campaign

pytestmark = pytest.mark.django_db

NEW = "/api/campaigns/campaigns"


def login(user, lang: str = "zh-hans") -> Client:
    c = Client(HTTP_ACCEPT_LANGUAGE=lang)
    c.force_login(user)
    return c


def _body(personas, **kw):
    body = {"year": 2021, "name": "昆都仑区2021年创城", "goal": "巩固提升", "command_unit_id": personas.root.pk,
            "actions": ["市容环境整治行动", "交通秩序整治行动"], "visit_target": 3, "recurrence_days": 20,
            "recurrence_metres": 80}
    body.update(kw)
    return body


def test_office_opens_a_campaign_on_the_page_and_units_below_see_it(personas):
    office = login(personas.office)
    page = office.get("/campaigns/new/").content.decode()
    assert personas.root.name in page and personas.institute.name in page
    assert personas.station.name not in page  # stations do not command campaigns
    r = office.post("/campaigns/new/", {"year": 2021, "name": "昆都仑区2021年创城", "goal": "巩固提升",
                                       "command_unit": personas.root.pk, "actions": "市容环境整治行动\n\n交通秩序整治行动\n",
                                       "visit_target": 2, "recurrence_days": 30, "recurrence_metres": 50})
    campaign = Campaign.objects.get(name="昆都仑区2021年创城")
    assert r.status_code == 302 and r["Location"] == f"/campaigns/{campaign.pk}/"
    assert list(campaign.actions.values_list("name", flat=True)) == ["市容环境整治行动", "交通秩序整治行动"]
    assert AuditEvent.objects.filter(action="campaigns.campaign_create", object_id=str(campaign.pk)).exists()
    # the units below see it; the list shows the link to open one only to those who may
    assert campaign.name in login(personas.station_staff).get("/campaigns/").content.decode()
    assert "/campaigns/new/" not in login(personas.station_staff).get("/campaigns/").content.decode()
    assert "/campaigns/new/" in office.get("/campaigns/").content.decode()


def test_bad_input_gets_a_message_in_chinese_and_english_and_writes_nothing(personas):
    zh, en = login(personas.office), login(personas.office, "en")
    r = zh.post("/campaigns/new/", {"year": 1999, "name": "", "command_unit": personas.root.pk,
                                   "actions": "甲\n甲", "visit_target": 2, "recurrence_days": 30,
                                   "recurrence_metres": 50})
    html = r.content.decode()
    assert r.status_code == 200 and "这个字段是必填项" in html and "每个行动只能出现一次" in html
    api = en.post(NEW, _body(personas, actions=["A", "A"], recurrence_days=0), content_type="application/json")
    assert api.status_code == 400
    errors = api.json()["errors"]
    assert "Each action may appear only once." in errors["actions"] and "recurrence_days" in errors
    assert Campaign.objects.count() == 0
    ok = zh.post(NEW, _body(personas), content_type="application/json")
    assert ok.status_code == 201
    again = zh.post(NEW, _body(personas), content_type="application/json")
    assert again.status_code == 400 and "已有同名" in again.json()["errors"]["name"][0]
    assert Campaign.objects.count() == 1


def test_api_twin_creates_and_siblings_and_stations_are_refused(personas):
    office, inst, station, sib = (login(u) for u in (personas.office, personas.institute_staff,
                                                      personas.station_staff, personas.sibling))
    r = office.post(NEW, _body(personas), content_type="application/json")
    assert r.status_code == 201, r.content
    data = r.json()
    assert data["visit_target"] == 3 and [a["name"] for a in data["action_list"]] == ["市容环境整治行动", "交通秩序整治行动"]
    # a station has no unit to command from: 403, nothing written
    assert station.post(NEW, _body(personas, name="站点创城"), content_type="application/json").status_code == 403
    assert sib.get("/campaigns/new/").status_code == 403
    # the institute may run a town campaign from its own unit, not from the district's
    out = inst.post(NEW, _body(personas, name="镇创城"), content_type="application/json")
    assert out.status_code == 400 and "command_unit" in out.json()["errors"]
    assert inst.post(NEW, _body(personas, name="镇创城", command_unit_id=personas.institute.pk),
                     content_type="application/json").status_code == 201
    assert Campaign.objects.filter(name="站点创城").count() == 0
    # the service holds to the same rule when called directly
    with pytest.raises(PermissionDenied):
        services.campaign_create(actor=personas.institute_staff, year=2021, name="越权", goal="",
                                 command_unit=personas.root)


def test_edit_settings_and_actions_page_and_api(personas):
    office = login(personas.office)
    cid = office.post(NEW, _body(personas), content_type="application/json").json()["id"]
    campaign = Campaign.objects.get(pk=cid)
    page = office.get(f"/campaigns/{cid}/edit/")
    assert page.status_code == 200 and "市容环境整治行动" in page.content.decode()
    r = office.post(f"/campaigns/{cid}/edit/", {"year": 2021, "name": "昆都仑区2021年创城（修订）", "goal": "x",
                                               "visit_target": 4, "recurrence_days": 30, "recurrence_metres": 50})
    assert r.status_code == 302
    campaign.refresh_from_db()
    assert (campaign.name, campaign.visit_target, campaign.recurrence_days) == ("昆都仑区2021年创城（修订）", 4, 30)
    assert AuditEvent.objects.filter(action="campaigns.campaign_update", object_id=str(cid)).count() == 1
    patched = office.patch(f"{NEW}/{cid}", {"recurrence_metres": 120}, content_type="application/json")
    assert patched.status_code == 200 and patched.json()["recurrence_metres"] == 120
    assert patched.json()["name"] == "昆都仑区2021年创城（修订）"  # untouched fields stay
    assert office.patch(f"{NEW}/{cid}", {"visit_target": -1}, content_type="application/json").status_code == 400
    # actions: add on the page, rename through the API; a duplicate is refused with a message
    office.post(f"/campaigns/{cid}/actions/", {"name": "“九乱”治理行动"})
    assert campaign.actions.filter(name="“九乱”治理行动").exists()
    dup = office.post(f"/campaigns/{cid}/actions/", {"name": "“九乱”治理行动"}, follow=True)
    assert "已有同名行动" in dup.content.decode() and campaign.actions.count() == 3
    added = office.post(f"{NEW}/{cid}/actions", {"name": "河道疏浚行动"}, content_type="application/json")
    assert added.status_code == 201 and added.json()["position"] == 3
    aid = added.json()["id"]
    renamed = office.patch(f"/api/campaigns/actions/{aid}", {"name": "河道疏浚专项行动"}, content_type="application/json")
    assert renamed.status_code == 200 and Action.objects.get(pk=aid).name == "河道疏浚专项行动"
    office.post(f"/campaigns/actions/{aid}/", {"name": "河道清淤行动"})
    assert Action.objects.get(pk=aid).name == "河道清淤行动"
    assert AuditEvent.objects.filter(action="campaigns.action_update").count() == 2


def test_units_below_see_but_cannot_edit_and_siblings_outside_are_refused(personas):
    office = login(personas.office)
    cid = office.post(NEW, _body(personas), content_type="application/json").json()["id"]
    town = login(personas.institute_staff).post(NEW, _body(personas, name="镇创城", command_unit_id=personas.institute.pk),
                                                content_type="application/json").json()["id"]
    aid = Action.objects.filter(campaign_id=cid).first().pk
    station, sib = login(personas.station_staff), login(personas.sibling)
    assert station.get(f"{NEW}/{cid}").status_code == 200  # units see theirs
    assert station.get(f"/campaigns/{cid}/edit/").status_code == 403
    assert station.post(f"/campaigns/{cid}/edit/", {"year": 2021, "name": "x", "visit_target": 1,
                                                    "recurrence_days": 1, "recurrence_metres": 5}).status_code == 403
    assert station.patch(f"{NEW}/{cid}", {"name": "x"}, content_type="application/json").status_code == 403
    assert station.post(f"/campaigns/{cid}/actions/", {"name": "x"}).status_code == 403
    assert station.post(f"{NEW}/{cid}/actions", {"name": "x"}, content_type="application/json").status_code == 403
    assert station.patch(f"/api/campaigns/actions/{aid}", {"name": "x"}, content_type="application/json").status_code == 403
    assert station.post(f"/campaigns/actions/{aid}/", {"name": "x"}).status_code == 403
    # a department outside the town's subtree does not even see the town campaign
    liaison_dept = login(personas.liaison)
    assert liaison_dept.patch(f"{NEW}/{town}", {"name": "x"}, content_type="application/json").status_code == 403
    assert sib.patch(f"{NEW}/{town}", {"name": "x"}, content_type="application/json").status_code == 403
    assert Campaign.objects.get(pk=cid).name == "昆都仑区2021年创城" and Campaign.objects.get(pk=town).name == "镇创城"
    assert not Action.objects.filter(name="x").exists()
    with pytest.raises(PermissionDenied):
        services.action_add(actor=personas.sibling, campaign=Campaign.objects.get(pk=town), name="y")
    with pytest.raises(ValidationError):
        services.campaign_update(actor=personas.office, campaign=Campaign.objects.get(pk=cid), command_unit=1)
