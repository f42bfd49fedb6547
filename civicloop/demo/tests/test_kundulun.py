"""The Kundulun demo: what `make demo` loads, that it loads once, that every login works, and the bulk data."""

from __future__ import annotations

import io
import random
from collections import Counter

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from civicloop.audit.models import AuditEvent
from civicloop.core.choices import FocusGroup, VolunteerType
from civicloop.core.validators import validate_id_number, validate_mobile
from civicloop.demo import kundulun
from civicloop.network.models import Membership, Unit
from civicloop.network.services import unit_create
from civicloop.people.models import Resident, Team, TeamMember, User, Volunteer
from conftest import otp_code

LANDINGS = {
    "office": "stats:dashboard",
    "institute": "orders:queue",
    "station": "orders:queue",
    "sibling": "orders:queue",
    "leader": "orders:tasks",
    "volunteer": "orders:tasks",
    "resident": "orders:mine",
    "liaison": "core:liaison_home",
    "auditor": "audit:event_list",
}


def _seed() -> None:
    kundulun.seed_base(rng=random.Random(2019), today=timezone.localdate())


def _counts() -> dict[str, int]:
    models = (Unit, Membership, User, Volunteer, Resident, Team, TeamMember, AuditEvent)
    return {model.__name__: model.objects.count() for model in models}


def test_seed_demo_twice_adds_nothing_the_second_time(db):
    first = io.StringIO()
    call_command("seed_demo", stdout=first)
    after_first = _counts()
    second = io.StringIO()
    call_command("seed_demo", stdout=second)
    assert _counts() == after_first
    assert "nothing to add" in second.getvalue()
    for out in (first.getvalue(), second.getvalue()):  # the logins are printed each time
        assert kundulun.PASSWORD in out
        for username in LANDINGS:
            assert f" {username} " in out
    assert after_first["Volunteer"] >= 140 and after_first["Resident"] >= 80
    _messages_point_at_orders_that_exist()


def _messages_point_at_orders_that_exist() -> None:
    # The demo renumbers orders by their historical day after the messages were written (issue #13: the demo
    # inbox linked to an order number that answered 404).
    import re

    from civicloop.notify.models import InboxItem, Notification
    from civicloop.orders.models import Order

    numbers = set(Order.objects.values_list("number", flat=True))
    # The outbox rows (delivered or not: the inbox copies them) and any inbox items delivered already.
    items = [
        *Notification.objects.filter(url__startswith="/orders/"),
        *InboxItem.objects.filter(url__startswith="/orders/"),
    ]
    assert items
    for item in items:
        assert item.url.removeprefix("/orders/").strip("/") in numbers, item.url
        for number in re.findall(r"[A-Z]+-\d{8}-\d{4,}-\d{4}", item.shown_title + item.title):
            assert number in numbers, item.shown_title


def test_every_demo_role_has_exactly_one_login_in_the_table():
    assert {login.username for login in kundulun.LOGINS} == set(LANDINGS)
    text = kundulun.logins_text()
    assert "文明办" in text and "审计员" in text and "部门联络员" in text


@pytest.mark.parametrize("username", list(LANDINGS))
def test_every_demo_login_reaches_its_landing_page(client, db, username):
    _seed()
    response = client.post(reverse("login"), {"username": username, "password": kundulun.PASSWORD})
    assert response.status_code == 302  # the printed password works
    code = otp_code(username)  # staff-like logins: the printed authenticator key gives the second factor
    if code:
        assert client.post("/accounts/mfa/", {"code": code}).status_code == 302
    response = client.get(reverse("landing"), follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse(LANDINGS[username])


def test_the_network_is_the_one_the_article_describes(db):
    _seed()
    practice = Counter(Unit.objects.filter(kind=Unit.Kind.PRACTICE).values_list("level", flat=True))
    assert practice == {"center": 1, "institute": 2, "station": 6, "point": 2}
    root = Unit.objects.get(depth=1)
    assert (root.name, root.division_code) == (kundulun.CENTRE, "150203")
    assert 40.5 < root.lat < 40.8 and 109.7 < root.lng < 110.0
    wanhe = Unit.objects.get(name=kundulun.WANHE)
    assert Unit.objects.get_parent(wanhe).name == kundulun.KUNHE
    venues = set(Unit.objects.filter(kind=Unit.Kind.VENUE).values_list("name", flat=True))
    assert {"区融媒体中心", "区党群服务中心", "区政务服务中心"} <= venues
    departments = set(Unit.objects.filter(kind=Unit.Kind.DEPARTMENT).values_list("name", flat=True))
    assert {"区卫生健康委员会", "区教育局", "区科学技术协会", "区文化旅游体育局"} <= departments
    assert Unit.objects.filter(kind=Unit.Kind.SOCIAL_ORG).count() >= 2
    assert Unit.objects.find_problems() == ([], [], [], [], [])


def test_teams_of_every_type_and_residents_in_every_focus_group(db):
    _seed()
    assert set(Team.objects.values_list("team_type", flat=True)) == set(VolunteerType.values)
    for team in Team.objects.prefetch_related("memberships", "served_units"):
        assert team.leader_id is not None
        assert 5 <= team.memberships.count() <= 13
        assert team.served_units.exists() and team.categories
        assert team.memberships.filter(volunteer__user_id=team.leader_id).exists()
    groups = Counter(g for r in Resident.objects.all() for g in (r.focus_groups or []))
    assert set(groups) == set(FocusGroup.values)
    today = timezone.localdate()
    children = [r for r in Resident.objects.all() if r.birth_date and (today - r.birth_date).days < 14 * 365]
    assert children
    for child in children:  # PIPL art. 31: a guardian with consent for every child under 14
        assert child.guardian_name and child.guardian_phone and child.guardian_consent_at
    assert any(FocusGroup.EMPTY_NEST_ELDERLY in (r.focus_groups or []) for r in Resident.objects.all())


def test_the_loop_can_be_walked_with_the_demo_accounts(db):
    _seed()
    wanhe = Unit.objects.get(name=kundulun.WANHE)
    leader = User.objects.get(username="leader")
    team = Team.objects.get(leader=leader)
    assert wanhe in team.served_units.all()
    assert team.memberships.filter(volunteer__user__username="volunteer").exists()
    assert Resident.objects.get(user__username="resident").unit == wanhe
    assert Membership.objects.get(user__username="station").unit == wanhe
    sibling_unit = Membership.objects.get(user__username="sibling").unit
    assert Unit.objects.get_parent(sibling_unit) == Unit.objects.get_parent(wanhe) and sibling_unit != wanhe
    assert Membership.objects.get(user__username="liaison").unit.name == kundulun.HEALTH_DEPT
    # Every platform is served at 万和阳光社区, so any order there can find a team.
    served = {c for t in Team.objects.filter(served_units=wanhe) for c in t.categories}
    assert served == {"lecture", "education", "science", "culture", "health", "media"}


def test_sibling_station_staff_cannot_open_wanhe(client, db):
    _seed()
    wanhe = Unit.objects.get(name=kundulun.WANHE)
    client.force_login(User.objects.get(username="sibling"))
    assert client.get(reverse("network:unit_detail", args=[wanhe.pk])).status_code == 403
    client.force_login(User.objects.get(username="station"))
    assert client.get(reverse("network:unit_detail", args=[wanhe.pk])).status_code == 200


def test_invented_personal_data_is_valid_unique_and_encrypted(db):
    _seed()
    phones = [u.phone for u in User.objects.exclude(phone="")]
    assert len(phones) == len(set(phones)) > 150
    for phone in phones:
        validate_mobile(phone)
    id_numbers = [v.id_number for v in Volunteer.objects.exclude(id_hash="")]
    id_numbers += [r.id_number for r in Resident.objects.exclude(id_hash="")]
    assert len(id_numbers) > 20 and len(id_numbers) == len(set(id_numbers))
    for number in id_numbers:
        validate_id_number(number)  # GB 11643 check digit
    numbers = list(Volunteer.objects.values_list("number", flat=True))
    assert not set(numbers) & set(id_numbers)
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone, id_number, address FROM people_resident")
        raw = " ".join(str(v) for row in cursor.fetchall() for v in row)
    resident = Resident.objects.exclude(id_hash="").first()
    assert resident.phone[:7] not in raw and resident.id_number not in raw and "社区" not in raw


# --- synthetic bulk data -------------------------------------------------------------------------------------


def test_seed_scale_builds_a_valid_tree_with_volunteers_in_teams(db):
    _seed()
    before_units = Unit.objects.count()
    out = io.StringIO()
    kundulun.seed_scale(
        rng=random.Random(7), today=timezone.localdate(), stations=5, volunteers=300, stdout=out
    )
    assert "volunteers: 300/300" in out.getvalue()
    assert Unit.objects.find_problems() == ([], [], [], [], [])
    root = Unit.objects.get(depth=1)
    assert Unit.objects.get_descendant_count(root) == Unit.objects.count() - 1
    stations = Unit.objects.filter(level=Unit.Level.STATION, name__startswith=kundulun.SCALE_MARK)
    assert stations.count() == 5
    assert Unit.objects.count() == before_units + 1 + 5 + 1  # an institute, five stations, one point
    institute = Unit.objects.get(level=Unit.Level.INSTITUTE, name__startswith=kundulun.SCALE_MARK)
    assert Unit.objects.get_children_count(institute) == institute.numchild == 5
    assert Volunteer.objects.filter(institute.subtree_q("unit_path")).count() == 300
    for station in stations:
        volunteers = Volunteer.objects.filter(home_unit=station)
        assert volunteers.count() == 60
        assert all(v.lat and abs(v.lat - station.lat) < 0.02 and v.categories and v.types for v in volunteers)
        assert all(v.availability for v in volunteers)
        assert Volunteer.objects.filter(station.subtree_q("unit_path")).count() == 60
    teams = Team.objects.filter(home_unit__in=stations)
    assert 24 <= teams.count() <= 40  # about one team per ten volunteers
    assert TeamMember.objects.filter(team__in=teams).count() == 300
    assert all(t.served_units.exists() and t.leader_id for t in teams)
    bench = Volunteer.objects.filter(user__username__startswith="bv").select_related("user")
    assert not any(v.user.has_usable_password() for v in bench[:20])
    assert Resident.objects.filter(institute.subtree_q("unit_path")).count() == 100
    # The synthetic people are found the way real ones are: by the keyed phone hash and the last four digits.
    volunteer = bench.first()
    assert User.objects.filter(phone_last4=volunteer.user.phone[-4:], pk=volunteer.user_id).exists()


def test_seed_scale_adds_only_the_difference_and_the_tree_stays_writable(db):
    _seed()
    rng = random.Random(7)
    today = timezone.localdate()
    kundulun.seed_scale(rng=rng, today=today, stations=5, volunteers=300, stdout=io.StringIO())
    counts = _counts()
    kundulun.seed_scale(rng=rng, today=today, stations=5, volunteers=300, stdout=io.StringIO())
    assert _counts() == counts
    kundulun.seed_scale(rng=rng, today=today, stations=30, volunteers=450, stdout=io.StringIO())
    assert Unit.objects.find_problems() == ([], [], [], [], [])
    assert Unit.objects.filter(level=Unit.Level.INSTITUTE, name__startswith=kundulun.SCALE_MARK).count() == 2
    assert Volunteer.objects.filter(user__username__startswith="bv").count() == 450
    numbers = list(Volunteer.objects.values_list("number", flat=True))
    assert len(numbers) == len(set(numbers))
    # The service still adds children in the right place after the bulk insert.
    institute = Unit.objects.filter(level=Unit.Level.INSTITUTE, name__startswith=kundulun.SCALE_MARK).first()
    added = unit_create(parent=institute, name="新增社区新时代文明实践站")
    assert Unit.objects.get_parent(added) == institute
    assert Unit.objects.find_problems() == ([], [], [], [], [])
