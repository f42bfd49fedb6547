"""Needs rounds and questionnaires, declared once.

A round is collecting until staff close it (closing drafts the next round: `round_close` runs the step and then
writes the next round in the same transaction). A questionnaire is a draft, then open for answers, then closed.
Each step is a conditional update on (status, version) with one event row and the audit row `<workflow>.<step>`.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from civicloop.core.workflow import OPEN, TERMINAL, State, Step, Workflow
from civicloop.needs.models import NeedsRound, NeedsRoundEvent, Survey, SurveyEvent
from civicloop.needs.policies import can_manage_round, can_manage_survey

R = NeedsRound.Status
Q = Survey.Status

ROUND = Workflow(
    name="needs.round",
    model=NeedsRound,
    event_model=NeedsRoundEvent,
    unit=lambda rnd: rnd.unit,
    url=lambda rnd: f"/needs/rounds/{rnd.pk}/",
    label=_("needs round"),
    states=[
        State(R.OPEN, R.OPEN.label, badge="green", kind=OPEN),
        State(R.CLOSED, R.CLOSED.label, badge="grey", kind=TERMINAL),
    ],
    steps=[
        Step("close", pgettext_lazy("needs round", "Close and draft the next round"), sources={R.OPEN},
             target=R.CLOSED, allowed=can_manage_round,
             changes=lambda ctx: {"closed_at": ctx.now, "closed_by": ctx.actor if getattr(ctx.actor, "pk", None) else None},
             taken_message=_("This needs round has already been closed.")),
    ],
)

SURVEY = Workflow(
    name="needs.survey",
    model=Survey,
    event_model=SurveyEvent,
    unit=lambda survey: survey.unit,
    url=lambda survey: f"/needs/surveys/{survey.pk}/",
    label=_("questionnaire"),
    states=[
        State(Q.DRAFT, Q.DRAFT.label, badge="blue", kind=OPEN),
        State(Q.OPEN, Q.OPEN.label, badge="green", kind=OPEN),
        State(Q.CLOSED, Q.CLOSED.label, badge="grey", kind=TERMINAL),
    ],
    steps=[
        Step("open", _("Open for answers"), sources={Q.DRAFT}, target=Q.OPEN, allowed=can_manage_survey,
             taken_message=_("Only a draft questionnaire can be opened.")),
        Step("close", pgettext_lazy("questionnaire", "Close"), sources={Q.OPEN}, target=Q.CLOSED,
             allowed=can_manage_survey, taken_message=_("This questionnaire is not open.")),
    ],
)
