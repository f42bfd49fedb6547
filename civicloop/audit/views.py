from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from civicloop import access
from civicloop.audit import selectors
from civicloop.audit.forms import AuditFilterForm
from civicloop.audit.models import AuditEvent
from civicloop.audit.services import audit_record

PER_PAGE = 50


@login_required
def event_list(request: HttpRequest) -> HttpResponse:
    """Read-only, filterable audit log for auditors."""
    access.require(request, access.can_read_audit(request.user), action="audit_list")
    form = AuditFilterForm(request.GET or None, actions=selectors.action_choices())
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    events = selectors.audit_events(**filters) if not form.errors else selectors.audit_events().none()
    page = Paginator(events, PER_PAGE).get_page(request.GET.get("page"))
    labels = selectors.object_labels(list(page))
    rows = [(e, labels.get((e.object_type, e.object_id), "")) for e in page]
    return render(request, "audit/event_list.html", {"page": page, "rows": rows, "form": form})


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """handler403: record refusals that did not come through `access.deny` (Django admin, CSRF), then the page."""
    if not getattr(exception, "audited", False):
        audit_record(
            action="http_403",
            request=request,
            object_type="path",
            object_id=request.path[:50],
            outcome=AuditEvent.Outcome.DENIED,
        )
    return render(request, "403.html", status=403)
