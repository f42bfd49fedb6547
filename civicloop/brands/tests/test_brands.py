from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from civicloop.brands import selectors, services
from civicloop.brands.models import BrandProject
from civicloop.network.services import unit_create, unit_update

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree(personas):
    unit_update(unit=personas.department, actor=None, industry="卫生健康")
    education = unit_create(parent=personas.root, name="区教育局", kind="department", industry="教育")
    street = unit_create(parent=personas.root, name="团结街道新时代文明实践所")
    return {"education": education, "street": street}


def test_compliance_lists_every_institute_and_industry_and_highlights_gaps(client, personas, tree):
    services.brand_create(
        name="万和阳光健康驿站",
        owner_unit=personas.station,
        category="health",
        teams=[personas.team],
        actor=personas.station_staff,
    )
    services.brand_create(
        name="健康进万家", owner_unit=personas.department, category="health", actor=personas.office
    )
    data = selectors.compliance(personas.root)
    inst = {r["unit"].name: [p.name for p in r["projects"]] for r in data["institutes"]}
    ind = {r["industry"]: [p.name for p in r["projects"]] for r in data["industries"]}
    assert inst == {"昆河镇新时代文明实践所": ["万和阳光健康驿站"], "团结街道新时代文明实践所": []}
    assert ind == {"卫生健康": ["健康进万家"], "教育": []}
    assert data["gaps"] == 2
    client.force_login(personas.office)
    body = client.get(reverse("brands:compliance")).content.decode()
    assert 'id="gap-count">2<' in body
    assert body.count('class="gap"') == 2 and "尚无品牌项目" in body


def test_compliance_changes_when_a_project_is_added(client, personas, tree):
    client.force_login(personas.office)
    before = client.get(reverse("brands:compliance")).content.decode()
    assert 'id="gap-count">4<' in before
    response = client.post(
        reverse("brands:project_create"),
        {"name": "书香团结", "owner_unit": tree["street"].pk, "category": "culture", "status": "active"},
        follow=True,
    )
    assert "品牌项目已登记" in response.content.decode()
    after = client.get(reverse("brands:compliance")).content.decode()
    assert 'id="gap-count">3<' in after and "书香团结" in after
    api = client.get("/api/brands/compliance").json()
    assert api["gaps"] == 3
    assert {"name": "团结街道新时代文明实践所", "projects": ["书香团结"], "ok": True} in api["institutes"]


def test_an_ended_project_does_not_count(personas, tree):
    p = services.brand_create(
        name="旧项目", owner_unit=tree["street"], category="culture", actor=personas.office
    )
    assert selectors.compliance(personas.root)["gaps"] == 3
    services.brand_update(
        project=p,
        actor=personas.office,
        name=p.name,
        category="culture",
        description="",
        industry="",
        status="ended",
    )
    assert selectors.compliance(personas.root)["gaps"] == 4


def test_bad_input_is_refused(client, personas, tree):
    services.brand_create(
        name="健康驿站", owner_unit=personas.station, category="health", actor=personas.station_staff
    )
    with pytest.raises(ValidationError):
        services.brand_create(
            name="健康驿站", owner_unit=personas.station, category="health", actor=personas.station_staff
        )
    with pytest.raises(ValidationError):
        services.brand_create(
            name="  ", owner_unit=personas.station, category="health", actor=personas.station_staff
        )
    with pytest.raises(ValidationError):
        services.brand_create(
            name="队伍越界",
            owner_unit=personas.station,
            category="health",
            teams=[personas.team_b],
            actor=personas.station_staff,
        )
    client.force_login(personas.station_staff)
    response = client.post(
        reverse("brands:project_create"),
        {"name": "健康驿站", "owner_unit": personas.station.pk, "category": "health", "status": "active"},
    )
    assert "该单位已有同名品牌项目" in response.content.decode()
    assert BrandProject.objects.count() == 1


def test_staff_only_see_their_subtree(client, personas, tree, django_assert_max_num_queries):
    for i in range(5):
        services.brand_create(
            name=f"项目{i}",
            owner_unit=personas.station,
            category="health",
            teams=[personas.team],
            actor=personas.station_staff,
        )
    services.brand_create(
        name="河西村乡土文化", owner_unit=personas.station_b, category="culture", actor=personas.sibling
    )
    client.force_login(personas.station_staff)
    with django_assert_max_num_queries(14):
        body = client.get(reverse("brands:project_list")).content.decode()
    assert "项目4" in body and "河西村乡土文化" not in body
    assert client.get("/api/brands/projects").json()["count"] == 5
    other = BrandProject.objects.get(name="河西村乡土文化")
    assert client.get(reverse("brands:project_detail", args=[other.pk])).status_code == 403
    # Creating for a sibling's unit is refused: the unit is not offered.
    client.post(
        reverse("brands:project_create"),
        {"name": "越权", "owner_unit": personas.station_b.pk, "category": "culture", "status": "active"},
    )
    assert not BrandProject.objects.filter(name="越权").exists()


@pytest.mark.parametrize(
    "persona", ["institute_staff", "station_staff", "sibling", "resident", "outsider", "auditor"]
)
def test_compliance_is_for_the_office(client, personas, persona):
    client.force_login(getattr(personas, persona))
    assert client.get(reverse("brands:compliance")).status_code == 403
    assert client.get("/api/brands/compliance").status_code == 403


@pytest.mark.parametrize("persona", ["resident", "outsider", "volunteer"])
def test_registry_is_for_staff(client, personas, persona):
    client.force_login(getattr(personas, persona))
    assert client.get(reverse("brands:project_list")).status_code == 403
    assert client.get(reverse("brands:project_create")).status_code == 403
    assert client.get("/api/brands/projects").json()["count"] == 0


def test_staff_edits_a_project(client, personas):
    p = services.brand_create(
        name="健康驿站", owner_unit=personas.station, category="health", actor=personas.station_staff
    )
    client.force_login(personas.institute_staff)
    response = client.post(
        reverse("brands:project_detail", args=[p.pk]),
        {"name": "健康驿站2.0", "category": "health", "status": "paused", "teams": [personas.team.pk]},
        follow=True,
    )
    assert "品牌项目已保存" in response.content.decode()
    p.refresh_from_db()
    assert p.name == "健康驿站2.0" and p.status == "paused" and list(p.teams.all()) == [personas.team]
    assert p.owner_unit == personas.station
