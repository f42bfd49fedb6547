"""Pages and their API twins: the inspection form, the problem loop over HTTP, the 考核 page, 包联 visits, the
exposure four-eyes rule; a sibling unit and outsiders are refused at every step, on pages and in the API."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from civicloop.audit.models import AuditEvent
from civicloop.campaigns.models import Exposure, Liaison, Problem, ProblemPhoto
from civicloop.campaigns.tests.conftest import inspect, jpeg
from civicloop.campaigns.workflow import PROBLEM
from civicloop.network.models import Membership
from civicloop.people import services as people
from conftest import PASSWORD

pytestmark = pytest.mark.django_db


def login(user) -> Client:
    c = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    c.force_login(user)
    return c


def test_inspection_form_page_records_and_assigns(personas, camp):
    c = login(personas.institute_staff)
    page = c.get(f"/campaigns/{camp.pk}/inspect/")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'accept="image/*"' in html and 'capture="environment"' in html and 'name="lat"' in html
    assert personas.station.name in html and personas.institute.name not in html.split("<select")[2][:2000]
    # no position and no address: a clear message, nothing written
    bad = c.post(f"/campaigns/{camp.pk}/inspect/", {"category": "litter", "unit": personas.station.pk,
                                                   "description": "垃圾", "photo": jpeg()})
    assert bad.status_code == 200 and "请填写地址" in bad.content.decode()
    assert Problem.objects.count() == 0
    ok = c.post(f"/campaigns/{camp.pk}/inspect/", {"category": "litter", "unit": personas.station.pk,
                                                  "description": "垃圾", "photo": jpeg(), "lat": "40.63",
                                                  "lng": "109.81"})
    p = Problem.objects.get()
    assert ok.status_code == 302 and ok["Location"] == p.get_absolute_url() and p.status == "assigned"


def test_problem_loop_over_pages_and_sibling_refused(personas, camp):
    p = inspect(personas, camp)
    sib = login(personas.sibling)
    for path in [f"/campaigns/problems/{p.pk}/", f"/campaigns/problems/{p.pk}/photos/{p.photos.get().pk}/"]:
        assert sib.get(path).status_code == 403
    for step, data in [("rectify", {"note": "x", "photo": jpeg()}), ("extend", {"hours": 3, "note": "x"}),
                       ("check_pass", {}), ("check_fail", {"note": "x"})]:
        assert sib.post(f"/campaigns/problems/{p.pk}/{step}/", data).status_code == 403
    station = login(personas.station_staff)
    detail = station.get(f"/campaigns/problems/{p.pk}/").content.decode()
    assert f'action="/campaigns/problems/{p.pk}/rectify/"' in detail and "check_pass" not in detail
    r = station.post(f"/campaigns/problems/{p.pk}/rectify/", {"note": "已清理", "photo": jpeg("after.jpg")})
    assert r.status_code == 302
    p.refresh_from_db()
    assert p.status == "rectified"
    assert station.get(f"/campaigns/problems/{p.pk}/photos/{p.photos.get(kind='after').pk}/").status_code == 200
    # the station may not pass its own work
    assert station.post(f"/campaigns/problems/{p.pk}/check_pass/").status_code == 403
    inst = login(personas.institute_staff)
    inst.post(f"/campaigns/problems/{p.pk}/check_pass/", {})
    p.refresh_from_db()
    assert p.status == "closed"
    assert AuditEvent.objects.filter(action="campaigns.problem.check_pass", outcome="ok").count() == 1
    assert AuditEvent.objects.filter(outcome="denied", actor=personas.sibling).count() >= 6


def test_pages_render_for_staff_and_refuse_others(personas, camp):
    inspect(personas, camp)
    Liaison.objects.create(campaign=camp, leader=personas.office, unit=personas.institute,
                           unit_path=personas.institute.path)
    office = login(personas.office)
    for path in ["/campaigns/", f"/campaigns/{camp.pk}/", f"/campaigns/{camp.pk}/problems/",
                 f"/campaigns/{camp.pk}/problems/?tab=assigned&overdue=1", f"/campaigns/{camp.pk}/assessment/",
                 f"/campaigns/{camp.pk}/liaisons/", f"/campaigns/{camp.pk}/exposures/", f"/campaigns/tasks/{camp.task.pk}/",
                 "/campaigns/exposure/", f"/campaigns/{camp.pk}/annual.xlsx"]:
        assert office.get(path).status_code == 200, path
    outsider = login(personas.outsider)
    for path in [f"/campaigns/{camp.pk}/", f"/campaigns/{camp.pk}/problems/", f"/campaigns/{camp.pk}/assessment/",
                 f"/campaigns/{camp.pk}/inspect/", f"/campaigns/tasks/{camp.task.pk}/"]:
        assert outsider.get(path).status_code == 403, path
    # the station sees the ranking of its own subtree only; it cannot edit weights or open the exposure desk
    station = login(personas.station_staff)
    html = station.get(f"/campaigns/{camp.pk}/assessment/").content.decode()
    assert personas.station_b.name not in html and 'name="on_time"' not in html
    assert station.get(f"/campaigns/{camp.pk}/exposures/").status_code == 403
    assert Client().get("/campaigns/exposure/").status_code == 200


def test_assessment_page_shows_rates(personas, camp):
    p = inspect(personas, camp)
    PROBLEM.run("rectify", p, actor=personas.station_staff, data={"note": "ok"}, files={"photo": jpeg()})
    PROBLEM.run("check_fail", p, actor=personas.institute_staff, data={"note": "no"})
    html = login(personas.institute_staff).get(f"/campaigns/{camp.pk}/assessment/").content.decode()
    row = html.split(f'data-unit="{personas.station.pk}"')[1].split("</tr>")[0]
    assert 'rate-rework">100%' in row and 'rate-on-time">—' in row


def test_api_twins_and_sibling_refused(personas, camp):
    inst, station, sib = login(personas.institute_staff), login(personas.station_staff), login(personas.sibling)
    base = f"/api/campaigns/campaigns/{camp.pk}"
    r = inst.post(f"{base}/problems", {"category": "litter", "unit": personas.station.pk, "description": "垃圾",
                                       "place": "3栋", "photo": jpeg()})
    assert r.status_code == 201, r.content
    pid = r.json()["id"]
    bad = inst.post(f"{base}/problems", {"category": "nope", "unit": personas.station.pk, "description": "x",
                                         "place": "3栋", "photo": jpeg()})
    assert bad.status_code == 400 and "category" in bad.json()["errors"]
    assert sib.post(f"{base}/problems", {"category": "litter", "unit": personas.station.pk, "description": "x",
                                         "place": "3栋", "photo": jpeg()}).status_code == 400
    assert sib.get(f"/api/campaigns/problems/{pid}").status_code == 403
    assert sib.post(f"/api/campaigns/problems/{pid}/photos", {"photo": jpeg()}).status_code == 403
    assert sib.post(f"/api/campaigns/problems/{pid}/rectify", {"note": "x"},
                    content_type="application/json").status_code == 403
    # the rectify step needs the after-photo first
    no_photo = station.post(f"/api/campaigns/problems/{pid}/rectify", {"note": "已清理"}, content_type="application/json")
    assert no_photo.status_code == 400 and "photo" in no_photo.json()["errors"]
    assert station.post(f"/api/campaigns/problems/{pid}/photos", {"photo": jpeg()}).status_code == 201
    ok = station.post(f"/api/campaigns/problems/{pid}/rectify", {"note": "已清理"}, content_type="application/json")
    assert ok.status_code == 200 and ok.json()["status"] == "rectified"
    assert station.post(f"/api/campaigns/problems/{pid}/check_pass", {}, content_type="application/json").status_code == 403
    assert sib.post(f"/api/campaigns/problems/{pid}/check_fail", {"note": "x"},
                    content_type="application/json").status_code == 403
    assert inst.post(f"/api/campaigns/problems/{pid}/check_fail", {"note": "仍脏"},
                     content_type="application/json").json()["status"] == "assigned"
    assert inst.post(f"/api/campaigns/problems/{pid}/check_fail", {"note": "x"},
                     content_type="application/json").status_code == 409
    lst = inst.get(f"{base}/problems?status=assigned").json()
    assert lst["count"] == 1 and lst["items"][0]["rework_count"] == 1
    assert sib.get(f"{base}/problems").json()["count"] == 0
    ranking = inst.get(f"{base}/assessment").json()
    row = next(r for r in ranking if r["unit_id"] == personas.station.pk)
    assert row["rates"]["rework"] == 1.0
    assert station.put(f"{base}/weights", {"on_time": 100, "rework": 0, "extension": 0, "recurrence": 0, "tasks": 0,
                                           "visits": 0}, content_type="application/json").status_code == 403
    office = login(personas.office)
    assert office.put(f"{base}/weights", {"on_time": 90, "rework": 0, "extension": 0, "recurrence": 0, "tasks": 0,
                                          "visits": 0}, content_type="application/json").status_code == 400
    month = timezone.localdate().strftime("%Y-%m")
    assert office.post(f"{base}/bulletins", {"month": month}, content_type="application/json").status_code == 201
    assert office.post(f"{base}/bulletins", {"month": month}, content_type="application/json").status_code == 409
    # tasks
    tid = camp.task.pk
    assert sib.get(f"/api/campaigns/tasks/{tid}").status_code == 200  # station B is responsible too
    assert login(personas.outsider).get(f"/api/campaigns/tasks/{tid}").status_code == 403
    assert station.post(f"/api/campaigns/tasks/{tid}/report", {"progress": 50, "note": "半数完成"},
                        content_type="application/json").status_code == 200
    assert station.post(f"/api/campaigns/tasks/{tid}/accept", {}, content_type="application/json").status_code == 403
    assert office.post(f"/api/campaigns/tasks/{tid}/accept", {}, content_type="application/json").status_code == 409


def test_resident_report_over_api_and_page(personas, camp):
    resident = login(personas.resident)
    assert resident.get("/campaigns/report/")["Location"] == f"/campaigns/{camp.pk}/report/"
    assert "随手拍" in resident.get(f"/campaigns/{camp.pk}/report/").content.decode()
    assert login(personas.station_staff).get("/campaigns/report/").status_code == 403
    r = resident.post(f"/api/campaigns/campaigns/{camp.pk}/reports",
                      {"category": "parking", "description": "占道", "place": "3栋", "photo": jpeg()})
    assert r.status_code == 201 and r.json()["status"] == "reported"
    page = resident.post(f"/campaigns/{camp.pk}/report/", {"category": "litter", "description": "垃圾",
                                                         "place": "5栋", "photo": jpeg()})
    assert page.status_code == 302
    assert Problem.objects.filter(reporter=personas.resident, source="resident").count() == 2
    # the resident sees their report's photo but not the staff page
    p = Problem.objects.filter(reporter=personas.resident).first()
    assert resident.get(f"/campaigns/problems/{p.pk}/photos/{p.photos.get().pk}/").status_code == 200
    assert resident.get(f"/campaigns/problems/{p.pk}/").status_code == 403
    assert login(personas.outsider).post(f"/api/campaigns/campaigns/{camp.pk}/reports",
                                         {"category": "parking", "description": "x", "place": "3栋",
                                          "photo": jpeg()}).status_code == 403


def test_visits_are_logged_by_the_leader_only(personas, camp):
    office = login(personas.office)
    base = f"/api/campaigns/campaigns/{camp.pk}"
    r = office.post(f"{base}/liaisons", {"leader_id": personas.office.pk, "unit_id": personas.institute.pk},
                    content_type="application/json")
    assert r.status_code == 201
    lid = r.json()["id"]
    assert office.post(f"{base}/liaisons", {"leader_id": personas.station_staff.pk, "unit_id": personas.station.pk},
                       content_type="application/json").status_code == 400
    today = timezone.localdate().isoformat()
    assert login(personas.institute_staff).post(f"/api/campaigns/liaisons/{lid}/visits", {
        "unit": personas.station.pk, "visited_on": today, "place": "社区", "findings": "x"}).status_code == 403
    outside = office.post(f"/api/campaigns/liaisons/{lid}/visits", {
        "unit": personas.department.pk, "visited_on": today, "place": "x", "findings": "x"})
    assert outside.status_code == 400
    ok = office.post(f"/api/campaigns/liaisons/{lid}/visits", {
        "unit": personas.station.pk, "visited_on": today, "place": "万和阳光社区", "findings": "楼道堆物", "photo": jpeg()})
    assert ok.status_code == 201
    page = office.post(f"/campaigns/{camp.pk}/liaisons/", {
        "form": "visit", "unit": personas.station_b.pk, "visited_on": today, "place": "河西村", "findings": "良好"})
    assert page.status_code == 302
    assert office.get(f"{base}/liaisons").json()[0]["visits"] == 2
    future = (timezone.localdate() + dt.timedelta(days=2)).isoformat()
    assert office.post(f"/api/campaigns/liaisons/{lid}/visits", {
        "unit": personas.station.pk, "visited_on": future, "place": "x", "findings": "x"}).status_code == 400


@pytest.fixture
def office2(personas):
    user = people.user_create(username="office2", password=PASSWORD, full_name="钱副主任")
    Membership.objects.create(user=user, unit=personas.root, role="staff")
    return user


def test_exposure_needs_a_second_person_and_hides_faces(personas, camp, office2, settings):
    p = inspect(personas, camp, photo=jpeg(colour="blue"))
    office, second = login(personas.office), login(office2)
    base = f"/api/campaigns/campaigns/{camp.pk}"
    leaked = office.post(f"{base}/exposures", {"kind": "duty", "title": "联系13812341234", "text": "x",
                                               "problem_id": p.pk}, content_type="application/json")
    assert leaked.status_code == 400
    r = office.post(f"{base}/exposures", {"kind": "duty", "title": "万和阳光社区垃圾长期未清", "text": "楼道口垃圾堆积",
                                          "problem_id": p.pk, "photo_mode": "original"}, content_type="application/json")
    assert r.status_code == 201
    eid = r.json()["id"]
    # the proposer cannot approve (no button, 403); the public page shows nothing yet
    assert "approve" not in office.get(f"/campaigns/exposures/{eid}/").content.decode().split("workflow-panel")[-1][:50]
    assert office.post(f"/api/campaigns/exposures/{eid}/approve", {"faces_checked": True},
                       content_type="application/json").status_code == 403
    assert Client().get("/api/campaigns/exposure").json()["count"] == 0
    # a photo as taken needs the explicit check
    need = second.post(f"/api/campaigns/exposures/{eid}/approve", {}, content_type="application/json")
    assert need.status_code == 400 and "faces_checked" in need.json()["errors"]
    Exposure.objects.filter(pk=eid).update(photo_mode="blurred")
    assert second.post(f"/api/campaigns/exposures/{eid}/approve", {}, content_type="application/json").status_code == 200
    e = Exposure.objects.get(pk=eid)
    assert e.status == "published" and e.approved_by == office2 and e.public_image
    public = Client().get("/campaigns/exposure/").content.decode()
    assert "万和阳光社区垃圾长期未清" in public and personas.institute_staff.full_name not in public
    assert "/campaigns/problems/" not in public  # never the private photo
    assert Client().get("/api/campaigns/exposure").json()["items"][0]["image_url"].startswith(settings.MEDIA_URL)
    # withdrawal waits for the rectification to pass its check
    assert office.post(f"/api/campaigns/exposures/{eid}/withdraw", {"note": "已整改"},
                       content_type="application/json").status_code == 400
    PROBLEM.run("rectify", p, actor=personas.station_staff, data={"note": "ok"}, files={"photo": jpeg()})
    PROBLEM.run("check_pass", p, actor=personas.institute_staff)
    assert office.post(f"/api/campaigns/exposures/{eid}/withdraw", {"note": "已整改"},
                       content_type="application/json").status_code == 200
    e.refresh_from_db()
    assert (e.status, bool(e.public_image)) == ("withdrawn", False)
    assert "万和阳光社区垃圾长期未清" not in Client().get("/campaigns/exposure/").content.decode()
    assert list(AuditEvent.objects.filter(object_id=str(eid), action__startswith="campaigns.exposure")
                .values_list("action", flat=True).order_by("pk")) == [
        "campaigns.exposure.propose", "campaigns.exposure.approve", "campaigns.exposure.withdraw"]
    # the station cannot see the desk; the sibling neither
    assert login(personas.sibling).get(f"/api/campaigns/exposures/{eid}").status_code == 403
    assert ProblemPhoto.objects.filter(problem=p).count() == 2


def test_office_sets_tasks_on_the_page_and_in_the_api(personas, camp):
    action = camp.actions.first()
    data = {"action": action.pk, "title": "公益广告全覆盖", "due_at": "2026-12-31T18:00",
            "lead_department": personas.department.pk, "units": [personas.station.pk], "items": "主街公益广告不少于10处"}
    assert login(personas.station_staff).post(f"/campaigns/{camp.pk}/", data).status_code == 403
    bad = login(personas.office).post(f"/campaigns/{camp.pk}/", {**data, "items": " "})
    assert bad.status_code == 200 and "必填项" in bad.content.decode()
    ok = login(personas.office).post(f"/campaigns/{camp.pk}/", data)
    task = camp.tasks.get(title="公益广告全覆盖")
    assert ok.status_code == 302 and [i.text for i in task.items.all()] == ["主街公益广告不少于10处"]
    payload = {"action_id": action.pk, "title": "河道保洁", "due_at": "2026-12-30T10:00:00+08:00",
               "lead_department_id": personas.department.pk, "unit_ids": [personas.station_b.pk],
               "standard": ["河面无漂浮物"]}
    url = f"/api/campaigns/campaigns/{camp.pk}/tasks"
    assert login(personas.sibling).post(url, payload, content_type="application/json").status_code == 403
    r = login(personas.office).post(url, payload, content_type="application/json")
    assert r.status_code == 201 and r.json()["standard"] == ["河面无漂浮物"]
    wrong = login(personas.office).post(url, {**payload, "lead_department_id": personas.station.pk},
                                        content_type="application/json")
    assert wrong.status_code == 400 and "lead_department" in wrong.json()["errors"]
    annual = login(personas.office).get(f"/api/campaigns/campaigns/{camp.pk}/annual?year=2026")
    assert annual.status_code == 200 and {r["name"] for r in annual.json()} >= {personas.institute.name}


def test_steps_notify_through_the_outbox(personas, camp):
    from civicloop.notify.models import Notification

    p = inspect(personas, camp)
    assert Notification.objects.filter(recipient=personas.station_staff, kind="campaign_problem_assigned").count() == 1
    PROBLEM.run("rectify", p, actor=personas.station_staff, data={"note": "ok"}, files={"photo": jpeg()})
    assert Notification.objects.filter(recipient=personas.institute_staff, kind="campaign_problem_rectified").exists()


def test_huge_ids_are_bad_input_not_errors(personas, camp):
    inst = login(personas.institute_staff)
    huge = "9" * 25
    page = inst.post(f"/campaigns/{camp.pk}/inspect/", {"category": "litter", "unit": huge, "description": "x",
                                                       "place": "3栋", "photo": jpeg()})
    assert page.status_code == 200 and Problem.objects.count() == 0
    api = inst.post(f"/api/campaigns/campaigns/{camp.pk}/problems", {"category": "litter", "unit": huge,
                                                                     "description": "x", "place": "3栋",
                                                                     "photo": jpeg()})
    assert api.status_code == 400
    p = inspect(personas, camp)
    PROBLEM.run("rectify", p, actor=personas.station_staff, data={"note": "ok"}, files={"photo": jpeg()})
    assert inst.get(f"/campaigns/{camp.pk}/problems/?unit={huge}&page=x").status_code == 200
    assert inst.get(f"/api/campaigns/campaigns/{camp.pk}/problems?unit={huge}").status_code == 400
