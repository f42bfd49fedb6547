"""Reads for matching supply and demand (对接供需): rank teams for an order, volunteers inside a team, and
orders for a team viewing the hall. Every result carries its score parts and a short human explanation.

Candidate search (`recommend_for`): teams that serve the order's unit or one of its ancestors (a team serving
a unit serves its subtree), found through the grid index ring by ring around the order's place until there
are enough; then scored in one pass with the live open load read in a single grouped query. The number of
queries does not depend on the number of teams or volunteers.
"""

from __future__ import annotations

import datetime as dt
import heapq
import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from civicloop.core.choices import PLATFORM_LETTERS
from civicloop.matching import geo
from civicloop.matching.models import AutoDispatch, TeamIndex
from civicloop.network.models import Unit
from civicloop.orders.workflow import LOAD
from civicloop.people.models import Team, TeamMember

if TYPE_CHECKING:
    from civicloop.orders.models import Order
    from civicloop.people.models import Volunteer

RINGS = ((0, 1), (2, 3), (4, 6), (7, 12), (13, 25))
FALLBACK_LIMIT = 200
SERVED_DIRECT = 300  # up to this many serving teams are read directly; more go through the grid
OPEN_LOAD = LOAD  # the states that count against a team's capacity
W_DISTANCE, W_CATEGORY, W_CAPACITY, W_AVAILABILITY, W_RATING, W_RESPONSE = 0.30, 0.20, 0.15, 0.10, 0.15, 0.10
WEIGHTS = {
    "distance": W_DISTANCE,
    "category": W_CATEGORY,
    "capacity": W_CAPACITY,
    "availability": W_AVAILABILITY,
    "rating": W_RATING,
    "response": W_RESPONSE,
}
VOLUNTEER_WEIGHTS = {"category": 0.30, "skills": 0.15, "distance": 0.20, "availability": 0.20, "load": 0.15}
RATING_PRIOR, RATING_PRIOR_WEIGHT = 4.0, 3
DISTANCE_SCALE_KM = 5.0
RESPONSE_SCALE_MIN = 240.0



@dataclass(frozen=True)
class Demand:
    """What an order asks for, as the engine sees it (kept apart from the Order model on purpose)."""

    category: str
    unit_path: str
    lat: float | None = None
    lng: float | None = None
    wanted_mask: int = 0
    keywords: tuple[str, ...] = ()
    exclude_team_ids: frozenset[int] = frozenset()


@dataclass
class TeamMatch:
    team: Team
    score: float
    parts: dict[str, float]
    distance_km: float | None
    category_fit: bool
    open_load: int
    capacity: int
    available: bool | None
    rating: float | None
    rating_count: int
    response_minutes: float | None
    bits: list[str] = field(default_factory=list)

    @property
    def has_capacity(self) -> bool:
        return self.open_load < self.capacity

    @property
    def explanation(self) -> str:
        return " · ".join(self.bits)

    def as_dict(self) -> dict[str, Any]:
        return {
            "team_id": self.team.pk,
            "team_name": self.team.name,
            "score": round(self.score, 4),
            "parts": {k: round(v, 4) for k, v in self.parts.items()},
            "distance_km": None if self.distance_km is None else round(self.distance_km, 2),
            "category_fit": self.category_fit,
            "open_load": self.open_load,
            "capacity": self.capacity,
            "has_capacity": self.has_capacity,
            "available": self.available,
            "rating": None if self.rating is None else round(self.rating, 2),
            "rating_count": self.rating_count,
            "response_minutes": None if self.response_minutes is None else round(self.response_minutes),
            "explanation": self.explanation,
        }


@dataclass
class VolunteerMatch:
    volunteer: Volunteer
    score: float
    parts: dict[str, float]
    distance_km: float | None
    open_tasks: int
    available: bool | None
    bits: list[str] = field(default_factory=list)

    @property
    def explanation(self) -> str:
        return " · ".join(self.bits)


@dataclass
class OrderFit:
    score: float
    distance_km: float | None
    bits: list[str] = field(default_factory=list)

    @property
    def explanation(self) -> str:
        return " · ".join(self.bits)


# --- demand ------------------------------------------------------------------------------------------------


def _keywords(*texts: str) -> tuple[str, ...]:
    words: list[str] = []
    for text in texts:
        for word in (text or "").replace("，", " ").replace(",", " ").split():
            if len(word) >= 2 and word not in words:
                words.append(word)
    return tuple(words[:8])


def declined_team_ids(order: Order) -> frozenset[int]:
    """Teams the platform already dispatched this order to by itself (they declined or gave it back)."""
    return frozenset(AutoDispatch.objects.filter(order=order).values_list("team_id", flat=True))


def _wanted_passed(order: Order, now: dt.datetime | None = None) -> bool:
    end = order.wanted_to or order.wanted_from
    return end is not None and end < (now or timezone.now())


def demand_of(order: Order, *, exclude_team_ids: Iterable[int] = ()) -> Demand:
    lat, lng = order.lat, order.lng
    if lat is None or lng is None:
        lat, lng = order.unit.lat, order.unit.lng
    return Demand(
        category=order.category,
        unit_path=order.unit_path,
        lat=lat,
        lng=lng,
        # a wanted time already over says nothing about who is free: no "free then" for it
        wanted_mask=0 if _wanted_passed(order) else geo.window_mask(order.wanted_from, order.wanted_to),
        keywords=_keywords(order.subcategory, order.title),
        exclude_team_ids=frozenset(exclude_team_ids),
    )


def ancestor_paths(path: str) -> list[str]:
    return Unit.paths_above(path)


# --- candidates ------------------------------------------------------------------------------------------------


@dataclass(slots=True)
class Candidate:
    """One team as the engine scores it (plain values read straight from the index, no model instance)."""

    team_id: int
    lat: float | None
    lng: float | None
    categories: list[str]
    capacity: int
    avail_mask: int = 0
    rating_avg: float | None = None
    rating_count: int = 0
    response_minutes: float | None = None


_COLUMNS = "team_id, lat, lng, categories, capacity, avail_mask, rating_avg, rating_count, response_minutes"


def _rows(sql: str, params: Sequence[Any]) -> list[Candidate]:
    out = []
    with connection.cursor() as cur:
        cur.execute(sql, params)
        for row in cur.fetchall():
            cats = row[3]
            if isinstance(cats, str):
                cats = json.loads(cats)
            out.append(Candidate(row[0], row[1], row[2], cats or [], *row[4:]))
    return out


def _table() -> str:
    return connection.ops.quote_name(TeamIndex._meta.db_table)


def _by_ids(team_ids: Sequence[int]) -> list[Candidate]:
    found: list[Candidate] = []
    for i in range(0, len(team_ids), 900):
        chunk = team_ids[i : i + 900]
        marks = ", ".join(["%s"] * len(chunk))
        found += _rows(
            f"SELECT {_COLUMNS} FROM {_table()} WHERE is_active = %s AND team_id IN ({marks})",
            [True, *chunk],
        )
    return found


def _by_rings(demand: Demand, served: set[int], want: int) -> list[Candidate]:
    """Widen ring by ring around the place; each ring is a set of cell ranges (one or two per grid row), read
    through the cell index; rows of teams that do not serve the order's unit are dropped as they arrive."""
    found: dict[int, Candidate] = {}
    for r_from, r_to in RINGS:
        ranges = geo.ring_ranges(demand.lat, demand.lng, r_from, r_to)  # type: ignore[arg-type]
        where = " OR ".join(["cell BETWEEN %s AND %s"] * len(ranges))
        params: list[Any] = [True]
        for lo, hi in ranges:
            params += [lo, hi]
        for c in _rows(f"SELECT {_COLUMNS} FROM {_table()} WHERE is_active = %s AND ({where})", params):
            if c.team_id in served:
                found[c.team_id] = c
        if len(found) >= want:
            break
    return list(found.values())


def _candidates(demand: Demand, want: int) -> list[Candidate]:
    """Serving teams: read directly when there are few, else found through the grid ring by ring.

    Teams not in the index yet (created since the last refresh) are read from the team table, placed at their
    home unit, so a new team is never invisible.
    """
    paths = ancestor_paths(demand.unit_path)
    exclude = demand.exclude_team_ids
    served = (
        set(Team.served_units.through.objects.filter(unit__path__in=paths).values_list("team_id", flat=True))
        - exclude
    )
    missing: set[int] = set()
    if len(served) <= SERVED_DIRECT or demand.lat is None or demand.lng is None:
        ids = sorted(served)[:SERVED_DIRECT]
        found = _by_ids(ids)
        missing = set(ids) - {c.team_id for c in found}
    else:
        found = _by_rings(demand, served, want)
        if len(found) < want:  # a sparse area: any serving team, however far
            found += _by_ids(sorted(served - {c.team_id for c in found})[:FALLBACK_LIMIT])
    if missing:
        indexed_off = set(TeamIndex.objects.filter(team_id__in=missing).values_list("team_id", flat=True))
        for t in Team.objects.filter(pk__in=missing - indexed_off, is_active=True).select_related(
            "home_unit"
        ):
            found.append(
                Candidate(t.pk, t.home_unit.lat, t.home_unit.lng, list(t.categories or []), t.capacity)
            )
    return found


# --- scoring -------------------------------------------------------------------------------------------------


def _fmt_minutes(minutes: float) -> str:
    if minutes < 90:
        return _("replies in %(n)d min") % {"n": max(1, round(minutes))}
    return _("replies in %(n).1f h") % {"n": minutes / 60}


def _score(
    demand: Demand, c: Candidate, load: int
) -> tuple[float, dict[str, float], float | None, bool | None]:
    dist = None
    if demand.lat is not None and demand.lng is not None and c.lat is not None and c.lng is not None:
        dist = geo.distance_km(demand.lat, demand.lng, c.lat, c.lng)
    available: bool | None = None
    if demand.wanted_mask and c.avail_mask:
        available = bool(demand.wanted_mask & c.avail_mask)
    avg = c.rating_avg
    rated = bool(c.rating_count) and avg is not None
    bayes = (
        (avg * c.rating_count + RATING_PRIOR * RATING_PRIOR_WEIGHT) / (c.rating_count + RATING_PRIOR_WEIGHT)
        if avg is not None and rated
        else RATING_PRIOR
    )
    parts = {
        "distance": 0.5 if dist is None else math.exp(-dist / DISTANCE_SCALE_KM),
        "category": 1.0 if demand.category in c.categories else 0.0,
        "capacity": max(0.0, min(1.0, (c.capacity - load) / c.capacity)) if c.capacity else 0.0,
        "availability": 0.5 if available is None else (1.0 if available else 0.0),
        "rating": (bayes - 1.0) / 4.0,
        "response": 0.5 if c.response_minutes is None else math.exp(-c.response_minutes / RESPONSE_SCALE_MIN),
    }
    return sum(WEIGHTS[k] * v for k, v in parts.items()), parts, dist, available


def _match(demand: Demand, team: Team, c: Candidate, load: int) -> TeamMatch:
    score, parts, dist, available = _score(demand, c, load)
    fit = demand.category in c.categories
    rating = c.rating_avg if c.rating_count and c.rating_avg is not None else None
    bits = [
        _("%(km).1f km") % {"km": dist} if dist is not None else _("distance unknown"),
        PLATFORM_LETTERS.get(demand.category, demand.category) if fit else _("other platform"),
        _("full (%(n)d open)") % {"n": load} if load >= c.capacity else _("%(n)d open") % {"n": load},
        f"★{rating:.1f}" if rating is not None else _("no ratings yet"),
    ]
    if c.response_minutes is not None:
        bits.append(_fmt_minutes(c.response_minutes))
    if available is not None:
        bits.append(_("free then") if available else _("busy then"))
    return TeamMatch(
        team=team,
        score=score,
        parts=parts,
        distance_km=dist,
        category_fit=fit,
        open_load=load,
        capacity=c.capacity,
        available=available,
        rating=rating,
        rating_count=c.rating_count,
        response_minutes=c.response_minutes,
        bits=bits,
    )


def _open_loads(team_ids: Sequence[int]) -> dict[int, int]:
    """Current open load (accepted or in service) of each team: one grouped, indexed query per 900 teams."""
    from civicloop.orders.models import Order

    table = connection.ops.quote_name(Order._meta.db_table)
    loads: dict[int, int] = {}
    with connection.cursor() as cur:
        for i in range(0, len(team_ids), 900):
            chunk = list(team_ids[i : i + 900])
            marks = ", ".join(["%s"] * len(chunk))
            cur.execute(
                f"SELECT team_id, COUNT(*) FROM {table} WHERE team_id IN ({marks}) "
                f"AND status IN ({', '.join(['%s'] * len(OPEN_LOAD))}) GROUP BY team_id",
                [*chunk, *OPEN_LOAD],
            )
            loads.update(cur.fetchall())
    return loads


def _fast_score(demand: Demand, c: Candidate, load: int, cos_lat: float) -> tuple[float, float]:
    """The same total as `_score` (equirectangular distance, no dicts): used to sort every candidate."""
    if demand.lat is not None and demand.lng is not None and c.lat is not None and c.lng is not None:
        dy = (c.lat - demand.lat) * 111.2
        dx = (c.lng - demand.lng) * 111.2 * cos_lat
        dist = math.sqrt(dx * dx + dy * dy)
        s_dist = math.exp(-dist / DISTANCE_SCALE_KM)
    else:
        dist, s_dist = 0.0, 0.5
    if demand.wanted_mask and c.avail_mask:
        s_avail = 1.0 if demand.wanted_mask & c.avail_mask else 0.0
    else:
        s_avail = 0.5
    if c.rating_count and c.rating_avg is not None:
        bayes = (c.rating_avg * c.rating_count + RATING_PRIOR * RATING_PRIOR_WEIGHT) / (
            c.rating_count + RATING_PRIOR_WEIGHT
        )
    else:
        bayes = RATING_PRIOR
    s_resp = 0.5 if c.response_minutes is None else math.exp(-c.response_minutes / RESPONSE_SCALE_MIN)
    s_cap = max(0.0, min(1.0, (c.capacity - load) / c.capacity)) if c.capacity else 0.0
    total = (
        W_DISTANCE * s_dist
        + W_CATEGORY * (1.0 if demand.category in c.categories else 0.0)
        + W_CAPACITY * s_cap
        + W_AVAILABILITY * s_avail
        + W_RATING * (bayes - 1.0) / 4.0
        + W_RESPONSE * s_resp
    )
    return total, dist


def _rank(demand: Demand, cands: list[Candidate], limit: int) -> list[TeamMatch]:
    """Rank: teams with room first, then the right platform, then by score; build explanations for the top only."""
    loads = _open_loads([c.team_id for c in cands])
    cos_lat = math.cos(math.radians(demand.lat or 0.0))
    keyed = []
    for c in cands:
        load = loads.get(c.team_id, 0)
        score, dist = _fast_score(demand, c, load, cos_lat)
        keyed.append(
            ((load >= c.capacity, demand.category not in c.categories, -score, dist, c.team_id), c, load)
        )
    top = heapq.nsmallest(limit + 5, keyed, key=lambda k: k[0])
    teams = Team.objects.filter(is_active=True).in_bulk([c.team_id for _k, c, _l in top])
    return [_match(demand, teams[c.team_id], c, load) for _k, c, load in top if c.team_id in teams][:limit]


def recommend_for(demand: Demand, *, limit: int = 10) -> list[TeamMatch]:
    return _rank(demand, _candidates(demand, want=max(limit * 3, 30)), limit)


def recommend_teams(
    order: Order, *, limit: int = 10, exclude_team_ids: Iterable[int] = ()
) -> list[TeamMatch]:
    """Ranked teams for an order (best first), each with its score parts and explanation."""
    return recommend_for(demand_of(order, exclude_team_ids=exclude_team_ids), limit=limit)


def recommend_bruteforce(demand: Demand, *, limit: int = 10) -> list[TeamMatch]:
    """The baseline for `make bench`: scan every index row and every served-unit row, filter and score in Python."""
    from civicloop.network.models import Unit

    unit_ids = set(
        Unit.objects.filter(path__in=ancestor_paths(demand.unit_path)).values_list("id", flat=True)
    )
    serving = {
        team_id
        for team_id, unit_id in Team.served_units.through.objects.values_list("team_id", "unit_id").iterator(
            chunk_size=20000
        )
        if unit_id in unit_ids
    }
    cands = [
        c
        for c in _rows(f"SELECT {_COLUMNS} FROM {_table()} WHERE is_active = %s", [True])
        if c.team_id in serving and c.team_id not in demand.exclude_team_ids
    ]
    return _rank(demand, cands, limit)


# --- volunteers inside a team --------------------------------------------------------------------------------


def recommend_volunteers(order: Order, team: Team, *, limit: int = 20) -> list[VolunteerMatch]:
    """Members of `team` ranked for this order: platform, skills, distance, availability, current tasks."""
    from civicloop.orders.models import OrderAssignment

    demand = demand_of(order)
    members = list(
        TeamMember.objects.filter(team=team, volunteer__is_active=True)
        .select_related("volunteer__user", "volunteer__home_unit")
        .order_by("pk")[:500]
    )
    ids = [m.volunteer_id for m in members]
    tasks = {
        r["volunteer_id"]: r["n"]
        for r in OrderAssignment.objects.filter(
            volunteer_id__in=ids, order__status__in=OPEN_LOAD, checked_out_at__isnull=True
        )
        .order_by()
        .values("volunteer_id")
        .annotate(n=Count("id"))
    }
    results = []
    for m in members:
        v = m.volunteer
        lat, lng = (
            (v.lat, v.lng) if v.lat is not None and v.lng is not None else (v.home_unit.lat, v.home_unit.lng)
        )
        dist = None
        if None not in (demand.lat, demand.lng, lat, lng):
            dist = geo.distance_km(demand.lat, demand.lng, lat, lng)  # type: ignore[arg-type]
        mask = geo.availability_mask(v.availability)
        available = bool(mask & demand.wanted_mask) if (mask and demand.wanted_mask) else None
        fit = demand.category in (v.categories or [])
        skilled = bool(demand.keywords) and any(k in (v.skills or "") for k in demand.keywords)
        n = tasks.get(v.pk, 0)
        parts = {
            "category": 1.0 if fit else 0.0,
            "skills": 1.0 if skilled else 0.0,
            "distance": 0.5 if dist is None else math.exp(-dist / DISTANCE_SCALE_KM),
            "availability": 0.5 if available is None else (1.0 if available else 0.0),
            "load": 1.0 / (1 + n),
        }
        bits = [
            _("%(km).1f km") % {"km": dist} if dist is not None else _("distance unknown"),
            PLATFORM_LETTERS.get(demand.category, demand.category) if fit else _("other platform"),
        ]
        if skilled:
            bits.append(_("skills match"))
        if available is not None:
            bits.append(_("free then") if available else _("busy then"))
        bits.append(_("%(n)d tasks") % {"n": n})
        results.append(
            VolunteerMatch(
                volunteer=v,
                score=sum(VOLUNTEER_WEIGHTS[k] * p for k, p in parts.items()),
                parts=parts,
                distance_km=dist,
                open_tasks=n,
                available=available,
                bits=bits,
            )
        )
    results.sort(key=lambda r: (-r.score, r.volunteer.pk))
    return results[:limit]


# --- orders for a team (the order hall sorted by fit) -------------------------------------------------------


def order_fit_for_team(team: Team, orders: Sequence[Order]) -> dict[int, OrderFit]:
    """Fit of each order for the viewing team (no query per order: pass orders with `unit` selected)."""
    idx = TeamIndex.objects.filter(team=team).first()
    if idx is not None:
        lat, lng, mask = idx.lat, idx.lng, idx.avail_mask
    else:
        home = team.home_unit
        lat, lng, mask = home.lat, home.lng, 0
    fits: dict[int, OrderFit] = {}
    now = timezone.now()
    for order in orders:
        olat, olng = (order.lat, order.lng) if order.lat is not None else (order.unit.lat, order.unit.lng)
        dist = None
        if None not in (lat, lng, olat, olng):
            dist = geo.distance_km(lat, lng, olat, olng)  # type: ignore[arg-type]
        fit = order.category in team.categories
        wanted = geo.window_mask(order.wanted_from, order.wanted_to)
        # A wanted time already over fits nobody: never "free then" (the team would have to agree a new time).
        passed = _wanted_passed(order, now)
        available = False if passed else (bool(wanted & mask) if (wanted and mask) else None)
        score = (
            0.5 * (1.0 if fit else 0.0)
            + 0.35 * (0.5 if dist is None else math.exp(-dist / DISTANCE_SCALE_KM))
            + 0.15 * (0.5 if available is None else float(available))
        )
        bits = [
            _("%(km).1f km") % {"km": dist} if dist is not None else _("distance unknown"),
            PLATFORM_LETTERS.get(order.category, order.category) if fit else _("other platform"),
        ]
        if passed:
            bits.append(_("wanted time has passed"))
        elif available is not None:
            bits.append(_("free then") if available else _("busy then"))
        fits[order.pk] = OrderFit(score=score, distance_km=dist, bits=bits)
    return fits


def sort_by_fit(team: Team, orders: Sequence[Order]) -> list[tuple[Order, OrderFit]]:
    """The hall's "best fit first" ordering for a team: a page of orders, re-ordered in memory."""
    fits = order_fit_for_team(team, orders)
    return sorted(((o, fits[o.pk]) for o in orders), key=lambda p: (-p[1].score, p[0].pk))
