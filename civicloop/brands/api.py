"""Brand projects API: the scoped registry and the office's compliance view."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from civicloop import access
from civicloop.brands import policies as policy
from civicloop.brands import selectors, services
from civicloop.brands.forms import ProjectForm
from civicloop.brands.models import BrandProject
from civicloop.core.forms import form_data, valid_or_400
from civicloop.core.pagination import Pages
from civicloop.core.schemas import ErrorOut, Id

router = Router(tags=["brands"])


class BrandProjectOut(Schema):
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


@router.get("/projects", response=list[BrandProjectOut])
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


# --- the twins of the registry's pages --------------------------------------------------------------------

ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


class BrandProjectIn(Schema):
    name: str
    owner_unit: Id
    category: str
    industry: str = ""
    status: str = "active"
    description: str = ""
    teams: list[Id] = []


class ProjectPatch(Schema):
    name: str | None = None
    category: str | None = None
    industry: str | None = None
    status: str | None = None
    description: str | None = None
    teams: list[Id] | None = None


def _brand_form(request: HttpRequest, values: dict[str, Any], *, edit: bool = False) -> ProjectForm:
    return ProjectForm(
        form_data(values),
        units=policy.owner_units(request.user),
        teams=access.visible_teams(request.user).filter(is_active=True),
        edit=edit,
        initial={"owner_unit": values.get("owner_unit")},  # a disabled field reads its initial value
    )


@router.post("/projects", response={201: BrandProjectOut, **ERRORS}, summary="登记品牌项目 · Register a brand project")
def create_project(request: HttpRequest, payload: BrandProjectIn) -> Any:
    access.require(request, access.is_staff(request.user), action="brand_create")
    d = valid_or_400(_brand_form(request, payload.dict()))
    access.require(request, policy.can_create_project(request.user, d["owner_unit"]), action="brand_create")
    return Status(201, services.brand_create(actor=request.user, **d))


@router.patch("/projects/{pk}", response={200: BrandProjectOut, **ERRORS}, summary="修改品牌项目 · Change a project")
def update_project(request: HttpRequest, pk: Id, payload: ProjectPatch) -> Any:
    project = get_object_or_404(BrandProject.objects.select_related("owner_unit"), pk=pk)
    access.require(request, policy.can_edit_project(request.user, project), action="brand_edit", obj=project)
    current = {
        "name": project.name,
        "owner_unit": project.owner_unit_id,
        "industry": project.industry,
        "category": project.category,
        "status": project.status,
        "description": project.description,
        "teams": list(project.teams.values_list("pk", flat=True)),
    }
    d = valid_or_400(_brand_form(request, {**current, **payload.dict(exclude_unset=True)}, edit=True))
    d.pop("owner_unit", None)
    return services.brand_update(
        project=project, actor=request.user, activities=project.activities.all(), orders=project.orders.all(), **d
    )
