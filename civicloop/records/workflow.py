"""Make-up hours and points redemptions, declared once.

A make-up declaration waits for a leader or staff to approve (its hours become a ledger row in the same
transaction) or reject it; a redemption waits until staff hand the goods out. Each decision is a conditional
update on (status, version) with one event row and the audit row `<workflow>.<step>`.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from civicloop.core.workflow import OPEN, TERMINAL, State, Step, Workflow
from civicloop.records.models import MakeupClaim, MakeupClaimEvent, Redemption, RedemptionEvent
from civicloop.records.policies import can_decide_makeup, can_hand_out

M = MakeupClaim.Status
R = Redemption.Status


def _decided(ctx: object) -> dict[str, object]:
    actor = getattr(ctx, "actor", None)
    return {"decided_by": actor if getattr(actor, "pk", None) else None, "decided_at": getattr(ctx, "now", None)}


MAKEUP = Workflow(
    name="records.makeup",
    model=MakeupClaim,
    event_model=MakeupClaimEvent,
    unit=lambda claim: claim.activity.unit,
    url=lambda claim: f"/records/makeup/{claim.pk}/",
    label=_("make-up hours"),
    taken_message=_("This declaration has already been decided."),
    states=[
        State(M.PENDING, M.PENDING.label, badge="gold", kind=OPEN),
        State(M.APPROVED, M.APPROVED.label, badge="green", kind=TERMINAL),
        State(M.REJECTED, M.REJECTED.label, badge="red", kind=TERMINAL),
    ],
    steps=[
        Step("approve", pgettext_lazy("make-up hours", "Approve"), sources={M.PENDING}, target=M.APPROVED,
             allowed=can_decide_makeup, changes=_decided),  # type: ignore[arg-type]
        Step("reject", pgettext_lazy("make-up hours", "Reject"), sources={M.PENDING}, target=M.REJECTED,
             allowed=can_decide_makeup, changes=_decided, style="danger"),  # type: ignore[arg-type]
    ],
)

REDEMPTION = Workflow(
    name="records.redemption",
    model=Redemption,
    event_model=RedemptionEvent,
    unit=lambda redemption: redemption.item.unit,
    url=lambda redemption: f"/records/shop/redemptions/{redemption.pk}/",
    label=_("redemption"),
    taken_message=_("This redemption has already been handed out."),
    states=[
        State(R.PENDING, R.PENDING.label, badge="gold", kind=OPEN),
        State(R.HANDED_OUT, R.HANDED_OUT.label, badge="green", kind=TERMINAL),
    ],
    steps=[
        Step("hand_out", _("Hand out"), sources={R.PENDING}, target=R.HANDED_OUT, allowed=can_hand_out,
             changes=lambda ctx: {"handed_out_by": ctx.actor if getattr(ctx.actor, "pk", None) else None,
                                  "handed_out_at": ctx.now}),
    ],
)
