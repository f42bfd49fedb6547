"""Access policies for recommendations: who may see which teams fit an order, and a team's fit in the hall."""

from __future__ import annotations

from typing import TYPE_CHECKING

from civicloop.access import led_teams, path_in_scope

if TYPE_CHECKING:
    from civicloop.orders.models import Order
    from civicloop.people.models import Team, User

DISPATCHABLE = ("submitted", "open")


def can_view_recommendations(user: User, order: Order) -> bool:
    """Only staff who may dispatch this order now (the owning unit or above) see the ranked teams."""
    if not getattr(user, "is_authenticated", False):
        return False
    try:
        from civicloop.access.orders import allowed_actions
    except ImportError:  # the orders policy is not there: the DESIGN rule, failing closed
        return order.status in DISPATCHABLE and path_in_scope(user, order.unit_path)
    return "dispatch" in allowed_actions(user, order)


def can_view_team_fit(user: User, team: Team) -> bool:
    """A leader sees the hall sorted by fit for a team they lead."""
    return led_teams(user).filter(pk=team.pk).exists()
