"""The demo story loads inside seed_demo's transaction and shows every state it promises."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.db import transaction

from civicloop.contests import demo, selectors
from civicloop.contests.models import Call, Entry, Vote

pytestmark = pytest.mark.django_db


def test_demo_story(personas):
    with transaction.atomic():
        demo.seed(rng=random.Random(2019), today=dt.date(2026, 12, 1), scale=0)
    essay = Call.objects.get(kind="essay")
    assert essay.opens_at.date() == dt.date(2018, 11, 26) or essay.opens_at.isoformat().startswith("2018-11-2")
    assert essay.status == "reviewing"
    states = set(essay.entries.values_list("status", flat=True))
    assert {"draft", "submitted", "withdrawn", "eligible", "ineligible", "first_round", "second_round"} <= states
    assert essay.entries.count() == 12 and essay.entries.filter(source="email").count() == 2
    photo = Call.objects.get(kind="photo")
    assert photo.status == "published"
    printed = photo.entries.get(title="春耕春管")
    assert printed.status == "awarded" and printed.award == "first" and "刘浩军 摄" in printed.caption
    assert photo.entries.filter(status="awarded").count() == 4 and photo.unit_awards.count() == 1
    good = Call.objects.get(kind="nomination")
    assert good.status == "voting" and good.organiser == personas.station
    assert Vote.objects.filter(call=good).count() > 20
    assert selectors.vote_bursts(good, threshold=15)[0]["ip"] == "10.99.0.7"
    assert Entry.objects.filter(call=good, status="ineligible").count() == 1
