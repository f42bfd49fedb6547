"""Pages and their API twins: the right persona allowed, the sibling station, residents, outsiders and judges of
other calls refused."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from civicloop.contests import services
from civicloop.contests.models import Call, Entry, Score, Vote
from civicloop.contests.tests.conftest import CAPTION, RUBRIC, essay_data, jpeg, make_call, voting_call
from civicloop.contests.workflow import CALL, ENTRY
from civicloop.people.services import user_create

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _msgs(response) -> str:
    return " ".join(str(m) for m in response.context["messages"]) if response.context else ""


def test_public_pages_and_poster(personas, essay_call):
    anon = Client()
    assert essay_call.title in anon.get("/contests/").content.decode()
    page = anon.get(f"/contests/c/{essay_call.pk}/").content.decode()
    assert "1800" in page and essay_call.marker in page
    poster = anon.get(f"/contests/c/{essay_call.pk}/poster/")
    assert poster.status_code == 200 and b"<svg" in poster.content
    draft = services.call_create(organiser=personas.station, actor=personas.station_staff, title="未发布",
                                 kind="essay", opens_at=essay_call.opens_at, closes_at=essay_call.closes_at)
    assert anon.get(f"/contests/c/{draft.pk}/").status_code == 404
    assert _client(personas.sibling).get(f"/contests/c/{draft.pk}/").status_code == 404
    assert _client(personas.station_staff).get(f"/contests/c/{draft.pk}/").status_code == 200


def test_submit_on_the_page_warns_refuses_and_gives_receipt(personas, essay_call):
    c = _client(personas.resident)
    r = c.post(f"/contests/c/{essay_call.pk}/enter/", {**essay_data(length=2100), "submit": "1"}, follow=True)
    text = _msgs(r)
    assert "2100" in text and "1800" in text  # the guideline warning
    entry = Entry.objects.get(author=personas.resident)
    assert entry.status == "submitted" and entry.number in text
    r = c.post(f"/contests/c/{essay_call.pk}/enter/", {**essay_data(length=3050), "submit": "1"}, follow=True)
    assert "3050" in _msgs(r) and "3000" in _msgs(r)
    assert Entry.objects.filter(author=personas.resident, status="draft").count() == 1
    # bad postcode: the field message, nothing written
    before = Entry.objects.count()
    r = c.post(f"/contests/c/{essay_call.pk}/enter/", {**essay_data(author_postcode="99"), "submit": "1"})
    assert (r.status_code == 200 and "邮政编码" in r.content.decode()) or "postcode" in r.content.decode()
    assert Entry.objects.count() == before


def test_staff_pages_refuse_sibling_resident_outsider(personas, essay_call):
    url = f"/contests/c/{essay_call.pk}/manage/"
    assert _client(personas.station_staff).get(url).status_code == 200
    assert _client(personas.institute_staff).get(url).status_code == 200
    for user in (personas.sibling, personas.resident, personas.outsider):
        assert _client(user).get(url).status_code == 403
        assert _client(user).get(f"/contests/c/{essay_call.pk}/export.xlsx").status_code == 403
        assert _client(user).post(f"/contests/c/{essay_call.pk}/step/close/").status_code == 403
    essay_call.refresh_from_db()
    assert essay_call.status == "open"
    r = _client(personas.station_staff).post(f"/contests/c/{essay_call.pk}/step/close/", follow=True)
    assert Call.objects.get(pk=essay_call.pk).status == "closed"
    assert r.status_code == 200


def test_entry_pages_private_to_author_and_reviewers(personas, essay_call):
    entry = services.entry_save(call=essay_call, actor=personas.resident, data=essay_data())
    ENTRY.run("submit", entry, actor=personas.resident)
    assert _client(personas.resident).get(f"/contests/e/{entry.pk}/").status_code == 200
    staff_page = _client(personas.station_staff).get(f"/contests/e/{entry.pk}/").content.decode()
    assert "13905961234" in staff_page
    assert Client().get(f"/contests/e/{entry.pk}/").status_code == 302  # to the sign-in page
    for user in (personas.sibling, personas.outsider, personas.volunteer):
        assert _client(user).get(f"/contests/e/{entry.pk}/").status_code == 404
        assert _client(user).post(f"/contests/e/{entry.pk}/step/admit/").status_code == 404
    r = _client(personas.station_staff).post(f"/contests/e/{entry.pk}/step/admit/", follow=True)
    assert r.status_code == 200 and Entry.objects.get(pk=entry.pk).status == "eligible"


def test_photo_entry_keeps_original_private_reads_exif_checks_caption_flags_lookalike(personas, photo_call):
    c = _client(personas.resident)
    r = c.post(f"/contests/c/{photo_call.pk}/enter/", {"title": "春耕", "caption": "田里很忙", "photo": jpeg(),
                                                         "submit": "1"}, follow=True)
    entry = Entry.objects.get(author=personas.resident)
    assert entry.status == "draft" and "摄" in _msgs(r)  # the caption check names what is missing
    assert entry.camera == "Canon EOS 80D" and entry.taken_at.year == 2020
    assert entry.phash and entry.web_photo and entry.photo
    r = c.post(f"/contests/e/{entry.pk}/edit/", {"title": "春耕", "caption": CAPTION, "submit": "1",
                                              "author_name": "刘浩军", "author_phone": "13905961234"}, follow=True)
    entry.refresh_from_db()
    assert entry.status == "submitted", _msgs(r)
    # the web copy has no EXIF; the original is only for the author and reviewers
    from PIL import Image

    assert not Image.open(entry.web_photo.open("rb")).getexif()
    assert c.get(f"/contests/e/{entry.pk}/photo/original/").status_code == 200
    assert _client(personas.sibling).get(f"/contests/e/{entry.pk}/photo/web/").status_code == 404
    # the same photo again from someone else, resized: flagged as a look-alike
    v = _client(personas.volunteer)
    v.post(f"/contests/c/{photo_call.pk}/enter/", {"title": "春耕2", "caption": CAPTION,
                                                   "photo": jpeg(size=(480, 360))})
    other = Entry.objects.get(author=personas.volunteer)
    assert other.similar_to_id == entry.pk
    v.post(f"/contests/c/{photo_call.pk}/enter/", {"title": "别的", "caption": CAPTION,
                                                   "photo": jpeg(color=(10, 10, 200), pattern=5)})
    assert Entry.objects.get(title="别的").similar_to_id is None
    bad = v.post(f"/contests/c/{photo_call.pk}/enter/", {"title": "坏文件", "caption": CAPTION,
                                                         "photo": SimpleUploadedFile("a.jpg", b"not a photo")})
    assert bad.status_code == 200 and not Entry.objects.filter(title="坏文件").exists()


def _judged_call(personas):
    call = make_call(personas, "essay")
    entries = []
    for user in (personas.resident, personas.volunteer):
        e = services.entry_save(call=call, actor=user, data=essay_data())
        ENTRY.run("submit", e, actor=user)
        ENTRY.run("admit", e, actor=personas.station_staff)
        entries.append(e)
    CALL.run("close", call, actor=personas.station_staff)
    CALL.run("start_review", call, actor=personas.station_staff)
    services.round_advance(call=call, actor=personas.station_staff, stage="first")
    judge_user = user_create(username="judge1", password="x-Pass-123!", full_name="评委甲")
    judge = services.judge_assign(call=call, stage="first", user=judge_user, actor=personas.station_staff)
    return call, entries, judge_user, judge


def test_judge_pages_blind_and_other_calls_refused(personas):
    call, (e1, e2), judge_user, judge = _judged_call(personas)
    j = _client(judge_user)
    page = j.get(f"/contests/judge/{judge.pk}/").content.decode()
    assert "declaration" in page.lower() or "声明" in page
    j.post(f"/contests/judge/{judge.pk}/", {"conflicts": "", "confirm": "on"})
    e1.refresh_from_db()
    page = j.get(f"/contests/judge/{judge.pk}/e/{e1.pk}/").content.decode()
    assert e1.title in page and "林小文" not in page and e1.number not in page
    # opening the entry page sends the judge to the blind page
    assert j.get(f"/contests/e/{e1.pk}/").url.endswith(f"/judge/{judge.pk}/e/{e1.pk}/")
    r = j.post(f"/contests/judge/{judge.pk}/e/{e1.pk}/", {"c1": "1", "content": 90, "craft": 80, "novelty": 70})
    assert r.status_code == 302 and Score.objects.get(entry=e1).total == 83  # 90×50% + 80×30% + 70×20%
    # a judge of another call may not open this call's judge pages, nor score through the API
    other = make_call(personas, "essay")
    stranger = user_create(username="judge2", password="x-Pass-123!", full_name="评委乙")
    j2 = services.judge_assign(call=other, stage="first", user=stranger, actor=personas.station_staff)
    s = _client(stranger)
    assert s.get(f"/contests/judge/{judge.pk}/").status_code == 404
    assert s.get(f"/contests/judge/{j2.pk}/e/{e1.pk}/").status_code == 404
    assert s.post(f"/api/contests/entries/{e2.pk}/scores", {"values": {"content": 1}},
                  content_type="application/json").status_code == 404
    assert _client(personas.sibling).post(f"/contests/c/{call.pk}/judges/", {"username": "judge2", "stage": "first"}).status_code == 403


def test_api_twins(personas):
    staff, sibling, resident = _client(personas.station_staff), _client(personas.sibling), _client(personas.resident)
    body = {"organiser_id": personas.station.pk, "title": "API 征文", "kind": "essay",
            "opens_at": "2020-01-01T00:00:00+08:00", "closes_at": "2099-01-01T00:00:00+08:00",
            "rubric": RUBRIC, "award_plan": {"first": 1}, "required_fields": ["name", "phone"], "limit_chars": 100}
    assert sibling.post("/api/contests/calls", body, content_type="application/json").status_code == 403
    r = staff.post("/api/contests/calls", body, content_type="application/json")
    assert r.status_code == 201, r.content
    call_id = r.json()["id"]
    assert sibling.post(f"/api/contests/calls/{call_id}/publish", content_type="application/json").status_code == 404  # a draft is not visible
    assert staff.post(f"/api/contests/calls/{call_id}/publish", content_type="application/json").json()["status"] == "open"
    assert staff.post(f"/api/contests/calls/{call_id}/publish", content_type="application/json").status_code == 409
    r = resident.post(f"/api/contests/calls/{call_id}/entries", {"title": "t", "body": "字" * 101,
                                                                 "author_name": "张三", "author_phone": "138"},
                      content_type="application/json")
    assert r.status_code == 400 and "author_phone" in r.json()["errors"]
    r = resident.post(f"/api/contests/calls/{call_id}/entries", {"title": "t", "body": "字" * 101,
                                                                 "author_name": "张三", "author_phone": "13812341234"},
                      content_type="application/json")
    entry_id = r.json()["id"]
    r = resident.post(f"/api/contests/entries/{entry_id}/submit", content_type="application/json")
    assert r.status_code == 400 and "101" in r.json()["detail"]
    resident.post(f"/api/contests/entries/{entry_id}", {"body": "字" * 99}, content_type="application/json")
    assert resident.post(f"/api/contests/entries/{entry_id}/submit", content_type="application/json").json()["status"] == "submitted"
    assert sibling.get(f"/api/contests/entries/{entry_id}").status_code == 404
    assert sibling.get(f"/api/contests/calls/{call_id}/entries").status_code == 403
    assert staff.get(f"/api/contests/calls/{call_id}/entries").json()["count"] == 1
    assert resident.post(f"/api/contests/entries/{entry_id}/admit", content_type="application/json").status_code == 403
    assert staff.post(f"/api/contests/entries/{entry_id}/admit", content_type="application/json").json()["status"] == "eligible"
    assert staff.get(f"/api/contests/calls/{call_id}/figures").json()["total"] == 1
    assert sibling.get(f"/api/contests/calls/{call_id}/figures").status_code == 403


def test_vote_page_and_api(personas):
    call, (a, b, _c) = voting_call(personas)
    out = _client(personas.outsider)
    page = Client().get(f"/contests/c/{call.pk}/").content.decode()
    assert "王*兰" in page and "13904721234" not in page and "王桂兰" not in page
    r = out.post(f"/contests/e/{a.pk}/vote/", follow=True)
    assert Vote.objects.filter(entry=a).count() == 1
    r = out.post(f"/contests/e/{a.pk}/vote/", follow=True)
    assert Vote.objects.filter(entry=a).count() == 1 and _msgs(r)
    assert out.post(f"/api/contests/entries/{b.pk}/votes", content_type="application/json").status_code == 201
    assert out.post(f"/api/contests/entries/{b.pk}/votes", content_type="application/json").status_code == 409
    assert Client().post(f"/api/contests/entries/{b.pk}/votes", content_type="application/json").status_code in (401, 404)
    assert _client(personas.sibling).get(f"/contests/c/{call.pk}/votes/").status_code == 403
    assert _client(personas.sibling).get(f"/api/contests/calls/{call.pk}/bursts").status_code == 403
    assert _client(personas.station_staff).get(f"/contests/c/{call.pk}/votes/").status_code == 200


def test_results_certificate_and_verification(personas):
    call, (e1, e2), judge_user, judge = _judged_call(personas)
    services.judge_declare(judge=judge, actor=judge_user, conflicts="")
    for e in (e1, e2):
        e.refresh_from_db()
        services.score_submit(entry=e, actor=judge_user, values={"content": 80, "craft": 80, "novelty": 80})
    staff = _client(personas.station_staff)
    staff.post(f"/contests/c/{call.pk}/step/announce/")
    staff.post(f"/contests/c/{call.pk}/step/publish_results/")
    call.refresh_from_db()
    assert call.status == "published"
    e1.refresh_from_db()
    assert e1.status == "awarded" and e1.award == "first"
    public = Client().get(f"/contests/e/{e1.pk}/")
    assert public.status_code == 200 and "13905961234" not in public.content.decode()
    page = Client().get(f"/contests/c/{call.pk}/results/").content.decode()
    assert e1.title in page and "林*文" in page
    pdf = _client(personas.resident).get(f"/contests/e/{e1.pk}/certificate.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert _client(personas.sibling).get(f"/contests/e/{e1.pk}/certificate.pdf").status_code in (403, 404)
    ok = Client().get(f"/contests/verify/{e1.certificate_code}/")
    assert ok.status_code == 200 and "林*文" in ok.content.decode()
    assert Client().get("/contests/verify/NOPE/").status_code == 404
    assert Client().get(f"/api/contests/calls/{call.pk}/results").json()[0]["award"] == "first"
    assert Client().get(f"/api/contests/certificates/{e1.certificate_code}").json()["name"] == "林*文"
    assert Client().get("/api/contests/certificates/NOPE").status_code == 404
    assert _client(personas.resident).get(f"/api/contests/entries/{e1.pk}/certificate").content.startswith(b"%PDF")
    assert _client(personas.sibling).get(f"/api/contests/entries/{e1.pk}/certificate").status_code == 403
    xlsx = staff.get(f"/contests/c/{call.pk}/export.xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


def test_staff_enter_a_paper_entry(personas, essay_call):
    assert _client(personas.sibling).get(f"/contests/c/{essay_call.pk}/paper/").status_code == 403
    assert _client(personas.resident).get(f"/contests/c/{essay_call.pk}/paper/").status_code == 403
    r = _client(personas.station_staff).post(f"/contests/c/{essay_call.pk}/paper/", {**essay_data(), "submit": "1"},
                                             follow=True)
    entry = Entry.objects.get(source="paper")
    assert entry.status == "submitted" and entry.author is None and entry.number in _msgs(r)
    assert entry.created_by == personas.station_staff


def test_call_form_creates_a_draft_in_scope_only(personas):
    form = {"organiser": personas.station.pk, "title": "社区征文", "kind": "essay", "opens_at": "2030-01-01T08:00",
            "closes_at": "2030-03-01T18:00", "required_fields": ["name", "phone"], "categories": "文明社区\n文明家庭",
            "guideline_chars": 1800, "limit_chars": 3000, "rubric": "思想内容 60\n文字表达 40", "first": 1,
            "second": 1, "third": 1, "merit": 2, "publicity_days": 7, "votes_per_day": 3}
    r = _client(personas.sibling).post("/contests/manage/new/", form)
    assert r.status_code == 200 and not Call.objects.filter(title="社区征文").exists()
    assert _client(personas.resident).get("/contests/manage/new/").status_code == 403
    bad = _client(personas.station_staff).post("/contests/manage/new/", {**form, "rubric": "没有权重"})
    assert bad.status_code == 200 and "第 1 行" in bad.content.decode()
    r = _client(personas.station_staff).post("/contests/manage/new/", form)
    call = Call.objects.get(title="社区征文")
    assert r.status_code == 302 and call.status == "draft" and call.categories == ["文明社区", "文明家庭"]
    assert [c["weight"] for c in call.rubric] == [60, 40] and call.opens_at.hour == 0  # 08:00 Beijing = 00:00 UTC
