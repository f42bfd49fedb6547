"""The one way a page and its API twin find a call or an entry for the caller: 404 for what the caller may not
know exists, 403 (audited) for a call they see but may not manage."""

from __future__ import annotations

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from civicloop import access
from civicloop.contests import policies
from civicloop.contests.models import Call, Entry


def call_lookup(request: HttpRequest, pk: int) -> Call:
    call = get_object_or_404(Call.objects.select_related("organiser"), pk=pk)
    if not policies.can_view_call(request.user, call):
        raise Http404
    return call


def managed_call(request: HttpRequest, pk: int, action: str) -> Call:
    call = call_lookup(request, pk)
    access.require(request, policies.can_manage_call(request.user, call), action=action, obj=call)
    return call


def entry_lookup(request: HttpRequest, pk: int) -> Entry:
    entry = get_object_or_404(Entry.objects.select_related("call__organiser", "unit"), pk=pk)
    if not policies.can_view_entry(request.user, entry):
        raise Http404
    return entry
