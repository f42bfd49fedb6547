"""全域化: the office sees every town and village with or without its 所/站, and the coverage rates."""

from __future__ import annotations

import datetime as dt
import json
import random

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from civicloop.network import demo, selectors, services
from civicloop.network.models import Place, Unit

pytestmark = pytest.mark.django_db


def _places(p):
    town = Place.objects.create(code="150203100", name="昆河镇", kind="town", unit=p.institute,
                                opened_on=dt.date(2019, 5, 1))
    Place.objects.create(code="150203100001", name="万和阳光社区", kind="community", parent=town, unit=p.station)
    Place.objects.create(code="150203100201", name="河西村", kind="village", parent=town, unit=p.station_b)
    Place.objects.create(code="150203100203", name="新胜村", kind="village", parent=town)
    Place.objects.create(code="150203006", name="友谊大街", kind="street")
    return town


def test_rates_roll_up_from_villages_to_the_district(personas):
    _places(personas)
    c = selectors.coverage()
    town = next(t for t in c["towns"] if t.place.name == "昆河镇")
    assert (town.villages, town.villages_covered, town.rate) == (3, 2, 66.7)
    assert (c["town_count"], c["towns_covered"], c["town_rate"]) == (2, 1, 50.0)
    assert (c["village_count"], c["villages_covered"]) == (3, 2)


def test_office_page_and_api_others_refused(client, personas):
    p = personas
    _places(p)
    client.force_login(p.office)
    page = client.get("/network/coverage/").content.decode()
    assert "新胜村" in page and "未覆盖" in page and "66.7%" in page
    api = client.get("/api/network/coverage").json()
    assert api["village_rate"] == 66.7 and len(api["places"]) == 5
    for persona in (p.station_staff, p.sibling, p.institute_staff, p.volunteer):
        client.force_login(persona)
        assert client.get("/network/coverage/").status_code == 403
        assert client.get("/api/network/coverage").status_code == 403


def test_office_links_a_new_station_to_an_uncovered_village(client, personas):
    p = personas
    _places(p)
    village = Place.objects.get(name="新胜村")
    new_station = services.unit_create(parent=p.institute, name="新胜村新时代文明实践站", actor=p.office)
    with pytest.raises(PermissionDenied):
        services.place_link(actor=p.institute_staff, place=village, unit=new_station)
    with pytest.raises(ValidationError):
        services.place_link(actor=p.office, place=village, unit=p.institute)  # a village takes a station
    with pytest.raises(ValidationError):
        services.place_link(actor=p.office, place=village, unit=p.station)  # already covers another place
    client.force_login(p.office)
    response = client.post(f"/api/network/places/{village.pk}/link",
                           json.dumps({"unit_id": new_station.pk, "opened_on": "2026-11-30"}),
                           content_type="application/json")
    assert response.status_code == 200
    assert selectors.coverage()["villages_covered"] == 3


def test_demo_seed_adds_places_some_uncovered(personas):
    Unit.objects.filter(pk=personas.institute.pk).update(division_code="150203100")
    Unit.objects.filter(pk=personas.station.pk).update(division_code="150203100001")
    demo.seed(rng=random.Random(1), today=dt.date(2026, 12, 1))
    c = selectors.coverage()
    assert c["village_count"] == 3 and c["villages_covered"] == 1
