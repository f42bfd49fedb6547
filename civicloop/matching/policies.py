"""Access policies for recommendations: who may see which teams fit an order, and a team's fit in the hall."""

from __future__ import annotations

from typing import TYPE_CHECKING

from civicloop.access import path_in_scope

if TYPE_CHECKING:
    from civicloop.orders.models import Order
    from civicloop.people.models import User

DISPATCHABLE = ("submitted", "open")


def can_view_recommendations(user: User, order: Order) -> bool:
    """Only staff who may dispatch this order now (the owning unit or above) see the ranked teams."""
    if not getattr(user, "is_authenticated", False):
        return False
    try:
        from civicloop.orders.policies import allowed_actions
    except ImportError:  # the orders policy is not there: the DESIGN rule, failing closed
        return order.status in DISPATCHABLE and path_in_scope(user, order.unit_path)
    return "dispatch" in allowed_actions(user, order)
