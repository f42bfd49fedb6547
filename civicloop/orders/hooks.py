"""How the order hall ranks a page of orders for a team.

Matching reads the orders (it sits above them: auto-dispatch runs the order services), so orders cannot import
matching to show each order's fit. The matching app registers its ranking here when it starts; without it (an
install without matching) the hall keeps its own order and shows no fit.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

HallRanker = Callable[[Any, Sequence[Any]], list[tuple[Any, Any]]]  # fn(team, orders) -> [(order, fit)], best first

HALL_RANKERS: list[HallRanker] = []


def rank_hall_with(fn: HallRanker) -> HallRanker:
    HALL_RANKERS[:] = [fn]  # one ranking: the last app to register it wins
    return fn


def rank_hall(team: Any, orders: Sequence[Any]) -> list[tuple[Any, Any]]:
    if not HALL_RANKERS:
        return [(order, None) for order in orders]
    return HALL_RANKERS[0](team, orders)
