from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from civicloop import access
from civicloop.audit.models import AuditEvent


@login_required
def event_list(request: HttpRequest) -> HttpResponse:
    access.require(request, access.can_read_audit(request.user), action="audit_list")
    page = Paginator(AuditEvent.objects.select_related("unit"), 50).get_page(request.GET.get("page"))
    return render(request, "audit/event_list.html", {"page": page})
