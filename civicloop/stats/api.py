"""Figures through the API: the same selectors, scope and period rules as the dashboard pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema

from civicloop import access
from civicloop.audit.services import audit_record
from civicloop.core.schemas import MAX_ID, ErrorOut
from civicloop.network.models import Unit
from civicloop.stats import policies as policy
from civicloop.stats import selectors
from civicloop.stats.forms import PeriodForm
from civicloop.stats.summary import summary_sentence

router = Router(tags=["stats"])

ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut}
METRICS = ("activities", "served", "hours", "orders", "orders_closed")
DIMENSIONS = {"platform": "orders", "state": "orders_state", "focus_group": "orders_fg"}


class PeriodIn(Schema):
    unit: int | None = None
    year: int | None = None
    start: dt.date | None = None
    end: dt.date | None = None


class StatsFiguresOut(Schema):
    unit: int
    unit_name: str
    start: dt.date
    end: dt.date
    activities: int
    served: int
    hours: float
    orders: int
    orders_closed: int
    orders_open: int
    completion_rate: float | None
    satisfaction: float | None
    surveys_distributed: int
    surveys_collected: int
    needs_met: int
    needs_unmet: int
    volunteers: int
    volunteers_active: int
    teams: int
    brand_projects: int
    median_claim_minutes: int | None
    median_complete_minutes: int | None
    summary: str


class ChildOut(Schema):
    unit: int
    unit_name: str
    activities: int
    served: int
    hours: float
    orders: int
    orders_closed: int


class FiguresMonthOut(Schema):
    month: dt.date
    value: float


class CountOut(Schema):
    code: str
    count: int


def _scope(request: HttpRequest, q: PeriodIn) -> tuple[Unit, dt.date, dt.date]:
    """The unit and period the caller asked for; 403 outside their scope, 400 for a bad period."""
    if q.unit is not None:
        if not 1 <= q.unit <= MAX_ID:
            raise Http404
        unit = Unit.objects.filter(pk=q.unit).first()
        if unit is None:
            raise Http404
    else:
        unit = policy.stats_home_unit(request.user)
        if unit is None:
            raise access.deny(request, action="stats_view")
    access.require(request, policy.can_view_stats(request.user, unit), action="stats_view", obj=unit)
    data = {k: v for k, v in (("year", q.year), ("start", q.start), ("end", q.end)) if v is not None}
    form = PeriodForm(data)
    if data and not form.is_valid():
        raise ValidationError([m for errs in form.errors.values() for m in errs])
    start, end = form.period()
    return unit, start, end


def _figures(unit: Unit, start: dt.date, end: dt.date) -> dict[str, Any]:
    f = selectors.figures(unit, start, end)
    return {
        "unit": unit.pk,
        "unit_name": unit.name,
        "start": start,
        "end": end,
        "activities": f.activities,
        "served": f.served,
        "hours": float(f.hours),
        "orders": f.orders,
        "orders_closed": f.orders_closed,
        "orders_open": f.orders_open,
        "completion_rate": f.completion_rate,
        "satisfaction": f.satisfaction,
        "surveys_distributed": f.surveys_distributed,
        "surveys_collected": f.surveys_collected,
        "needs_met": f.needs_met,
        "needs_unmet": f.needs_unmet,
        "volunteers": f.volunteers,
        "volunteers_active": f.volunteers_active,
        "teams": f.teams,
        "brand_projects": f.brand_projects,
        "median_claim_minutes": f.median_minutes("claim_minutes"),
        "median_complete_minutes": f.median_minutes("complete_minutes"),
        "summary": summary_sentence(f),
    }


@router.get(
    "/figures",
    response={200: StatsFiguresOut, **ERRORS},
    summary="单位数据总览 · Figures of a unit's subtree for a period",
)
def figures(request: HttpRequest, q: Query[PeriodIn]) -> dict[str, Any]:
    """The dashboard's figures and the seed-style summary sentence; default unit: the caller's highest unit,
    default period: this year."""
    return _figures(*_scope(request, q))


@router.get(
    "/children",
    response={200: list[ChildOut], **ERRORS},
    summary="下级单位 · Figures by child unit",
)
def children(request: HttpRequest, q: Query[PeriodIn]) -> list[dict[str, Any]]:
    unit, start, end = _scope(request, q)
    rows = selectors.by_child(unit, start, end, METRICS)
    return [
        {
            "unit": r["unit"].pk,
            "unit_name": r["unit"].name,
            **{m: r[m] for m in METRICS if m != "hours"},
            "hours": r["hours"] / 100,
        }
        for r in rows
    ]


@router.get(
    "/months/{metric}",
    response={200: list[FiguresMonthOut], **ERRORS},
    summary="按月 · One figure by month",
)
def by_month(request: HttpRequest, metric: str, q: Query[PeriodIn]) -> list[dict[str, Any]]:
    if metric not in METRICS:
        raise ValidationError(_("Unknown figure: choose one of %(list)s.") % {"list": ", ".join(METRICS)})
    unit, start, end = _scope(request, q)
    data = selectors.by_month(unit, start, end, (metric,))[metric]
    scale = 100 if metric == "hours" else 1
    return [{"month": m, "value": data.get(m, 0) / scale} for m in selectors.months(start, end)]


@router.get(
    "/breakdown/{dimension}",
    response={200: list[CountOut], **ERRORS},
    summary="分类统计 · Orders by platform, state or focus group",
)
def breakdown(request: HttpRequest, dimension: str, q: Query[PeriodIn]) -> list[dict[str, Any]]:
    if dimension not in DIMENSIONS:
        raise ValidationError(_("Unknown breakdown: choose one of %(list)s.") % {"list": ", ".join(DIMENSIONS)})
    unit, start, end = _scope(request, q)
    counts = selectors.by_dim(unit, start, end, DIMENSIONS[dimension])
    return [{"code": code, "count": n} for code, n in sorted(counts.items()) if n]


@router.get(
    "/report.xlsx",
    response={200: None, **ERRORS},
    summary="Excel 报表 · The Excel report as a download",
)
def report_xlsx(request: HttpRequest, q: Query[PeriodIn]) -> HttpResponse:
    from civicloop.stats import report  # openpyxl: loaded by the first Excel report only

    unit, start, end = _scope(request, q)
    content = report.workbook(unit, start, end)
    audit_record(action="export", request=request, unit=unit, obj=unit, detail=f"stats {start}..{end}")
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="civicloop-{unit.pk}-{start:%Y%m%d}-{end:%Y%m%d}.xlsx"'
    return response


@router.get(
    "/public",
    auth=None,
    response={200: StatsFiguresOut, 404: ErrorOut},
    summary="公开数据 · This year's public figures of a practice unit (no sign-in)",
)
def public(request: HttpRequest, unit: int | None = None) -> dict[str, Any]:
    """Counts only, as on the public page: the district by default, or any active practice unit."""
    qs = Unit.objects.filter(is_active=True)
    if unit is None:
        target = qs.filter(depth=1).order_by("path").first()
    else:
        target = qs.filter(pk=unit, kind=Unit.Kind.PRACTICE).first() if 1 <= unit <= MAX_ID else None
    if target is None:
        raise Http404
    today = timezone.localdate()
    return _figures(target, dt.date(today.year, 1, 1), today)
