"""评身边好事: nominations, station review and 点赞 voting (one per person per candidate per day, a per-call cap,
a per-IP limit, bursts discounted with a reason), results like 中国好人榜."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from civicloop.audit.models import AuditEvent
from civicloop.contests import policies, selectors, services
from civicloop.contests.models import Entry, Vote
from civicloop.contests.tests.conftest import make_call, nomination_data, voting_call
from civicloop.contests.workflow import CALL, ENTRY
from civicloop.core.exceptions import Conflict
from civicloop.people.services import user_create


def _people(n):
    return [user_create(username=f"voter{i}", password="x-Pass-123!", full_name=f"居民{i}") for i in range(n)]


@pytest.mark.django_db
def test_nomination_needs_consent_and_is_reviewed_by_its_station(personas):
    call = make_call(personas, "nomination")
    no_consent = services.entry_save(
        call=call, actor=personas.resident, data=nomination_data(nominee_consent=""), unit=personas.station
    )
    with pytest.raises(ValidationError) as refused:
        ENTRY.run("submit", no_consent, actor=personas.resident)
    assert "同意" in str(refused.value) or "agree" in str(refused.value)
    entry = services.entry_save(call=call, actor=personas.resident, data=nomination_data(), unit=personas.point)
    ENTRY.run("submit", entry, actor=personas.resident)
    # the sibling station may not review it; the nominee's station may
    with pytest.raises(PermissionDenied):
        ENTRY.run("admit", entry, actor=personas.sibling)
    ENTRY.run("admit", entry, actor=personas.station_staff)
    # a community outside the call is refused
    with pytest.raises(ValidationError):
        services.entry_save(call=call, actor=personas.resident, data=nomination_data(), unit=personas.station_b)


@pytest.mark.django_db
def test_one_vote_per_candidate_per_day_cap_and_close(personas):
    call, (a, b, c) = voting_call(personas)
    services.vote_cast(entry=a, voter=personas.outsider, ip="10.0.0.1")
    with pytest.raises(Conflict):
        services.vote_cast(entry=a, voter=personas.outsider, ip="10.0.0.1")
    services.vote_cast(entry=b, voter=personas.outsider, ip="10.0.0.1")
    with pytest.raises(Conflict) as capped:
        services.vote_cast(entry=c, voter=personas.outsider, ip="10.0.0.1")
    assert "2" in str(capped.value)
    assert Vote.objects.filter(voter=personas.outsider).count() == 2
    # tomorrow (Asia/Shanghai) the person may vote again
    tomorrow = timezone.now() + dt.timedelta(days=1)
    from unittest import mock

    with mock.patch("django.utils.timezone.now", return_value=tomorrow):
        services.vote_cast(entry=a, voter=personas.outsider, ip="10.0.0.1")
    CALL.run("announce", call, actor=personas.station_staff)
    with pytest.raises(Conflict):
        services.vote_cast(entry=c, voter=personas.volunteer, ip="10.0.0.2")
    a.refresh_from_db()
    assert a.status == "publicity" and a.award == "merit"


@pytest.mark.django_db
def test_ip_rate_limit_and_burst_discount_is_audited(personas):
    call, (a, b, _c) = voting_call(personas, ip_votes_per_hour=5, votes_per_day=3)
    people = _people(7)
    for person in people[:5]:
        services.vote_cast(entry=a, voter=person, ip="10.9.9.9", device="dev-1")
    with pytest.raises(ValidationError):
        services.vote_cast(entry=a, voter=people[5], ip="10.9.9.9")
    services.vote_cast(entry=b, voter=people[6], ip="10.1.1.1")
    bursts = selectors.vote_bursts(call, threshold=5)
    assert [(x["ip"], x["votes"]) for x in bursts] == [("10.9.9.9", 5)]
    start = bursts[0]["minute"]
    with pytest.raises(PermissionDenied):
        services.votes_discount(call=call, actor=personas.sibling, reason="刷票", ip="10.9.9.9",
                                start=start, end=start + dt.timedelta(minutes=1))
    with pytest.raises(ValidationError):
        services.votes_discount(call=call, actor=personas.station_staff, reason="", ip="10.9.9.9",
                                start=start, end=start + dt.timedelta(minutes=1))
    with pytest.raises(ValidationError):
        services.votes_discount(call=call, actor=personas.station_staff, reason="刷票", ip="not-an-ip",
                                start=start, end=start + dt.timedelta(minutes=1))
    n = services.votes_discount(call=call, actor=personas.station_staff, reason="同一网络一分钟内集中点赞",
                                ip="10.9.9.9", start=start, end=start + dt.timedelta(minutes=1))
    assert n == 5
    event = AuditEvent.objects.get(action="contests.votes.discount")
    assert "5" in event.detail and "10.9.9.9" not in event.detail
    counts = {r["entry"].pk: r["n"] for r in services.vote_ranking(call, Entry.objects.filter(call=call))}
    assert counts[a.pk] == 0 and counts[b.pk] == 1
    assert not policies.can_see_author(personas.outsider, a)


@pytest.mark.django_db(transaction=True)
def test_200_simultaneous_votes_by_50_people_count_exactly_the_allowed(personas):
    # each person tries A, A, B, C at once; one vote per candidate per day and two votes per call per day
    call, (a, b, c) = voting_call(personas, votes_per_day=2, ip_votes_per_hour=1000)
    people = _people(50)
    attempts = [(p, e) for p in people for e in (a, a, b, c)]
    barrier = threading.Barrier(20)
    outcomes: list[str] = []
    lock = threading.Lock()
    chunks = [attempts[i::20] for i in range(20)]

    def run(chunk) -> None:
        try:
            barrier.wait()
            for person, entry in chunk:
                try:
                    services.vote_cast(entry=entry, voter=person, ip=f"10.0.{person.pk % 250}.1")
                    result = "ok"
                except Conflict:
                    result = "refused"
                except Exception as exc:
                    result = f"error: {exc!r}"
                with lock:
                    outcomes.append(result)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(chunk,)) for chunk in chunks]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(outcomes) == 200
    assert outcomes.count("ok") == 100, [o for o in outcomes if o.startswith("error")][:3]
    assert outcomes.count("refused") == 100
    assert Vote.objects.filter(call=call).count() == 100
    for person in people:
        assert Vote.objects.filter(call=call, voter=person).count() == 2
