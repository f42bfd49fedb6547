"""Open311 GeoReport v2 (https://wiki.open311.org/GeoReport_v2): services, service definitions, requests — as
JSON or XML by the URL's extension. Public listings carry no personal data: a request shows its title, state, the
responsible unit and that unit's place, never the resident, the phone or the exact address."""

from __future__ import annotations

import datetime as dt
from typing import Any
from xml.etree import ElementTree as ET

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from civicloop.core.choices import FocusGroup, Platform
from civicloop.core.exceptions import Conflict
from civicloop.open311 import selectors, services

MAX_RESULTS = 200  # GeoReport suggests 1000; the district's pages show 25, a partner pages by dates


def _render(fmt: str, root: str, item: str, rows: list[dict[str, Any]], status: int = 200) -> HttpResponse:
    if fmt == "xml":
        top = ET.Element(root)
        for row in rows:
            el = ET.SubElement(top, item)
            _xml_fields(el, row)
        body = b'<?xml version="1.0" encoding="utf-8"?>' + ET.tostring(top, encoding="utf-8")
        return HttpResponse(body, content_type="text/xml; charset=utf-8", status=status)
    return JsonResponse(rows, safe=False, status=status, json_dumps_params={"ensure_ascii": False})


def _xml_fields(el: ET.Element, row: dict[str, Any]) -> None:
    for key, value in row.items():
        child = ET.SubElement(el, key)
        if isinstance(value, list):
            for v in value:
                sub = ET.SubElement(child, "value" if not isinstance(v, dict) else key.rstrip("s"))
                if isinstance(v, dict):
                    _xml_fields(sub, v)
                else:
                    sub.text = str(v)
        elif isinstance(value, bool):
            child.text = "true" if value else "false"
        elif value is not None:
            child.text = str(value)


def _errors(fmt: str, status: int, description: str) -> HttpResponse:
    return _render(fmt, "errors", "error", [{"code": status, "description": description}], status=status)


def _fmt(fmt: str) -> str:
    return "xml" if fmt == "xml" else "json"


def services_list(request: HttpRequest, fmt: str) -> HttpResponse:
    return _render(_fmt(fmt), "services", "service", selectors.services())


def service_definition(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    if code not in Platform.values:
        return _errors(_fmt(fmt), 404, _("Unknown service code."))
    definition = {"service_code": code, "attributes": selectors.attributes()}
    if _fmt(fmt) == "xml":
        top = ET.Element("service_definition")
        _xml_fields(top, definition)
        body = b'<?xml version="1.0" encoding="utf-8"?>' + ET.tostring(top, encoding="utf-8")
        return HttpResponse(body, content_type="text/xml; charset=utf-8")
    return JsonResponse(definition, json_dumps_params={"ensure_ascii": False})


@csrf_exempt  # partners authenticate with api_key, never with a browser session
def requests_view(request: HttpRequest, fmt: str) -> HttpResponse:
    fmt = _fmt(fmt)
    if request.method == "POST":
        return _post_request(request, fmt)
    if request.method != "GET":
        return _errors(fmt, 405, _("Use GET or POST."))
    q = request.GET
    try:
        start = _when(q.get("start_date"))
        end = _when(q.get("end_date"))
    except ValidationError as exc:
        return _errors(fmt, 400, "; ".join(exc.messages))
    if end is None:
        end = timezone.now()
    if start is None:
        start = end - dt.timedelta(days=90)
    if start > end:
        return _errors(fmt, 400, _("The start date must not be after the end date."))
    ids = [i.strip() for i in q.get("service_request_id", "").split(",") if i.strip()][:MAX_RESULTS]
    status = q.get("status", "")
    if status and status not in ("open", "closed"):
        return _errors(fmt, 400, _("status is open or closed."))
    codes = [c for c in q.get("service_code", "").split(",") if c]
    if any(c not in Platform.values for c in codes):
        return _errors(fmt, 400, _("Unknown service code."))
    rows = selectors.requests(ids=ids, codes=codes, status=status, start=start, end=end, limit=MAX_RESULTS)
    return _render(fmt, "service_requests", "request", rows)


def request_detail(request: HttpRequest, number: str, fmt: str) -> HttpResponse:
    rows = selectors.requests(ids=[number[:40]], limit=1)
    if not rows:
        return _errors(_fmt(fmt), 404, _("No service request has this id."))
    return _render(_fmt(fmt), "service_requests", "request", rows)


def _when(raw: str | None) -> dt.datetime | None:
    if not raw:
        return None
    value = parse_datetime(raw.replace(" ", "+"))
    if value is None:
        raise ValidationError(_("Dates are W3C date-times, e.g. 2026-11-01T08:00:00+08:00."))
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    if not 2000 <= value.year <= 2100:
        raise ValidationError(_("Choose dates between the years 2000 and 2100."))
    return value


def _number(raw: str | None, *, lo: float, hi: float, label: str) -> float | None:
    if raw in (None, ""):
        return None
    try:
        value = float(raw)
    except ValueError:
        value = float("nan")
    if not lo <= value <= hi:  # also refuses NaN
        raise ValidationError(_("%(field)s is not valid.") % {"field": label})
    return value


def _post_request(request: HttpRequest, fmt: str) -> HttpResponse:
    p = request.POST
    key = services.key_for(p.get("api_key", ""))
    if key is None:
        return _errors(fmt, 403, _("A valid api_key is required to file a request."))
    code = p.get("service_code", "")
    if code not in Platform.values:
        return _errors(fmt, 400, _("Unknown service code."))
    focus = p.get("attribute[focus_group]", "")
    if focus and focus not in FocusGroup.values:
        return _errors(fmt, 400, _("Unknown focus group."))
    try:
        beneficiaries = int(p.get("attribute[beneficiaries]", "1") or 1)
        if not 1 <= beneficiaries <= 1000:
            raise ValueError
    except ValueError:
        return _errors(fmt, 400, _("beneficiaries is a whole number from 1 to 1000."))
    name = " ".join(x for x in (p.get("last_name", ""), p.get("first_name", "")) if x).strip()
    try:
        lat = _number(p.get("lat"), lo=-90, hi=90, label="lat")
        lng = _number(p.get("long"), lo=-180, hi=180, label="long")
        if not p.get("phone"):
            raise ValidationError(_("A mobile number is required: the station calls the resident back."))
        order = services.request_file(
            key=key,
            service_code=code,
            description=p.get("description", "")[:2000],
            phone=p.get("phone", ""),
            name=name[:50],
            address=p.get("address_string", "")[:200],
            lat=lat,
            lng=lng,
            subcategory=p.get("attribute[subcategory]", "")[:50],
            focus_group=focus,
            beneficiaries=beneficiaries,
        )
    except ValidationError as exc:
        return _errors(fmt, 400, "; ".join(exc.messages))
    except (PermissionDenied, Conflict) as exc:
        return _errors(fmt, 403, str(exc))
    notice = _("Received by %(unit)s; the station will call you back.") % {"unit": key.unit.name}
    return _render(
        fmt,
        "service_requests",
        "request",
        [{"service_request_id": order.number, "service_notice": notice, "account_id": None}],
        status=201,
    )
