"""A practice activity's workflow, declared once: draft → published → finished, or cancelled.

Sign-ups keep their own small state (pending/approved/...) written by conditional updates in the services; the
activity itself moves only through `ACTIVITY` (conditional update on status and version, one `ActivityEvent`,
the audit row `activities.<step>` and the activity counters).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from civicloop.activities.models import Activity, ActivityEvent
from civicloop.activities.policies import can_manage_activity
from civicloop.core.workflow import HELD, OPEN, TERMINAL, State, Step, Workflow

S = Activity.Status

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
