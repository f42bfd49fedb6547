"""Needs rounds, their needs and questionnaires, declared once.

A round is collecting until staff close it (closing drafts the next round: `round_close` runs the step and then
writes the next round in the same transaction). A questionnaire is a draft, then open for answers, then closed.
A need is not yet handled until staff record how it ended — met (with the order or activity), planned, or unmet
(with the reason) — on the need's edit form; `need_update` turns a changed status into the step that leads there
(`need_step_between`). Each step is a conditional update on (status, version) with one event row and the audit
row `<workflow>.<step>`.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from civicloop.core.workflow import HELD, OPEN, TERMINAL, State, Step, Workflow
from civicloop.needs.models import Need, NeedEvent, NeedsRound, NeedsRoundEvent, Survey, SurveyEvent
from civicloop.needs.policies import can_edit_need, can_manage_round, can_manage_survey

R = NeedsRound.Status
Q = Survey.Status
N = Need.Status

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

NEED = Workflow(
    name="needs.need",
    model=Need,
    event_model=NeedEvent,
    counter_source="need",
    unit=lambda need: need.unit,
    url=lambda need: f"/needs/needs/{need.pk}/edit/",
    label=_("need"),
    states=[
        State(N.OPEN, N.OPEN.label, badge="blue", kind=OPEN),
        State(N.PLANNED, N.PLANNED.label, badge="gold", kind=HELD),
        State(N.MET, N.MET.label, badge="green", kind=TERMINAL),
        State(N.UNMET, N.UNMET.label, badge="red", kind=TERMINAL),
    ],
    # the edit form may set any status: each state is reached from every other one
    steps=[
        Step("meet", _("Mark as met"), sources={N.OPEN, N.PLANNED, N.UNMET}, target=N.MET, allowed=can_edit_need),
        Step("plan", _("Mark as planned"), sources={N.OPEN, N.MET, N.UNMET}, target=N.PLANNED,
             allowed=can_edit_need),
        Step("leave_unmet", _("Mark as unmet"), sources={N.OPEN, N.MET, N.PLANNED}, target=N.UNMET,
             allowed=can_edit_need, note="required"),
        Step("reopen", _("Mark as not yet handled"), sources={N.MET, N.PLANNED, N.UNMET}, target=N.OPEN,
             allowed=can_edit_need),
    ],
)


def need_step_between(current: str, wanted: str) -> str | None:
    """The declared step from `current` to `wanted` (None when they are the same)."""
    if current == wanted:
        return None
    for step in NEED.steps.values():
        if current in step.sources and step.target == wanted:
            return step.name
    raise ValueError(f"no step {current}→{wanted}")
