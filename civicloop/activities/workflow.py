"""A practice activity's workflow, declared once: draft → published → finished, or cancelled; and its sign-ups'.

The activity moves only through `ACTIVITY` (conditional update on status and version, one `ActivityEvent`, the
audit row `activities.<step>` and the activity counters). A sign-up (`SIGNUP`) waits for approval or is approved
at once; it is withdrawn or rejected only while nobody has signed it in (sign-in does not bump the version, so
the step's `where` adds that to the conditional update), and then its place in the role is given back.
"""

from __future__ import annotations

from typing import Any

from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from civicloop.activities.models import Activity, ActivityEvent, ActivityRole, Signup, SignupEvent
from civicloop.activities.policies import can_decide_signup, can_manage_activity, can_withdraw_signup
from civicloop.core.workflow import HELD, OPEN, TERMINAL, Ctx, State, Step, Workflow

S = Activity.Status
U = Signup.Status

ACTIVITY = Workflow(
    name="activities",
    model=Activity,
    event_model=ActivityEvent,
    counter_source="activity",
    unit=lambda activity: activity.unit,
    url=lambda activity: f"/activities/{activity.pk}/",
    label=_("activity"),
    taken_message=_("This activity is no longer in a state that allows this."),
    states=[
        State(S.DRAFT, S.DRAFT.label, badge="blue", kind=OPEN),
        State(S.PUBLISHED, S.PUBLISHED.label, badge="gold", kind=HELD),
        State(S.CLOSED, S.CLOSED.label, badge="green", kind=TERMINAL),
        State(S.CANCELLED, S.CANCELLED.label, badge="grey", kind=TERMINAL),
    ],
    steps=[
        Step("publish", _("Publish"), sources={S.DRAFT}, target=S.PUBLISHED, allowed=can_manage_activity,
             changes=lambda ctx: {"published_at": ctx.now}),
        Step("cancel", _("Cancel the activity"), sources={S.DRAFT, S.PUBLISHED}, target=S.CANCELLED,
             allowed=can_manage_activity, note="required", style="danger"),
        # closing takes the summary, people served and photos, and credits hours: activity_close runs it
        Step("close", _("Close and credit hours"), sources={S.PUBLISHED}, target=S.CLOSED,
             allowed=can_manage_activity, changes=lambda ctx: {"closed_at": ctx.now}),
    ],
)


def _decided(ctx: Ctx) -> dict[str, Any]:
    return {"decided_at": ctx.now}


def _give_back_the_place(ctx: Ctx, event: Any) -> None:
    ActivityRole.objects.filter(pk=ctx.obj.role_id, filled__gt=0).update(filled=F("filled") - 1)


NOT_SIGNED_IN = Q(signed_in_at__isnull=True)
CHANGED = _("This sign-up can no longer be changed.")

SIGNUP = Workflow(
    name="activities.signup",
    model=Signup,
    event_model=SignupEvent,
    unit=lambda signup: signup.activity.unit,
    url=lambda signup: f"/activities/{signup.activity_id}/",
    label=_("sign-up"),
    states=[
        State(U.PENDING, U.PENDING.label, badge="gold", kind=OPEN),
        State(U.APPROVED, U.APPROVED.label, badge="green", kind=HELD),
        State(U.REJECTED, U.REJECTED.label, badge="red", kind=TERMINAL),
        State(U.WITHDRAWN, U.WITHDRAWN.label, badge="grey", kind=TERMINAL),
    ],
    steps=[
        Step("approve", pgettext_lazy("sign-up", "Approve"), sources={U.PENDING}, target=U.APPROVED,
             allowed=can_decide_signup, changes=_decided, taken_message=_("This sign-up has already been decided.")),
        Step("reject", pgettext_lazy("sign-up", "Reject"), sources={U.PENDING}, target=U.REJECTED,
             allowed=can_decide_signup, changes=_decided, where=NOT_SIGNED_IN, after=_give_back_the_place,
             style="danger", taken_message=CHANGED),
        Step("withdraw", _("Withdraw"), sources={U.PENDING, U.APPROVED}, target=U.WITHDRAWN,
             allowed=can_withdraw_signup, changes=_decided, where=NOT_SIGNED_IN, after=_give_back_the_place,
             style="danger", taken_message=CHANGED),
    ],
)
