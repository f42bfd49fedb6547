"""Home page, per-role landing and error pages."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from civicloop import access

# Where each role lands after signing in; apps register their pages here by URL name.
LANDING = {
    "office": "stats:dashboard",
    "staff": "orders:queue",
    "liaison": "core:liaison_home",
    "auditor": "audit:event_list",
    "leader": "orders:tasks",
    "volunteer": "orders:tasks",
    "resident": "orders:mine",
}


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html")


@login_required
def landing(request: HttpRequest) -> HttpResponse:
    for role in access.roles(request.user):
        if role in LANDING:
            return redirect(LANDING[role])
    return render(request, "core/no_role.html")


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """我的: everything of one's own that is not a tab (hours, points, data, teams, account, switching role,
    signing out), gathered from the links the apps register (core.nav)."""
    return render(request, "core/mine.html")


@login_required
def liaison_home(request: HttpRequest) -> HttpResponse:
    access.require(request, access.is_liaison(request.user), action="liaison_home")
    return render(request, "core/liaison_home.html", {"units": access.liaison_units(request.user)})


def api_not_found(request: HttpRequest) -> HttpResponse:
    """A path under /api/ that no operation serves answers like the API does, in JSON (not Django's HTML page)."""
    from django.http import JsonResponse
    from django.utils.translation import gettext as _

    return JsonResponse({"detail": _("Not found.")}, status=404, json_dumps_params={"ensure_ascii": False})
