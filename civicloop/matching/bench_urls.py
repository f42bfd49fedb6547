"""Bench-only URLs (mounted by civicloop.settings_bench, never in production): the project's URLs plus the
"floor" endpoints that `make bench` compares every page against. Each does one authenticated single-row read or
insert through the same middleware stack and nothing else. Their table is created by the bench itself.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import engines
from django.urls import include, path
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

FLOOR_TABLE = "bench_floor"


def _floor_row(pk: int) -> tuple | None:
    with connection.cursor() as cur:
        cur.execute(f"SELECT id, user_id, note FROM {FLOOR_TABLE} WHERE id = %s", [pk])
        return cur.fetchone()


@login_required
@require_GET
def floor_read(request: HttpRequest, pk: int) -> HttpResponse:
    return JsonResponse({"row": _floor_row(pk)})


# The read floor inside the site's layout (header, navigation, footer): what any HTML page pays before its own
# content, so a page's cost can be split into the layout's and its own.
PAGE = engines["django"].from_string(
    '{% extends "base.html" %}{% block content %}<p>{{ row|join:" · " }}</p>{% endblock %}'
)


@login_required
@require_GET
def floor_page(request: HttpRequest, pk: int) -> HttpResponse:
    return HttpResponse(PAGE.render({"row": _floor_row(pk) or ()}, request))


@login_required
@require_GET
def floor_read_before(request: HttpRequest, pk: int) -> HttpResponse:
    """The read floor with what every authenticated page paid before issue #19's session fix, rebuilt so the fix
    is measured in the same run: the idle stamp written into the session on every request (an UPDATE and a
    commit) and the user's memberships read to decide whether they are staff."""
    from civicloop.network.models import Membership

    list(Membership.objects.filter(user=request.user).select_related("unit"))
    request.session["bench_idle_stamp"] = timezone.now().timestamp()
    return floor_read(request, pk)


@login_required
@require_POST
def floor_write(request: HttpRequest) -> HttpResponse:
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(
            f"INSERT INTO {FLOOR_TABLE} (user_id, note, created_at) VALUES (%s, %s, %s)",
            [request.user.pk, request.POST.get("note", "")[:100], timezone.now().isoformat()],
        )
    return JsonResponse({"ok": True}, status=201)


urlpatterns = [
    path("bench/floor/<int:pk>/", floor_read),
    path("bench/floor-before/<int:pk>/", floor_read_before),
    path("bench/floor-page/<int:pk>/", floor_page),
    path("bench/floor/", floor_write),
    path("", include("civicloop.urls")),
]
