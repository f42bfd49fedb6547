"""What make-up hours need to know about activities.

Activities sits above records (closing an activity credits hours through records.services), so records cannot
import activities. The activities app registers these lookups when it starts; without it no activity can be
chosen and no one may decide a claim.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ActivityLookups:
    approved_for: Callable[[Any], Any]  # volunteer -> QuerySet of activities their sign-up was approved for
    attended: Callable[..., Any]  # (volunteer, *, ended_since) -> those that took place since then
    can_manage: Callable[[Any, Any], bool]  # (user, activity) -> may run it (and so decide its make-up claims)


_LOOKUPS: list[ActivityLookups] = []


def register_activity_lookups(lookups: ActivityLookups) -> None:
    _LOOKUPS[:] = [lookups]


def approved_activity(volunteer: Any, pk: int | None) -> Any:
    """One activity the volunteer was approved for, or None."""
    if not _LOOKUPS or not pk:
        return None
    return _LOOKUPS[0].approved_for(volunteer).filter(pk=pk).first()


def attended_activities(volunteer: Any, *, ended_since: dt.datetime) -> list[Any]:
    return list(_LOOKUPS[0].attended(volunteer, ended_since=ended_since)[:50]) if _LOOKUPS else []


def can_manage_activity(user: Any, activity: Any) -> bool:
    return bool(_LOOKUPS) and _LOOKUPS[0].can_manage(user, activity)
