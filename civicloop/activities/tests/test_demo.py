from __future__ import annotations

import random
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Sum
from django.utils import timezone

from civicloop.activities.models import Activity
from civicloop.records.models import MakeupClaim, Redemption, ShopItem


@pytest.mark.django_db
def test_demo_tells_the_kundulun_story():
    from civicloop.activities import demo as activities_demo
    from civicloop.demo import kundulun
    from civicloop.records import demo as records_demo

    rng, today = random.Random(2019), timezone.localdate()
    kundulun.seed_base(rng=rng, today=today)
    activities_demo.seed(rng=rng, today=today, scale=0)
    records_demo.seed(rng=rng, today=today, scale=0)
    year_2019 = Activity.objects.filter(starts_at__year=2019)
    assert year_2019.count() >= 62
    assert year_2019.aggregate(s=Sum("people_served"))["s"] > 5000
    assert set(year_2019.values_list("category", flat=True)) == {
        "lecture",
        "education",
        "science",
        "culture",
        "health",
        "media",
    }
    assert Activity.objects.filter(status="published", starts_at__gt=timezone.now()).exists()
    assert ShopItem.objects.filter(unit__name__startswith="万和阳光社区").exists()
    assert Redemption.objects.exists() and MakeupClaim.objects.exists()
    call_command("check_points", stdout=StringIO())
