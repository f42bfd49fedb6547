"""Writes for matching: keep the grid index and team history current, and dispatch overdue orders by itself.

`team_index_refresh` (periodic) and `manage.py matching_rebuild` (by hand, after bulk loads) rebuild the index;
`team_index_sync` updates one team. `auto_dispatch_due` (periodic) is the automatic dispatcher.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Avg, Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from civicloop.core.exceptions import Conflict
from civicloop.core.msg import unit_language
from civicloop.matching import geo
from civicloop.matching.models import AutoDispatch, TeamIndex
from civicloop.people.models import Team, TeamMember

log = logging.getLogger(__name__)

RESPONSE_WINDOW_DAYS = 180
START_ACTIONS = ("publish", "dispatch")
TAKE_ACTIONS = ("claim", "accept")
BATCH = 2000


def _team_values(team: Team, avail: int, members: int) -> dict:
    home = team.home_unit
    lat, lng = home.lat, home.lng
    return {
        "cell": geo.cell_of(lat, lng) if lat is not None and lng is not None else -1,
        "lat": lat,
        "lng": lng,
        "categories": list(team.categories or []),
        "capacity": team.capacity,
        "avail_mask": avail,
        "members": members,
        "is_active": team.is_active,
    }


def _history(team_ids: list[int] | None) -> tuple[dict[int, tuple[float, int]], dict[int, tuple[float, int]]]:
    """Per team: (average rating, count) and (average minutes from publish/dispatch to claim/accept, count)."""
    from civicloop.orders.models import OrderEvent, OrderRating

    ratings_qs = OrderRating.objects.filter(order__team__isnull=False)
    events_qs = OrderEvent.objects.filter(
        action__in=START_ACTIONS + TAKE_ACTIONS,
        created_at__gte=timezone.now() - dt.timedelta(days=RESPONSE_WINDOW_DAYS),
        order__team__isnull=False,
    )
    if team_ids is not None:
        ratings_qs = ratings_qs.filter(order__team_id__in=team_ids)
        events_qs = events_qs.filter(order__team_id__in=team_ids)
    ratings = {
        r["order__team_id"]: (float(r["avg"]), r["n"])
        for r in ratings_qs.order_by().values("order__team_id").annotate(avg=Avg("score"), n=Count("id"))
    }
    started: dict[int, dt.datetime] = {}
    sums: dict[int, list[float]] = defaultdict(lambda: [0.0, 0])
    for order_id, action, at, team_id in (
        events_qs.order_by("order_id", "created_at", "pk")
        .values_list("order_id", "action", "created_at", "order__team_id")
        .iterator(chunk_size=BATCH)
    ):
        if action in START_ACTIONS:
            started[order_id] = at
        elif order_id in started:
            minutes = (at - started.pop(order_id)).total_seconds() / 60
            sums[team_id][0] += max(0.0, minutes)
            sums[team_id][1] += 1
    response = {t: (s / n, int(n)) for t, (s, n) in sums.items() if n}
    return ratings, response


@transaction.atomic
def team_index_refresh(*, team_ids: list[int] | None = None) -> int:
    """Rebuild the index rows (place, platforms, capacity, availability, history) of all or some teams."""
    teams = Team.objects.select_related("home_unit").order_by("pk")
    members_qs = TeamMember.objects.filter(volunteer__is_active=True)
    if team_ids is not None:
        teams = teams.filter(pk__in=team_ids)
        members_qs = members_qs.filter(team_id__in=team_ids)
    avail: dict[int, int] = defaultdict(int)
    counts: dict[int, int] = defaultdict(int)
    for team_id, availability in members_qs.values_list("team_id", "volunteer__availability").iterator(
        chunk_size=BATCH * 5
    ):
        avail[team_id] |= geo.availability_mask(availability)
        counts[team_id] += 1
    ratings, response = _history(team_ids)
    existing = dict(
        (
            TeamIndex.objects.filter(team_id__in=team_ids) if team_ids is not None else TeamIndex.objects
        ).values_list("team_id", "pk")
    )
    new, changed, seen = [], [], 0
    fields = [
        "cell", "lat", "lng", "categories", "capacity", "avail_mask", "members", "is_active",
        "rating_avg", "rating_count", "response_minutes", "response_count", "refreshed_at",
    ]  # fmt: skip
    now = timezone.now()
    for team in teams.iterator(chunk_size=BATCH):
        seen += 1
        values = _team_values(team, avail.get(team.pk, 0), counts.get(team.pk, 0))
        r_avg, r_n = ratings.get(team.pk, (None, 0))
        m_avg, m_n = response.get(team.pk, (None, 0))
        values.update(
            rating_avg=r_avg, rating_count=r_n, response_minutes=m_avg, response_count=m_n, refreshed_at=now
        )
        if team.pk in existing:
            changed.append(TeamIndex(pk=existing[team.pk], team_id=team.pk, **values))
        else:
            new.append(TeamIndex(team_id=team.pk, **values))
        if len(changed) >= BATCH:
            TeamIndex.objects.bulk_update(changed, fields)
            changed = []
        if len(new) >= BATCH:
            TeamIndex.objects.bulk_create(new)
            new = []
    TeamIndex.objects.bulk_update(changed, fields)
    TeamIndex.objects.bulk_create(new)
    return seen


def team_index_sync(*, team: Team) -> TeamIndex:
    """Bring one team's index row up to date (after it was created or changed)."""
    team_index_refresh(team_ids=[team.pk])
    return TeamIndex.objects.get(team=team)


# --- automatic dispatch ------------------------------------------------------------------------------------


def _declined_by_hand(order) -> set[int]:
    from civicloop.orders.models import OrderEvent

    leaders = OrderEvent.objects.filter(order=order, action="decline").values("actor_id")
    return set(Team.objects.filter(leader_id__in=leaders).values_list("pk", flat=True))


def _rules() -> list[tuple[str, bool, int]]:
    """(unit path, auto_dispatch, hours) of every unit with its own deadlines row, deepest first."""
    from civicloop.orders.models import UnitDeadlines

    rows = UnitDeadlines.objects.values_list("unit__path", "auto_dispatch", "auto_dispatch_hours")
    return sorted(rows, key=lambda r: -len(r[0]))


def auto_dispatch_rule(path: str, rules: list[tuple[str, bool, int]] | None = None) -> tuple[bool, int]:
    """A unit's automatic-dispatch setting: its own row, else the nearest ancestor's, else off."""
    for unit_path, on, hours in rules if rules is not None else _rules():
        if path.startswith(unit_path):
            return on, hours
    return False, 0


def auto_dispatch_order(*, order, now: dt.datetime | None = None) -> AutoDispatch | None:
    """Dispatch one order to the best team with room that has not had it yet; None if there is none."""
    from civicloop.matching.selectors import declined_team_ids, recommend_teams
    from civicloop.orders.services import order_dispatch

    tried = set(declined_team_ids(order)) | _declined_by_hand(order)
    matches = recommend_teams(order, limit=10, exclude_team_ids=tried)
    best = next((m for m in matches if m.has_capacity and m.category_fit and m.team.leader_id), None)
    if best is None:
        return None
    with unit_language():  # the timeline note is stored: the platform's language, whoever triggered it
        note = _("Dispatched automatically: %(why)s") % {"why": best.explanation}
    with transaction.atomic():
        row = AutoDispatch.objects.create(order=order, team=best.team, score=best.score)
        order_dispatch(
            actor=None,
            order=order,
            team=best.team,
            note=note,
            automatic=True,
        )
    return row


def auto_dispatch_due(*, now: dt.datetime | None = None, batch: int = 200) -> int:
    """Periodic job: orders left unclaimed past their unit's time go to the best free team. Idempotent."""
    from civicloop.orders.models import Order

    now = now or timezone.now()
    rules = _rules()
    enabled = [(p, h) for p, on, h in rules if on]
    if not enabled:
        return 0
    in_enabled = Q()
    for path, _hours in enabled:
        in_enabled |= Q(unit_path__startswith=path)
    oldest = now - dt.timedelta(hours=min(h for _p, h in enabled))
    candidates = (
        Order.objects.filter(in_enabled, status__in=[Order.Status.SUBMITTED, Order.Status.OPEN])
        .filter(created_at__lte=oldest)
        .select_related("unit")
        .order_by("created_at")[:batch]
    )
    done = 0
    for order in candidates:
        on, hours = auto_dispatch_rule(order.unit_path, rules)
        if not on or order.created_at > now - dt.timedelta(hours=hours):
            continue
        try:
            if auto_dispatch_order(order=order, now=now) is not None:
                done += 1
        except (Conflict, ValidationError, PermissionDenied) as exc:  # taken meanwhile, or not allowed
            log.info("auto dispatch of %s skipped: %s", order.number, exc)
    return done
