"""Who may see and do what in calls for entries.

- A call belongs to its organiser unit: staff of that unit or above manage it (never a sibling's).
- A nomination belongs to the nominee's station as well: that station's staff review it (资格审查).
- Judges see only the calls and stages they are assigned to, blind (no author), and not the entries they
  declared a conflict with or stood aside from.
- Entrants see their own entries; everyone sees open calls, candidates in voting and published results.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from civicloop import access
from civicloop.contests.models import Call, Entry, Judge

PUBLIC_CALL_STATES = ("open", "closed", "reviewing", "voting", "publicity", "published")
STAGE_OF_STATE = {"first_round": "first", "second_round": "second"}


def _uid(user: Any) -> int | None:
    return user.pk if getattr(user, "is_authenticated", False) else None


# --- calls -------------------------------------------------------------------------------------------------


def can_create_call(user: Any, unit: Any) -> bool:
    return access.in_scope(user, unit)


def organiser_units(user: Any) -> QuerySet:
    return access.visible_units(user).filter(is_active=True).order_by("path")


def managed_calls(user: Any) -> QuerySet[Call]:
    return Call.objects.filter(access.scope_q(user))


def can_manage_call(user: Any, call: Call) -> bool:
    return access.path_in_scope(user, call.unit_path)


def visible_calls(user: Any) -> QuerySet[Call]:
    """Public calls, plus drafts the user manages."""
    return Call.objects.filter(Q(status__in=PUBLIC_CALL_STATES) | access.scope_q(user))


def can_view_call(user: Any, call: Call) -> bool:
    return call.status in PUBLIC_CALL_STATES or can_manage_call(user, call)


def can_manage_call_step(user: Any, call: Call) -> bool:
    return can_manage_call(user, call)


def can_open_voting(user: Any, call: Call) -> bool:
    return call.is_nomination and can_manage_call(user, call)


# --- entries -----------------------------------------------------------------------------------------------


def is_author(user: Any, entry: Entry) -> bool:
    uid = _uid(user)
    return uid is not None and entry.author_id == uid


def can_edit_entry(user: Any, entry: Entry) -> bool:
    """The author; for paper and e-mail entries, the call's managers (they entered it)."""
    if entry.author_id is not None:
        return is_author(user, entry)
    return can_manage_call(user, entry.call)


def can_review_entry(user: Any, entry: Entry) -> bool:
    """资格审查: the call's managers, and for nominations the staff of the nominee's station."""
    return can_manage_call(user, entry.call) or access.path_in_scope(user, entry.unit_path)


def can_see_author(user: Any, entry: Entry) -> bool:
    """Full author or nominee details (masked otherwise): the author and the reviewers — never judges."""
    return is_author(user, entry) or can_review_entry(user, entry)


def entry_is_public(entry: Entry) -> bool:
    call = entry.call
    if call.status == "voting" and entry.status == "eligible":
        return True
    if call.status == "publicity" and entry.status == "publicity":
        return True
    return call.status == "published" and entry.status == "awarded"


def judge_of(user: Any, call: Call, stage: str | None = None) -> Judge | None:
    uid = _uid(user)
    if uid is None:
        return None
    qs = Judge.objects.filter(call=call, user_id=uid)
    if stage:
        qs = qs.filter(stage=stage)
    return qs.first()


def judge_conflicted(judge: Judge, entry: Entry) -> bool:
    if judge.recusals.filter(entry=entry).exists():
        return True
    names = [line.strip() for line in judge.conflicts.splitlines() if line.strip()]
    return bool(entry.organisation) and entry.organisation in names


def can_judge_entry(user: Any, entry: Entry) -> bool:
    """A judge of the entry's current stage who has declared and has no conflict with it."""
    stage = STAGE_OF_STATE.get(entry.status)
    if stage is None:
        return False
    judge = judge_of(user, entry.call, stage)
    return judge is not None and judge.declared_at is not None and not judge_conflicted(judge, entry)


def can_view_entry(user: Any, entry: Entry) -> bool:
    return (
        can_edit_entry(user, entry)
        or can_review_entry(user, entry)
        or judge_of(user, entry.call) is not None
        or entry_is_public(entry)
    )


def visible_entries(user: Any) -> QuerySet[Entry]:
    """Entries the user may open: own, managed or reviewed (unit scope), or judged."""
    uid = _uid(user)
    if uid is None:
        return Entry.objects.none()
    return Entry.objects.filter(
        Q(author_id=uid)
        | access.scope_q(user, "call__unit_path")
        | access.scope_q(user, "unit_path")
        | Q(call__judges__user_id=uid)
    ).distinct()


def can_vote(user: Any, entry: Entry) -> bool:
    return _uid(user) is not None


def can_object(user: Any, entry: Entry) -> bool:
    return _uid(user) is not None and entry.status == "publicity"


def can_assign_judges(user: Any, call: Call) -> bool:
    return can_manage_call(user, call)


def can_discount_votes(user: Any, call: Call) -> bool:
    return can_manage_call(user, call)


def can_nominate(user: Any, call: Call) -> bool:
    return _uid(user) is not None and call.is_nomination


def nomination_units(call: Call) -> QuerySet:
    """Stations (and points) under the organiser a nomination may name as the nominee's community."""
    from civicloop.network.models import Unit

    return Unit.objects.filter(
        path__startswith=call.unit_path,
        is_active=True,
        kind=Unit.Kind.PRACTICE,
        level__in=[Unit.Level.STATION, Unit.Level.POINT],
    ).order_by("path")


def can_manage_call_entry(user: Any, entry: Entry) -> bool:
    return can_manage_call(user, entry.call)


def visible_mail(user: Any) -> QuerySet:
    """Queued e-mails: those of calls the user manages; the office also sees the ones no call recognised."""
    from civicloop.contests.models import MailItem

    q = access.scope_q(user, "call__unit_path")
    if access.is_office(user):
        q |= Q(call__isnull=True)
    return MailItem.objects.filter(q)


def can_handle_mail(user: Any, item: Any) -> bool:
    if item.call_id is None:
        return access.is_office(user)
    return can_manage_call(user, item.call)
