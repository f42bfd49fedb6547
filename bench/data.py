"""Bulk data for the bench: a province-sized unit tree, teams, volunteers and order history, fast.

`manage.py seed_demo --scale` builds a district; the bench needs up to 100k teams and 1M volunteers in a few
minutes on two cores, so it writes with bulk_create in chunks (no per-row services, no password hashing).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from contextlib import contextmanager
from typing import Any

from django.db import transaction
from django.utils import timezone

from civicloop.network.models import Unit
from civicloop.network.services import unit_create
from civicloop.orders.models import Order, OrderEvent, OrderRating
from civicloop.people.models import Resident, Team, TeamMember, User, Volunteer

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
PLATFORMS = ["lecture", "education", "science", "culture", "health", "media"]
DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
PARTS = ["am", "pm", "eve"]
LAT0, LAT1, LNG0, LNG1 = 38.0, 44.0, 105.0, 118.0  # about 650 km × 1,100 km
CHUNK_TEAMS = 1000
MEMBERS_PER_TEAM = 10


def _step(n: int) -> str:
    out = ""
    for _i in range(4):
        n, r = divmod(n, 36)
        out = ALPHABET[r] + out
    return out


@contextmanager
def _manual_times(*models: Any):
    """Let bulk rows carry their own created_at (history in the past) instead of auto_now_add."""
    fields = [m._meta.get_field("created_at") for m in models]
    saved = [f.auto_now_add for f in fields]
    for f in fields:
        f.auto_now_add = False
    try:
        yield
    finally:
        for f, s in zip(fields, saved, strict=True):
            f.auto_now_add = s


class Province:
    """The tree and counters of a bench run; `grow(teams)` adds teams (and 10 volunteers each) up to a total."""

    def __init__(self, *, rng: random.Random, institutes: int, stations_per: int, log: Callable[[str], None]):
        self.rng, self.log = rng, log
        self.root = unit_create(
            parent=None, name="基准测试文明实践中心", division_code="150000", lat=41.0, lng=111.5
        )
        self.institutes: list[Unit] = []
        self.stations: list[tuple[int, str, float, float, int]] = []  # id, path, lat, lng, institute index
        now = timezone.now()
        for i in range(institutes):
            lat, lng = rng.uniform(LAT0, LAT1), rng.uniform(LNG0, LNG1)
            inst = unit_create(parent=self.root, name=f"基准所{i}", lat=lat, lng=lng)
            rows = [
                Unit(
                    path=inst.path + _step(j + 1),
                    depth=3,
                    numchild=0,
                    name=f"基准站{i}-{j}",
                    level="station",
                    kind="practice",
                    lat=lat + rng.uniform(-0.15, 0.15),
                    lng=lng + rng.uniform(-0.2, 0.2),
                    created_at=now,
                )
                for j in range(stations_per)
            ]
            Unit.objects.bulk_create(rows, batch_size=2000)
            Unit.objects.filter(pk=inst.pk).update(numchild=stations_per)
            self.institutes.append(inst)
        for pk, path, lat, lng in Unit.objects.filter(depth=3, path__startswith=self.root.path).values_list(
            "pk", "path", "lat", "lng"
        ):
            self.stations.append((pk, path, lat, lng, int(path[4:8], 36) - 1))
        self.stations.sort()
        self.teams = 0
        self.volunteers = 0
        self.orders = 0
        residents = [
            Resident(unit_id=s[0], unit_path=s[1], name=f"居民{k}", consent_at=now)
            for k, s in enumerate(rng.sample(self.stations, min(500, len(self.stations))))
        ]
        self.residents = [r.pk for r in Resident.objects.bulk_create(residents)]

    def grow(self, teams: int) -> None:
        while self.teams < teams:
            n = min(CHUNK_TEAMS, teams - self.teams)
            with transaction.atomic():
                self._chunk(n)
            self.teams += n
            if self.teams % 10000 == 0 or self.teams == teams:
                self.log(f"  {self.teams} teams, {self.volunteers} volunteers, {self.orders} orders")

    def _chunk(self, n: int) -> None:
        rng, now = self.rng, timezone.now()
        base = self.volunteers
        users = [
            User(username=f"bv{base + k}", password="!", full_name=f"志愿者{base + k}", date_joined=now)
            for k in range(n * MEMBERS_PER_TEAM)
        ]
        users = User.objects.bulk_create(users, batch_size=5000)
        homes = [rng.choice(self.stations) for _t in range(n)]
        vols = []
        for k, user in enumerate(users):
            st = homes[k // MEMBERS_PER_TEAM]
            vols.append(
                Volunteer(
                    user_id=user.pk,
                    number=f"BV{base + k:09d}",
                    home_unit_id=st[0],
                    unit_path=st[1],
                    types=["party_member"],
                    categories=rng.sample(PLATFORMS, 2),
                    lat=st[2] + rng.uniform(-0.03, 0.03),
                    lng=st[3] + rng.uniform(-0.03, 0.03),
                    availability={d: rng.sample(PARTS, rng.randint(1, 2)) for d in rng.sample(DAYS, 3)},
                    consent_at=now,
                    created_at=now,
                )
            )
        vols = Volunteer.objects.bulk_create(vols, batch_size=5000)
        self.volunteers += len(vols)
        team_rows = [
            Team(
                name=f"基准队{self.teams + t}",
                team_type="party_member",
                home_unit_id=st[0],
                unit_path=st[1],
                categories=rng.sample(PLATFORMS, rng.randint(1, 2)),
                leader_id=users[t * MEMBERS_PER_TEAM].pk,
                capacity=rng.randint(2, 5),
                created_at=now,
            )
            for t, st in enumerate(homes)
        ]
        team_rows = Team.objects.bulk_create(team_rows, batch_size=2000)
        through = Team.served_units.through
        served = []
        for team, st in zip(team_rows, homes, strict=True):
            roll = rng.random()
            if roll < 0.03:  # city-wide teams: serve the whole tree
                served.append(through(team_id=team.pk, unit_id=self.root.pk))
            elif roll < 0.25:
                served.append(through(team_id=team.pk, unit_id=self.institutes[st[4]].pk))
            else:
                served.append(through(team_id=team.pk, unit_id=st[0]))
                if roll > 0.95:
                    other = rng.choice(self.stations)
                    if other[0] != st[0]:
                        served.append(through(team_id=team.pk, unit_id=other[0]))
        through.objects.bulk_create(served, batch_size=5000)
        TeamMember.objects.bulk_create(
            [
                TeamMember(team_id=team_rows[k // MEMBERS_PER_TEAM].pk, volunteer_id=v.pk, joined_at=now)
                for k, v in enumerate(vols)
            ],
            batch_size=5000,
        )
        self._history(team_rows, homes)

    def _history(self, team_rows: list[Team], homes: list[tuple]) -> None:
        """Per team about one rated closed order (with dispatch → accept times) and some current load."""
        rng, now = self.rng, timezone.now()
        orders = []
        for team, st in zip(team_rows, homes, strict=True):
            cat = team.categories[0]
            for status in ("closed",) * rng.randint(0, 2) + ("accepted",) * rng.randint(0, 1):
                self.orders += 1
                orders.append(
                    Order(
                        number=f"BN{self.orders:010d}",
                        category=cat,
                        title="基准订单",
                        requester_id=rng.choice(self.residents),
                        unit_id=st[0],
                        unit_path=st[1],
                        status=status,
                        team_id=team.pk,
                        lat=st[2],
                        lng=st[3],
                        created_at=now - dt.timedelta(days=rng.randint(2, 120)),
                    )
                )
        with _manual_times(Order, OrderEvent, OrderRating):
            orders = Order.objects.bulk_create(orders, batch_size=2000)
            events, ratings = [], []
            for o in orders:
                t0 = o.created_at + dt.timedelta(hours=1)
                events.append(OrderEvent(order_id=o.pk, from_status="submitted", to_status="dispatched",
                                         action="dispatch", created_at=t0))  # fmt: skip
                events.append(OrderEvent(order_id=o.pk, from_status="dispatched", to_status="accepted",
                                         action="accept", created_at=t0 + dt.timedelta(minutes=rng.randint(5, 600))))  # fmt: skip
                if o.status == "closed":
                    ratings.append(OrderRating(order_id=o.pk, score=rng.choice([3, 4, 4, 5, 5, 5]),
                                               created_at=t0 + dt.timedelta(days=1)))  # fmt: skip
            OrderEvent.objects.bulk_create(events, batch_size=5000)
            OrderRating.objects.bulk_create(ratings, batch_size=5000)

    def random_demand_args(self) -> dict[str, Any]:
        st = self.rng.choice(self.stations)
        return {
            "category": self.rng.choice(PLATFORMS),
            "unit_path": st[1],
            "lat": st[2] + self.rng.uniform(-0.02, 0.02),
            "lng": st[3] + self.rng.uniform(-0.02, 0.02),
        }
