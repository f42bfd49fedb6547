"""People pages. (Foundation placeholders: the people pages are being built out in issue 2.)"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from civicloop import access


def register_resident(request: HttpRequest) -> HttpResponse:
    return render(request, "core/no_role.html")


def register_volunteer(request: HttpRequest) -> HttpResponse:
    return render(request, "core/no_role.html")


@login_required
def resident_list(request: HttpRequest) -> HttpResponse:
    access.require(request, access.is_staff(request.user), action="resident_list")
    return render(request, "core/no_role.html")


@login_required
def volunteer_list(request: HttpRequest) -> HttpResponse:
    access.require(request, access.is_staff(request.user), action="volunteer_list")
    return render(request, "core/no_role.html")


@login_required
def team_list(request: HttpRequest) -> HttpResponse:
    access.require(request, access.is_staff(request.user), action="team_list")
    return render(request, "core/no_role.html")


@login_required
def my_teams(request: HttpRequest) -> HttpResponse:
    return render(request, "core/no_role.html")


@login_required
def volunteer_home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/no_role.html")


@login_required
def resident_home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/no_role.html")
