"""Who may see and act on needs rounds, needs, questionnaires and the needs analysis."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from civicloop import access

if TYPE_CHECKING:
    from civicloop.needs.models import Need, NeedsRound, Survey
    from civicloop.network.models import Unit
    from civicloop.people.models import Resident, User


def visible_rounds(user: User) -> QuerySet[NeedsRound]:
    from civicloop.needs.models import NeedsRound

    return NeedsRound.objects.filter(access.scope_q(user))


def visible_surveys(user: User) -> QuerySet[Survey]:
    from civicloop.needs.models import Survey

    return Survey.objects.filter(access.scope_q(user))


def can_open_round(user: User, unit: Unit | None) -> bool:
    return access.in_scope(user, unit)


def can_manage_round(user: User, rnd: NeedsRound) -> bool:
    """Staff of the round's unit or above may record needs, edit them and close the round."""
    return access.path_in_scope(user, rnd.unit_path)


def can_edit_need(user: User, need: Need) -> bool:
    return access.path_in_scope(user, need.unit_path)


def visit_residents(user: User, rnd: NeedsRound) -> QuerySet[Resident]:
    """Residents a staff member may pick for a home visit: in their scope and inside the round's area."""
    return access.visible_residents(user).filter(unit_path__startswith=rnd.unit_path)


def can_manage_survey(user: User, survey: Survey) -> bool:
    return access.path_in_scope(user, survey.unit_path)


def can_answer_anonymously(survey: Survey) -> bool:
    """The poster's link without an account: only where the owner allows it (the default for questionnaires)."""
    return bool(survey.allow_anonymous)


def can_answer_survey(user: User, survey: Survey) -> bool:
    """Residents and volunteers of the questionnaire's area (the link and poster are for them), and its staff."""
    if not getattr(user, "is_authenticated", False):
        return False
    resident = access.resident_of(user)
    if resident is not None and resident.unit_path.startswith(survey.unit_path):
        return True
    volunteer = access.volunteer_of(user)
    if volunteer is not None and volunteer.unit_path.startswith(survey.unit_path):
        return True
    return access.path_in_scope(user, survey.unit_path)


def can_analyse(user: User, unit: Unit | None) -> bool:
    return access.in_scope(user, unit)


def analysis_units(user: User) -> QuerySet[Unit]:
    """Practice units a staff member may analyse (their subtree), for the unit picker."""
    from civicloop.network.models import Unit

    return access.visible_units(user).filter(kind=Unit.Kind.PRACTICE, is_active=True).order_by("path")
