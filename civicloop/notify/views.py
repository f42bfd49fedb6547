"""The in-app inbox."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from civicloop.core.forms import parse_id
from civicloop.notify.selectors import inbox_items, unread_count
from civicloop.notify.services import inbox_mark_read


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    page = Paginator(inbox_items(request.user), 20).get_page(request.GET.get("page"))
    return render(request, "notify/inbox.html", {"page": page, "unread": unread_count(request.user)})


@login_required
@require_POST
def mark_read(request: HttpRequest) -> HttpResponse:
    items = None
    raw = request.POST.get("item", "")
    if raw:
        items = inbox_items(request.user).filter(pk=parse_id(raw) or 0)
    inbox_mark_read(user=request.user, items=items)
    return redirect("notify:inbox")
