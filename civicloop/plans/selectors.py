"""Reads for the committee's year: platform figures for projects, the completion report, the 述职 tracker."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from civicloop.plans.models import Committee, FollowUp, Member, Project, YearReport


def project_figure(project: Project) -> int | None:
    """The platform figure a project's target is measured by, for its year, from the dashboard's counters
    (civicloop.stats.selectors.figures) under the project's unit; None when the unit reports its own figure."""
    if not project.metric:
        return None
    from civicloop.stats import selectors as stats

    unit = project.metric_unit or project.committee.unit
    start, end = dt.date(project.year, 1, 1), dt.date(project.year, 12, 31)
    figures = stats.figures(unit, start, end)
    value = getattr(figures, project.metric)
    return int(value)


def progress(project: Project) -> int:
    """The figure reached: the platform's when the target is a platform figure, else the latest report's."""
    figure = project_figure(project)
    return project.achieved if figure is None else figure


# --- completion (通报完成情况) -----------------------------------------------------------------------------

ON_TIME, LATE, OVERDUE, OPEN_, DROPPED = "on_time", "late", "overdue", "open", "dropped"


def timeliness(project: Project, today: dt.date) -> str:
    """Done by its due date (on time), done after it (late), not done and past it (overdue), still open, dropped."""
    if project.status == "dropped":
        return DROPPED
    if project.status == "done" and project.done_on is not None:
        return ON_TIME if project.done_on <= project.due_on else LATE
    return OVERDUE if today > project.due_on else OPEN_


@dataclass
class UnitCompletion:
    member: Member
    projects: list[tuple[Project, str]] = field(default_factory=list)

    def count(self, kind: str) -> int:
        return sum(1 for _p, k in self.projects if k == kind)

    @property
    def on_time(self) -> int:
        return self.count(ON_TIME)

    @property
    def late(self) -> int:
        return self.count(LATE) + self.count(OVERDUE)

    @property
    def open(self) -> int:
        return self.count(OPEN_)

    @property
    def dropped(self) -> int:
        return self.count(DROPPED)

    @property
    def total(self) -> int:
        return len(self.projects)


@dataclass
class Completion:
    committee: Committee
    year: int
    today: dt.date
    units: list[UnitCompletion]

    def sum(self, attr: str) -> int:
        return sum(getattr(u, attr) for u in self.units)

    @property
    def totals(self) -> dict[str, int]:
        return {k: self.sum(k) for k in ("total", "on_time", "late", "open", "dropped")}


def completion(committee: Committee, year: int, members: QuerySet[Member], today: dt.date | None = None) -> Completion:
    """The year-end completion report per member unit (bounded: a committee has tens of members and projects)."""
    today = today or timezone.localdate()
    rows = {m.pk: UnitCompletion(member=m) for m in members.select_related("unit").order_by("unit__path")}
    projects = (
        Project.objects.filter(committee=committee, year=year, member_id__in=list(rows))
        .select_related("member__unit")
        .order_by("unit_path", "due_on", "id")
    )
    for p in projects:
        rows[p.member_id].projects.append((p, timeliness(p, today)))
    return Completion(committee=committee, year=year, today=today, units=[r for r in rows.values() if r.projects])


# --- 述职 tracker and members' pages -----------------------------------------------------------------------


def report_tracker(committee: Committee, year: int) -> list[tuple[Member, YearReport | None]]:
    """Every member unit with its year report for the year (None: not written yet)."""
    reports = {r.member_id: r for r in YearReport.objects.filter(committee=committee, year=year)}
    members = committee.members.select_related("unit").order_by("role", "unit__path")
    return [(m, reports.get(m.pk)) for m in members]


def open_followups(members: QuerySet[Member]) -> QuerySet[FollowUp]:
    return (
        FollowUp.objects.filter(owner__in=members, status="open")
        .select_related("meeting", "owner__unit")
        .order_by("due_on", "id")
    )


def figures(committee: Committee, year: int) -> dict[str, int]:
    """Headline figures the dashboard may show later: projects of the year by state."""
    qs = Project.objects.filter(committee=committee, year=year)
    result: dict[str, Any] = {s: 0 for s in ("planned", "on_track", "late", "done", "dropped")}
    for status in qs.values_list("status", flat=True):
        result[status] = result.get(status, 0) + 1
    result["total"] = sum(result.values())
    return result
