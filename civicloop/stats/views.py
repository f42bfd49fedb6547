"""Dashboard, big screen, Excel report and the public page. Figures come from stats.selectors."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _

from civicloop import access
from civicloop.activities.selectors import newest_activities
from civicloop.audit.services import audit_record
from civicloop.core.choices import FocusGroup
from civicloop.core.figures import panels
from civicloop.core.forms import parse_id
from civicloop.core.hot import hot_cached
from civicloop.network.models import Unit
from civicloop.orders.selectors import newest_orders
from civicloop.stats import charts, selectors
from civicloop.stats import policies as policy
from civicloop.stats.forms import PeriodForm
from civicloop.stats.summary import month_label, summary_sentence

CHILD_METRICS = ("activities", "served", "hours", "orders", "orders_closed")


def cached_figures(unit: Unit, start: dt.date, end: dt.date) -> selectors.Figures:
    """The headline figures, from Redis until the unit's counters change (civicloop.core.hot)."""
    return hot_cached(unit.path, ("figures", start, end), lambda: selectors.figures(unit, start, end))


def cached_by_child(unit: Unit, start: dt.date, end: dt.date, metrics: tuple[str, ...]) -> list[dict]:
    return hot_cached(
        unit.path, ("by_child", start, end, *metrics), lambda: selectors.by_child(unit, start, end, metrics)
    )


def _labelled(counts: dict, choices: list, none_label: str | None = None) -> list[tuple[str, int]]:
    """Counter codes as (label, count) in the choices' order, so pages never show raw codes."""
    rows = [(label, counts[code]) for code, label in choices if counts.get(code)]
    known = {code for code, _label in choices}
    for code, n in counts.items():
        if code not in known and n:
            rows.append((none_label if code == "-" and none_label else code, n))
    return rows


def _unit_for(request: HttpRequest) -> Unit:
    raw = request.GET.get("unit")
    if raw:
        if parse_id(raw) is None:
            raise Http404
        unit = get_object_or_404(Unit, pk=parse_id(raw))
    else:
        unit = policy.stats_home_unit(request.user)
        if unit is None:
            raise access.deny(request, action="stats_view")
    access.require(request, policy.can_view_stats(request.user, unit), action="stats_view", obj=unit)
    return unit


def _month_chart(unit: Unit, start: dt.date, end: dt.date, metric: str, title: str, color: str) -> str:
    data = selectors.by_month(unit, start, end, (metric,))[metric]
    months = selectors.months(start, end)
    scale = 100 if metric == "hours" else 1
    return charts.bar_chart(
        [month_label(m) for m in months],
        [data.get(m, 0) / scale if scale > 1 else data.get(m, 0) for m in months],
        title=title,
        color=color,
    )


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    unit = _unit_for(request)
    form = PeriodForm(request.GET or None)
    start, end = form.period()
    figures = cached_figures(unit, start, end)
    labels = selectors.category_labels()
    by_category = selectors.by_dim(unit, start, end, "orders")
    children = cached_by_child(unit, start, end, CHILD_METRICS)
    for row in children:
        row["hours"] = row["hours"] / 100
    context = {
        "unit": unit,
        "ancestors": [
            u
            for u in Unit.objects.filter(
                path__in=unit.ancestor_paths(include_self=False)
            )
            if policy.can_view_stats(request.user, u)
        ],
        "form": form,
        "start": start,
        "end": end,
        "f": figures,
        "summary": summary_sentence(figures),
        "children": children,
        "orders_chart": _month_chart(unit, start, end, "orders", _("Orders by month"), "#c8102e"),
        "activities_chart": _month_chart(unit, start, end, "activities", _("Activities by month"), "#d4a017"),
        "hours_chart": _month_chart(unit, start, end, "hours", _("Volunteer hours by month"), "#1a7f37"),
        "category_chart": charts.bar_chart(
            [labels.get(code, code)[:1] for code in labels],
            [by_category.get(code, 0) for code in labels],
            title=_("Orders by platform"),
            color="#0b4a8b",
        ),
        "panels": panels(unit, start, end),  # other apps' figures, through their registered providers
        "median_claim": figures.median_minutes("claim_minutes"),
        "median_complete": figures.median_minutes("complete_minutes"),
        "states": _labelled(
            selectors.by_dim(unit, start, end, "orders_state"), selectors.order_state_labels()
        ),
        "focus": _labelled(
            selectors.by_dim(unit, start, end, "orders_fg"),
            FocusGroup.choices,
            none_label=_("No focus group"),
        ),
    }
    return render(request, "stats/dashboard.html", context)


@login_required
def report_xlsx(request: HttpRequest) -> HttpResponse:
    unit = _unit_for(request)
    form = PeriodForm(request.GET or None)
    if form.is_bound and not form.is_valid():  # a file cannot show form errors: say what is wrong instead
        message = "; ".join(str(m) for errors in form.errors.values() for m in errors)
        return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
    start, end = form.period()
    from civicloop.stats import report  # openpyxl: loaded by the first Excel report only

    content = report.workbook(unit, start, end)
    audit_record(action="export", request=request, unit=unit, obj=unit, detail=f"stats {start}..{end}")
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="civicloop-{unit.pk}-{start:%Y%m%d}-{end:%Y%m%d}.xlsx"'
    )
    return response


def _screen_context(unit: Unit) -> dict:
    today = timezone.localdate()
    start = dt.date(today.year, 1, 1)
    figures = cached_figures(unit, start, today)
    # The practice network two levels down (institutes and their stations), not departments or organisations.
    network = list(
        Unit.objects.filter(
            path__startswith=unit.path,
            depth__in=(unit.depth + 1, unit.depth + 2),
            kind=Unit.Kind.PRACTICE,
            is_active=True,
        ).order_by("path")[:40]
    )
    children = selectors.for_units(network, start, today, CHILD_METRICS)
    for row in children:
        row["hours"] = row["hours"] / 100
        row["nested"] = row["unit"].depth > unit.depth + 1
    leaves = [r for r in children if r["nested"]] or children
    ranking = sorted(leaves, key=lambda r: r["hours"], reverse=True)[:8]
    return {
        "unit": unit,
        "f": figures,
        "children": children,
        "ranking": ranking,
        "now": timezone.localtime(),
        "newest_orders": newest_orders(unit.path),
        "newest_activities": newest_activities(unit.path),
        "peak_orders": max([r["orders"] for r in children] + [1]),
    }


@login_required
def screen(request: HttpRequest) -> HttpResponse:
    unit = _unit_for(request)
    template = "stats/_screen_body.html" if request.headers.get("HX-Request") else "stats/screen.html"
    return render(request, template, _screen_context(unit))


def public(request: HttpRequest) -> HttpResponse:
    """What a station and the district did this year — counts only, no personal data, no sign-in needed."""
    root = Unit.objects.filter(depth=1, is_active=True).order_by("path").first()
    if root is None:
        raise Http404
    raw = request.GET.get("unit", "")
    unit = root
    if raw:
        unit = get_object_or_404(Unit, pk=parse_id(raw), is_active=True, kind=Unit.Kind.PRACTICE)
    today = timezone.localdate()
    start = dt.date(today.year, 1, 1)
    stations = Unit.objects.filter(kind=Unit.Kind.PRACTICE, is_active=True, depth__lte=3).order_by("path")[
        :300
    ]
    return render(
        request,
        "stats/public.html",
        {
            "unit": unit,
            "root": root,
            "f": cached_figures(unit, start, today),
            "district": cached_figures(root, start, today) if unit != root else None,
            "stations": stations,
            "year": today.year,
        },
    )
