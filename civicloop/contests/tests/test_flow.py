"""The essay call from draft to published results, through the services and the declared workflows."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from civicloop.audit.models import AuditEvent
from civicloop.contests import policies, services
from civicloop.contests.models import Entry, Score
from civicloop.contests.tests.conftest import essay_data, make_call
from civicloop.contests.text import count_zi
from civicloop.contests.workflow import CALL, ENTRY
from civicloop.core.exceptions import Conflict
from civicloop.notify.models import Notification
from civicloop.people.services import user_create

pytestmark = pytest.mark.django_db


def _entry(call, user, **kw):
    entry = services.entry_save(call=call, actor=user, data=essay_data(**kw))
    ENTRY.run("submit", entry, actor=user)
    entry.refresh_from_db()
    return entry


def test_count_rule():
    # each 汉字 and each CJK punctuation mark is 1, a run of Latin letters/digits is 1, spaces and ASCII marks 0
    assert count_zi("文明，城市。") == 6
    assert count_zi("5G 网络覆盖 COVID-19 and 2021 年!") == 10
    assert count_zi("  \n ") == 0


def test_submit_gives_receipt_and_acknowledgement(personas, essay_call):
    entry = _entry(essay_call, personas.resident)
    assert entry.status == "submitted" and entry.number.startswith("ZW") and entry.submitted_at
    note = Notification.objects.get(kind="contest_entry_received", recipient=personas.resident)
    assert entry.number in note.title
    # author data is encrypted at rest
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("select author_phone from contests_entry where id = %s", [entry.pk])
        assert "13905961234" not in cur.fetchone()[0]


def test_guideline_warns_limit_refuses_with_count(personas, essay_call):
    long = services.entry_save(call=essay_call, actor=personas.resident, data=essay_data(length=2100))
    assert "2100" in services.length_warning(essay_call, long.length)
    ENTRY.run("submit", long, actor=personas.resident)  # a guideline, not a wall
    too_long = services.entry_save(call=essay_call, actor=personas.volunteer, data=essay_data(length=3001))
    with pytest.raises(ValidationError) as refused:
        ENTRY.run("submit", too_long, actor=personas.volunteer)
    assert "3001" in str(refused.value) and "3000" in str(refused.value)
    assert Entry.objects.get(pk=too_long.pk).status == "draft"


def test_required_author_fields_and_validators(personas, essay_call):
    with pytest.raises(ValidationError) as bad:
        services.entry_save(call=essay_call, actor=personas.resident, data=essay_data(author_postcode="12345"))
    assert "author_postcode" in bad.value.error_dict
    with pytest.raises(ValidationError):
        services.entry_save(call=essay_call, actor=personas.resident, data=essay_data(author_phone="12345"))
    missing = services.entry_save(call=essay_call, actor=personas.resident, data=essay_data(author_address=""))
    with pytest.raises(ValidationError) as refused:
        ENTRY.run("submit", missing, actor=personas.resident)
    assert "地址" in str(refused.value) or "address" in str(refused.value)


def test_window_enforced_and_withdraw_before_close(personas):
    later = make_call(personas, "essay", opens_at=timezone.now() + dt.timedelta(days=2),
                      closes_at=timezone.now() + dt.timedelta(days=5))
    with pytest.raises(Conflict):
        services.entry_save(call=later, actor=personas.resident, data=essay_data())
    call = make_call(personas, "essay")
    entry = _entry(call, personas.resident)
    with pytest.raises(PermissionDenied):
        ENTRY.run("withdraw", entry, actor=personas.volunteer)
    ENTRY.run("withdraw", entry, actor=personas.resident)
    assert Entry.objects.get(pk=entry.pk).status == "withdrawn"
    other = _entry(call, personas.volunteer)
    CALL.run("close", call, actor=personas.station_staff)
    other.refresh_from_db()
    with pytest.raises(Conflict):
        ENTRY.run("withdraw", other, actor=personas.volunteer)


def test_sibling_station_cannot_manage_or_review(personas, essay_call):
    entry = _entry(essay_call, personas.resident)
    with pytest.raises(PermissionDenied):
        ENTRY.run("admit", entry, actor=personas.sibling)
    with pytest.raises(PermissionDenied):
        CALL.run("close", essay_call, actor=personas.sibling)
    with pytest.raises(PermissionDenied):
        services.judge_assign(call=essay_call, stage="first", user=personas.outsider, actor=personas.sibling)
    assert not policies.can_see_author(personas.sibling, entry)
    assert AuditEvent.objects.filter(action="contests.entry.admit").count() == 0
    # the institute above the station may
    ENTRY.run("admit", entry, actor=personas.institute_staff)


def _judges(call, personas, n=3, stage="first"):
    judges = []
    for i in range(n):
        user = user_create(username=f"judge{stage}{i}", password="x-Pass-123!", full_name=f"评委{i}")
        judge = services.judge_assign(call=call, stage=stage, user=user, actor=personas.station_staff)
        services.judge_declare(judge=judge, actor=user, conflicts="")
        judges.append(user)
    return judges


def _score(entry, user, a, b=None, c=None):
    return services.score_submit(entry=entry, actor=user, values={"content": a, "craft": b or a, "novelty": c or a})


def test_review_blind_scores_trimmed_mean_awards_publicity_publish(personas, essay_call):
    entries = [_entry(essay_call, u) for u in (personas.resident, personas.volunteer, personas.leader)]
    for e in entries:
        ENTRY.run("admit", e, actor=personas.station_staff)
    CALL.run("close", essay_call, actor=personas.station_staff)
    CALL.run("start_review", essay_call, actor=personas.station_staff)
    j = _judges(essay_call, personas, n=4)
    # a judge of the first round may not score before entries reach the first round
    with pytest.raises(PermissionDenied):
        _score(entries[0], j[0], 80)
    assert services.round_advance(call=essay_call, actor=personas.station_staff, stage="first") == 3
    for e in entries:
        e.refresh_from_db()
    # blind: judges may open the entry but never see the author
    assert policies.can_view_entry(j[0], entries[0]) and not policies.can_see_author(j[0], entries[0])
    # entry 0: 90, 60, 80, 100 -> trimmed (80+90)/2 = 85; entry 1: 85 x4 -> 85 (tie) ; entry 2: 70
    for user, value in zip(j, (90, 60, 80, 100), strict=True):
        _score(entries[0], user, value)
    for user in j:
        _score(entries[1], user, 85)
        _score(entries[2], user, 70)
    with pytest.raises(Conflict):
        _score(entries[2], j[0], 10)
    with pytest.raises(ValidationError):
        services.score_submit(entry=entries[2], actor=j[1], values={"content": 101})
    assert Score.objects.filter(entry=entries[2]).count() == 4
    rows = services.ranking(essay_call, "first", entries)
    # tie at 85: entry 0's plain mean 82.5 < entry 1's 85, so entry 1 ranks first
    assert [r["entry"].pk for r in rows] == [entries[1].pk, entries[0].pk, entries[2].pk]
    assert rows[0]["score"] == rows[1]["score"] == Decimal("85.00")
    CALL.run("announce", essay_call, actor=personas.station_staff)
    states = {e.pk: (e.status, e.award) for e in Entry.objects.filter(call=essay_call)}
    assert states[entries[1].pk] == ("publicity", "first")
    assert states[entries[0].pk] == ("publicity", "second")
    assert states[entries[2].pk] == ("publicity", "merit")
    objection = services.objection_raise(entry=Entry.objects.get(pk=entries[2].pk), actor=personas.outsider,
                                         text="这篇文章曾在别处发表过")
    with pytest.raises(Conflict):
        CALL.run("publish_results", essay_call, actor=personas.station_staff)
    services.objection_answer(objection=objection, actor=personas.station_staff, answer="核实属实，取消奖项", upheld=True)
    assert Entry.objects.get(pk=entries[2].pk).status == "not_awarded"
    CALL.run("publish_results", essay_call, actor=personas.station_staff)
    won = Entry.objects.get(pk=entries[1].pk)
    assert won.status == "awarded" and won.certificate_code
    assert Notification.objects.filter(kind="contest_entry_awarded", recipient=personas.volunteer).exists()


def test_conflict_declaration_and_recusal(personas, essay_call):
    entry = services.entry_save(call=essay_call, actor=personas.resident, data=essay_data(organisation="昆河镇第一小学"))
    ENTRY.run("submit", entry, actor=personas.resident)
    ENTRY.run("admit", entry, actor=personas.station_staff)
    other = _entry(essay_call, personas.volunteer)
    ENTRY.run("admit", other, actor=personas.station_staff)
    CALL.run("close", essay_call, actor=personas.station_staff)
    CALL.run("start_review", essay_call, actor=personas.station_staff)
    services.round_advance(call=essay_call, actor=personas.station_staff, stage="first")
    entry.refresh_from_db()
    other.refresh_from_db()
    user = user_create(username="judgex", password="x-Pass-123!", full_name="评委")
    judge = services.judge_assign(call=essay_call, stage="first", user=user, actor=personas.station_staff)
    assert not policies.can_judge_entry(user, entry)  # not declared yet
    services.judge_declare(judge=judge, actor=user, conflicts="昆河镇第一小学")
    assert not policies.can_judge_entry(user, entry)  # declared conflict
    assert policies.can_judge_entry(user, other)
    services.judge_recuse(judge=judge, entry=other, actor=user, reason="认识作者")
    with pytest.raises(PermissionDenied):
        _score(other, user, 80)
    # a judge of another call is refused
    second = make_call(personas, "essay")
    stranger = user_create(username="judgey", password="x-Pass-123!", full_name="外评委")
    j2 = services.judge_assign(call=second, stage="first", user=stranger, actor=personas.station_staff)
    services.judge_declare(judge=j2, actor=stranger, conflicts="")
    assert not policies.can_view_entry(stranger, entry)
    with pytest.raises(PermissionDenied):
        _score(entry, stranger, 80)


def test_periodic_close_of_due_calls(personas):
    due = make_call(personas, "essay")
    later = make_call(personas, "essay")
    from unittest import mock

    with mock.patch("django.utils.timezone.now", return_value=due.closes_at + dt.timedelta(minutes=1)):
        from civicloop.contests.models import Call

        Call.objects.filter(pk=later.pk).update(closes_at=due.closes_at + dt.timedelta(days=1))
        assert services.calls_close_due() == 1
    due.refresh_from_db()
    later.refresh_from_db()
    assert (due.status, later.status) == ("closed", "open")
    assert due.events.get(step="close").automatic
