"""On the Kundulun demo data, the district's 2019 summary reads like the seed's sentence, with the demo's figures."""

from __future__ import annotations

import datetime as dt
import io
import re

from django.core.management import call_command

from civicloop.network.models import Unit
from civicloop.stats.selectors import figures
from civicloop.stats.services import counters_mismatches
from civicloop.stats.summary import approx, summary_sentence


def test_the_2019_summary_of_the_demo_district(db):
    call_command("seed_demo", stdout=io.StringIO())
    root = Unit.objects.get(depth=1)
    f = figures(root, dt.date(2019, 1, 1), dt.date(2019, 12, 31))
    sentence = summary_sentence(f)
    # 截至2019年底，已累计开展各类新时代文明实践活动60余场，服务群众5000余人，发放调查问卷200份，收集群众点单191份，…
    assert sentence.startswith("截至2019年底，已累计开展各类新时代文明实践活动")
    assert "发放调查问卷200份" in sentence and "收集群众点单191份" in sentence
    assert re.search(r"活动(60余|近70|70余)场", sentence), sentence
    # 服务群众 is the figure the tile shows (activities' people plus completed orders'), so above the seed's 5000余.
    assert re.search(r"服务群众(5000余|近6000|6000余|近7000|7000余)人", sentence), sentence
    assert f"服务群众{approx(f.served)}人" in sentence
    assert f.activities >= 60 and f.served >= 5000 and f.orders == 191 and f.surveys_distributed == 200
    assert counters_mismatches() == []
