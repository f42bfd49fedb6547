"""The demo story: Kundulun's 2020 campaign with the 八大行动, two 包联 leaders, ~200 problems in every state, the
August 通报 and two published exposure entries; its figures equal a recount; the same seed gives the same story."""

from __future__ import annotations

import random

import pytest
from django.test import Client
from django.utils import timezone

from civicloop.campaigns import demo, figures
from civicloop.campaigns.models import Bulletin, Campaign, Exposure, Liaison, Problem, Visit
from civicloop.demo import kundulun
from civicloop.network.models import Unit

pytestmark = pytest.mark.django_db


def test_demo_story(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES,
                         "private": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                                     "OPTIONS": {"location": tmp_path / "p"}},
                         "default": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                                     "OPTIONS": {"location": tmp_path / "m"}}}
    kundulun.seed_base(rng=random.Random(2019), today=timezone.localdate())
    demo.seed(rng=random.Random(5), today=timezone.localdate())
    campaign = Campaign.objects.get(year=2020)
    assert campaign.actions.count() == 8 and "“九乱”治理行动" in campaign.actions.values_list("name", flat=True)
    assert Liaison.objects.filter(campaign=campaign).values("leader").distinct().count() == 2
    assert Visit.objects.filter(liaison__campaign=campaign).count() == 20
    problems = Problem.objects.filter(campaign=campaign)
    assert problems.count() == 200
    states = set(problems.values_list("status", flat=True))
    assert states == {"reported", "registered", "assigned", "rectified", "closed", "rejected"}
    assert problems.filter(rework_count__gt=0).exists() and problems.filter(recurrence_of__isnull=False).exists()
    assert problems.filter(status="assigned", escalation_level__gt=0).exists()
    assert Bulletin.objects.filter(campaign=campaign, month__month=8).count() == 1
    assert Exposure.objects.filter(campaign=campaign, status="published").count() == 2
    root = Unit.objects.get(depth=1)
    paths = [u.path for u in Unit.objects.filter(depth__lte=3)]
    assert figures.totals(campaign, paths, None, None) == figures.recount(campaign, paths, None, None)
    c = Client()
    c.force_login(root.memberships.filter(role="staff").first().user)
    html = c.get(f"/campaigns/{campaign.pk}/assessment/").content.decode()
    assert "2020-08" in html and "昆河镇新时代文明实践所" in html
    assert "交办问题逾期未整改" in Client().get("/campaigns/exposure/").content.decode()
