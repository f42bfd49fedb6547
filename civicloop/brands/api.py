"""Brand projects API: the scoped registry and the office's compliance view."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate

from civicloop import access
from civicloop.access import brands as policy
from civicloop.brands import selectors
from civicloop.core.pagination import Pages

router = Router(tags=["brands"])


class ProjectOut(Schema):
    id: int
    name: str
    owner_unit_id: int
    industry: str
    category: str
    status: str
    description: str


class ComplianceRow(Schema):
    name: str
    projects: list[str]
    ok: bool


class ComplianceOut(Schema):
    institutes: list[ComplianceRow]
    industries: list[ComplianceRow]
    gaps: int


@router.get("/projects", response=list[ProjectOut])
@paginate(Pages, page_size=50)
def list_projects(request: HttpRequest, status: str = "") -> Any:
    qs = policy.visible_projects(request.user).order_by("unit_path", "name")
    return qs.filter(status=status) if status else qs


@router.get("/compliance", response=ComplianceOut)
def compliance(request: HttpRequest) -> Any:
    access.require(request, policy.can_view_compliance(request.user), action="brand_compliance")
    root = next(u for u in access.staff_units(request.user) if u.depth == 1)
    data = selectors.compliance(root)
    return {
        "institutes": [
            {"name": r["unit"].name, "projects": [p.name for p in r["projects"]], "ok": bool(r["projects"])}
            for r in data["institutes"]
        ],
        "industries": [
            {"name": r["industry"], "projects": [p.name for p in r["projects"]], "ok": bool(r["projects"])}
            for r in data["industries"]
        ],
        "gaps": data["gaps"],
    }
