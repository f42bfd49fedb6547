"""Reads for brand projects: the compliance view (每个镇/街道、每个行业至少一个品牌项目)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import QuerySet

from civicloop.brands.models import BrandProject
from civicloop.network.models import Unit


def registered_industries(root: Unit) -> list[str]:
    """Industries are registered on department units (Unit.industry) inside the root's subtree."""
    return sorted(
        set(
            Unit.objects.filter(path__startswith=root.path, kind=Unit.Kind.DEPARTMENT, is_active=True)
            .exclude(industry="")
            .values_list("industry", flat=True)
        )
    )


def compliance(root: Unit) -> dict[str, Any]:
    """Every institute (town/street) and every registered industry under root, with its live brand projects.

    A project counts for an institute when its owner lies in the institute's subtree; for an industry when it
    names the industry. Ended projects do not count.
    """
    live = list(
        BrandProject.objects.filter(unit_path__startswith=root.path)
        .exclude(status=BrandProject.Status.ENDED)
        .select_related("owner_unit")
        .order_by("name")
    )
    institutes = list(
        Unit.objects.filter(
            path__startswith=root.path, level=Unit.Level.INSTITUTE, kind=Unit.Kind.PRACTICE, is_active=True
        ).order_by("path")
    )
    by_inst: dict[int, list[BrandProject]] = defaultdict(list)
    for inst in institutes:
        by_inst[inst.pk] = [p for p in live if p.unit_path.startswith(inst.path)]
    industries = registered_industries(root)
    by_ind = {name: [p for p in live if p.industry == name] for name in industries}
    inst_rows = [{"unit": u, "projects": by_inst[u.pk]} for u in institutes]
    ind_rows = [{"industry": name, "projects": by_ind[name]} for name in industries]
    return {
        "institutes": inst_rows,
        "industries": ind_rows,
        "gaps": sum(1 for r in inst_rows if not r["projects"])
        + sum(1 for r in ind_rows if not r["projects"]),
    }


def projects_for_list(qs: QuerySet[BrandProject]) -> QuerySet[BrandProject]:
    return qs.select_related("owner_unit").prefetch_related("teams")


def project_count(unit_path: str) -> int:
    """Brand projects owned in the subtree (the figures' headline count)."""
    return BrandProject.objects.filter(unit_path__startswith=unit_path).count()
