"""Recommendations on hand-built cases: who ranks first, who never appears, and what the dispatcher reads."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from civicloop.matching import geo
from civicloop.matching.selectors import order_fit_for_team, recommend_teams, recommend_volunteers
from civicloop.matching.services import team_index_refresh
from civicloop.matching.tests import factories as f
from civicloop.orders.models import OrderEvent

pytestmark = pytest.mark.django_db


def names(matches):
    return [m.team.name for m in matches]


def test_nearer_team_ranks_first(personas):
    far_home = f.station(personas.institute, "远处站", 40.85, 110.05)  # ≈ 30 km away
    far = f.team("远队", far_home, [personas.station], ["health"])
    near = f.team("近队", personas.station, [personas.station], ["health"])
    team_index_refresh()
    ranked = recommend_teams(f.order(personas))
    assert names(ranked).index(near.name) < names(ranked).index(far.name)
    by = {m.team.pk: m for m in ranked}
    assert by[near.pk].distance_km < 1 < 20 < by[far.pk].distance_km


def test_free_team_ranks_before_busy_and_full_team_is_last(personas):
    busy = f.team("忙队", personas.station, [personas.station], ["health"], capacity=3)
    free = f.team("闲队", personas.station, [personas.station], ["health"], capacity=3)
    full = f.team("满队", personas.station, [personas.station], ["health"], capacity=2)
    f.held(personas, busy, 2)
    f.held(personas, full, 1)
    f.held(personas, full, 1, status="in_service")
    team_index_refresh()
    ranked = recommend_teams(f.order(personas))
    order = names(ranked)
    assert order.index(free.name) < order.index(busy.name)
    assert order[-1] == full.name
    last = ranked[-1]
    assert not last.has_capacity and last.open_load == 2
    assert "已满（2 单）" in last.explanation


def test_better_rated_team_ranks_first(personas):
    good = f.team("好评队", personas.station, [personas.station], ["health"])
    poor = f.team("差评队", personas.station, [personas.station], ["health"])
    f.rated(personas, good, [5, 5, 5, 4])
    f.rated(personas, poor, [2, 1, 2, 2])
    team_index_refresh()
    ranked = recommend_teams(f.order(personas))
    assert names(ranked).index(good.name) < names(ranked).index(poor.name)
    assert "★4.8" in next(m for m in ranked if m.team == good).explanation


def test_right_platform_ranks_first(personas):
    culture = f.team("文艺队", personas.station, [personas.station], ["culture"])
    health = f.team("健康队", personas.station, [personas.station], ["health"])
    f.rated(personas, culture, [5, 5, 5, 5, 5])  # even a perfect record does not beat the right platform
    team_index_refresh()
    ranked = recommend_teams(f.order(personas, category="health"))
    assert names(ranked).index(health.name) < names(ranked).index(culture.name)
    wrong = next(m for m in ranked if m.team == culture)
    assert not wrong.category_fit and "平台不符" in wrong.explanation


def test_team_that_does_not_serve_the_unit_never_appears(personas):
    # team_b serves the sibling station; a team serving only the point (a child) does not serve the station.
    point_only = f.team("楼栋队", personas.point, [personas.point], ["health"])
    above = f.team("镇级队", personas.institute, [personas.institute], ["health"])
    team_index_refresh()
    ranked = names(recommend_teams(f.order(personas, unit=personas.station), limit=50))
    assert personas.team_b.name not in ranked
    assert point_only.name not in ranked
    assert above.name in ranked and personas.team.name in ranked
    # an order at the point is served by the point team, the station team and the institute team
    at_point = names(recommend_teams(f.order(personas, unit=personas.point), limit=50))
    assert {point_only.name, personas.team.name, above.name} <= set(at_point)


def test_unindexed_team_is_still_found_and_inactive_never(personas):
    new = f.team("新队", personas.station, [personas.station], ["health"])  # no index row yet
    gone = f.team("停用队", personas.station, [personas.station], ["health"])
    gone.is_active = False
    gone.save()
    ranked = names(recommend_teams(f.order(personas)))
    assert new.name in ranked and gone.name not in ranked


def test_explanation_reads_like_the_dispatch_dialog(personas):
    from civicloop.orders.models import Order

    team = personas.team
    f.held(personas, team, 2)
    f.rated(personas, team, [5, 5, 4, 5, 5])
    o = f.order(personas, status="closed", team=team)
    t0 = timezone.now() - dt.timedelta(days=1)
    e1 = OrderEvent.objects.create(
        order=o, action="dispatch", from_status="submitted", to_status="dispatched"
    )
    e2 = OrderEvent.objects.create(order=o, action="accept", from_status="dispatched", to_status="accepted")
    OrderEvent.objects.filter(pk=e1.pk).update(created_at=t0)
    OrderEvent.objects.filter(pk=e2.pk).update(created_at=t0 + dt.timedelta(minutes=40))
    team_index_refresh()
    order = f.order(personas, lat=40.66, lng=109.81)  # ≈ 3.3 km north of the station
    match = recommend_teams(order)[0]
    assert match.team == team
    assert match.explanation.startswith("3.3 km · 卫 · 2 单进行中 · ★4.8 · 40 分钟内响应")
    assert set(match.parts) == {"distance", "category", "capacity", "availability", "rating", "response"}
    assert Order.objects.filter(pk=order.pk).exists()


def test_availability_in_the_wanted_window(personas):
    v = personas.volunteer_profile
    v.availability = {"sat": ["am"]}
    v.save()
    busy_at_weekend = f.team("工作日队", personas.station, [personas.station], ["health"])
    team_index_refresh()
    saturday = timezone.make_aware(dt.datetime(2026, 12, 5, 9, 0))  # a Saturday morning
    ranked = recommend_teams(
        f.order(personas, wanted_from=saturday, wanted_to=saturday + dt.timedelta(hours=2))
    )
    mine = next(m for m in ranked if m.team == personas.team)
    assert mine.available is True and "时间合适" in mine.explanation
    other = next(m for m in ranked if m.team == busy_at_weekend)
    assert other.available is None  # no member told us when they can serve
    assert geo.window_mask(saturday, None) == geo.slot_bit("sat", "am")


def test_excluded_teams_are_left_out(personas):
    other = f.team("二队", personas.station, [personas.station], ["health"])
    team_index_refresh()
    ranked = names(recommend_teams(f.order(personas), exclude_team_ids=[personas.team.pk]))
    assert personas.team.name not in ranked and other.name in ranked


def test_volunteers_ranked_inside_a_team(personas):
    from civicloop.people import services as people

    u = people.user_create(username="v2", password=None, full_name="王医生")
    doctor = people.volunteer_register(
        user=u, home_unit=personas.station, types=["tech_expert"], categories=["health"], consent=True
    )
    doctor.skills = "量血压 义诊"
    doctor.save()
    people.team_add_member(team=personas.team, volunteer=doctor)
    u3 = people.user_create(username="v3", password=None, full_name="赵老师")
    teacher = people.volunteer_register(
        user=u3, home_unit=personas.station_b, types=["five_elders"], categories=["lecture"], consent=True
    )
    people.team_add_member(team=personas.team, volunteer=teacher)
    ranked = recommend_volunteers(f.order(personas, title="量血压"), personas.team)
    assert next(r.volunteer for r in ranked) == doctor
    assert ranked[-1].volunteer == teacher
    assert "技能匹配" in ranked[0].explanation


def test_hall_fit_for_a_team(personas):
    near_health = f.order(personas, status="open")
    far_unit = f.station(personas.institute, "远站", 40.9, 110.1)
    far_culture = f.order(personas, status="open", unit=far_unit, category="culture")
    fits = order_fit_for_team(personas.team, [near_health, far_culture])
    assert fits[near_health.pk].score > fits[far_culture.pk].score
    assert "卫" in fits[near_health.pk].explanation


@pytest.mark.parametrize("extra", [2, 25])
def test_recommend_query_count_does_not_grow_with_teams(personas, django_assert_max_num_queries, extra):
    for i in range(extra):
        t = f.team(f"队{i}", personas.station, [personas.station], ["health"])
        f.held(personas, t, 1)
    team_index_refresh()
    order = f.order(personas)
    with django_assert_max_num_queries(8):
        ranked = recommend_teams(order, limit=10)
    assert len(ranked) == 10 if extra > 10 else len(ranked) == extra + 1


def test_grid_search_when_many_teams_serve_the_area(personas, monkeypatch):
    from civicloop.matching import selectors

    monkeypatch.setattr(selectors, "SERVED_DIRECT", 2)  # force the ring-by-ring grid search
    spots = [
        ("0.5 km", 40.634, 109.81),
        ("8 km", 40.70, 109.81),
        ("40 km", 41.0, 109.81),
        ("200 km", 42.4, 109.81),
    ]
    made = []
    for label, lat, lng in spots:
        home = f.station(personas.institute, f"站{label}", lat, lng)
        made.append(f.team(f"全区队{label}", home, [personas.root], ["health"]))
    far_home = f.station(personas.institute, "近但不服务", 40.631, 109.811)
    f.team("近但不服务队", far_home, [far_home], ["health"])
    team_index_refresh()
    ranked = names(recommend_teams(f.order(personas), limit=10))
    assert "近但不服务队" not in ranked
    assert ranked.index("全区队0.5 km") < ranked.index("全区队8 km") < ranked.index("全区队40 km")
    assert "全区队200 km" in ranked  # beyond the widest ring, still listed as a last resort
    for r_from, r_to in ((0, 1), (2, 3), (13, 25)):
        ranges = geo.ring_ranges(40.6, 109.8, r_from, r_to)
        cells = {c for lo, hi in ranges for c in range(lo, hi + 1)}
        assert cells == set(geo.ring_cells(40.6, 109.8, r_from, r_to))


def test_rebuild_command_and_single_team_sync(personas):
    from io import StringIO

    from django.core.management import call_command

    from civicloop.matching.models import TeamIndex
    from civicloop.matching.services import team_index_sync

    out = StringIO()
    call_command("matching_rebuild", stdout=out)
    assert "2 teams" in out.getvalue()
    row = TeamIndex.objects.get(team=personas.team)
    assert row.categories == ["health", "lecture"] and row.members == 1
    assert row.cell == geo.cell_of(personas.station.lat, personas.station.lng)
    personas.team.capacity = 7
    personas.team.save()
    assert team_index_sync(team=personas.team).capacity == 7
