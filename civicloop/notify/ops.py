"""Operators' view of the notification outbox: the dead letters, and sending them again.

A notification whose channel kept failing is closed after notify.services.MAX_ATTEMPTS attempts (so the sweep
stops hammering a broken gateway) with its last error kept: that is a dead letter. Platform operators
(superusers) see them at /notify/dead-letters/ and can put them back in the queue once the channel is fixed.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from civicloop.core.forms import page_of
from civicloop.notify.models import Notification
from civicloop.notify.services import MAX_ATTEMPTS


def dead_letters() -> QuerySet[Notification]:
    return (
        Notification.objects.filter(delivered_at__isnull=False, attempts__gte=MAX_ATTEMPTS)
        .exclude(last_error="")
        .order_by("-created_at")
    )


def dead_letters_requeue(*, ids: list[int]) -> int:
    """Put dead letters back in the outbox: the sweep delivers them, skipping channels that already worked."""
    with transaction.atomic():
        return dead_letters().filter(pk__in=ids).update(delivered_at=None, attempts=0, last_error="")


def can_operate(user: object) -> bool:
    return bool(getattr(user, "is_superuser", False))


@login_required
@require_http_methods(["GET", "POST"])
def outbox_dead(request: HttpRequest) -> HttpResponse:
    if not can_operate(request.user):
        # notify sits below the access package (import contract), so this refusal is a plain 403.
        raise PermissionDenied(_("You do not have permission to do this."))
    if request.method == "POST":
        ids = [int(x) for x in request.POST.getlist("id") if x.isdigit()]
        if not ids:
            messages.error(request, _("Pick at least one notification to send again."))
        else:
            n = dead_letters_requeue(ids=ids)
            messages.success(request, _("%(n)d notifications are queued again.") % {"n": n})
        return redirect("notify:outbox_dead")
    return render(
        request,
        "notify/outbox_dead.html",
        {
            "page": page_of(request, dead_letters(), 50),
            "pending": Notification.objects.filter(delivered_at__isnull=True).count(),
        },
    )
