"""What other apps do when a team stops serving (suspended or dissolved).

People sits below orders (orders imports people), so people cannot call the order services itself: the orders app
registers its release function here when it starts, and the team workflow calls every registered function inside
the step's transaction. Each returns how many orders it handed back.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

TeamStopped = Callable[..., int]  # fn(*, team, actor, reason) -> orders released

TEAM_STOPPED: list[TeamStopped] = []


def on_team_stopped(fn: TeamStopped) -> TeamStopped:
    if fn not in TEAM_STOPPED:
        TEAM_STOPPED.append(fn)
    return fn


def team_stopped(*, team: Any, actor: Any, reason: str) -> int:
    return sum(fn(team=team, actor=actor, reason=reason) for fn in TEAM_STOPPED)
