"""Open311 GeoReport v2: the documented fields in JSON and XML, a POST round trip that files an order at the
key's station, errors as GeoReport error lists, and no personal data in public listings."""

from __future__ import annotations

import json
from xml.etree import ElementTree as ET

import pytest

from civicloop.audit.models import AuditEvent
from civicloop.open311.services import integration_key_issue
from civicloop.orders.models import Order
from civicloop.orders.tests.factories import submit

BASE = "/open311/v2"
pytestmark = pytest.mark.django_db

SERVICE_FIELDS = {"service_code", "service_name", "description", "metadata", "type", "keywords", "group"}
REQUEST_FIELDS = {
    "service_request_id", "status", "status_notes", "service_name", "service_code", "description",
    "agency_responsible", "service_notice", "requested_datetime", "updated_datetime", "expected_datetime",
    "address", "address_id", "zipcode", "lat", "long", "media_url",
}
ATTRIBUTE_FIELDS = {"variable", "code", "datatype", "required", "datatype_description", "order", "description", "values"}


@pytest.fixture
def key(personas):
    return integration_key_issue(unit=personas.station, name="融媒体APP", actor=personas.station_staff)[1]


def test_services_in_json_and_xml(client, personas):
    rows = client.get(f"{BASE}/services.json").json()
    assert [r["service_code"] for r in rows] == ["lecture", "education", "science", "culture", "health", "media"]
    assert all(set(r) == SERVICE_FIELDS for r in rows)
    xml = ET.fromstring(client.get(f"{BASE}/services.xml").content)
    assert xml.tag == "services" and len(xml.findall("service")) == 6
    assert {c.tag for c in xml.find("service")} == SERVICE_FIELDS
    definition = client.get(f"{BASE}/services/health.json").json()
    assert definition["service_code"] == "health"
    assert all(set(a) == ATTRIBUTE_FIELDS for a in definition["attributes"])
    assert ET.fromstring(client.get(f"{BASE}/services/health.xml").content).tag == "service_definition"
    missing = client.get(f"{BASE}/services/nothing.json")
    assert missing.status_code == 404 and missing.json()[0]["code"] == 404


def test_post_round_trip_files_an_order_at_the_keys_station(client, personas, key):
    body = {
        "api_key": key, "service_code": "health", "description": "老人需要上门量血压\n每周一次",
        "phone": "13812341234", "address_string": "万和阳光社区3栋2单元501", "lat": "40.631", "long": "109.811",
        "attribute[focus_group]": "empty_nest_elderly",
    }
    r = client.post(f"{BASE}/requests.json", body)
    assert r.status_code == 201, r.content
    number = r.json()[0]["service_request_id"]
    order = Order.objects.get(number=number)
    assert (order.unit, order.requester, order.channel) == (personas.station, personas.resident_profile, "phone")
    assert order.title == "老人需要上门量血压"
    assert AuditEvent.objects.filter(action="open311.request").exists()
    detail = client.get(f"{BASE}/requests/{number}.json").json()[0]
    assert set(detail) == REQUEST_FIELDS
    assert (detail["status"], detail["service_code"], detail["agency_responsible"]) == ("open", "health", personas.station.name)
    assert detail["requested_datetime"].endswith("+08:00")
    xml = ET.fromstring(client.get(f"{BASE}/requests/{number}.xml").content)
    assert xml.tag == "service_requests" and xml.find("request/service_request_id").text == number
    # a resident the station does not know yet is entered there first
    r = client.post(f"{BASE}/requests.json", {**body, "phone": "13699998888", "last_name": "钱", "first_name": "大爷"})
    assert r.status_code == 201
    assert Order.objects.get(number=r.json()[0]["service_request_id"]).requester.name == "钱 大爷"


def test_public_listing_has_no_personal_data(client, personas):
    order = submit(personas)
    text = client.get(f"{BASE}/requests.json").content.decode()
    rows = json.loads(text)
    assert [r["service_request_id"] for r in rows] == [order.number]
    for secret in ("张三", "13812341234", "1234", "3栋2单元501"):
        assert secret not in text
    closed = client.get(f"{BASE}/requests.json", {"status": "closed"}).json()
    assert closed == []


@pytest.mark.parametrize(
    ("change", "status"),
    [
        ({"api_key": "wrong"}, 403),
        ({"service_code": "nothing"}, 400),
        ({"phone": ""}, 400),
        ({"phone": "12345"}, 400),
        ({"lat": "nan"}, 400),
        ({"attribute[beneficiaries]": "0"}, 400),
        ({"description": ""}, 400),
    ],
)
def test_bad_requests_answer_a_georeport_error_and_write_nothing(client, personas, key, change, status):
    body = {"api_key": key, "service_code": "health", "description": "量血压", "phone": "13812341234", **change}
    r = client.post(f"{BASE}/requests.json", body)
    assert r.status_code == status, r.content
    assert r.json()[0]["code"] == status and r.json()[0]["description"]
    assert not Order.objects.exists()
    xml = client.post(f"{BASE}/requests.xml", body)
    assert ET.fromstring(xml.content).tag == "errors"


def test_listing_filters_are_validated(client, personas):
    assert client.get(f"{BASE}/requests.json", {"start_date": "yesterday"}).status_code == 400
    assert client.get(f"{BASE}/requests.json", {"start_date": "9999-01-01T00:00:00Z"}).status_code == 400
    assert client.get(f"{BASE}/requests.json", {"status": "maybe"}).status_code == 400
    assert client.get(f"{BASE}/requests/NOPE.json").status_code == 404


def test_keys_are_issued_only_within_scope(personas):
    from django.core.exceptions import PermissionDenied, ValidationError

    with pytest.raises(PermissionDenied):
        integration_key_issue(unit=personas.station, name="x", actor=personas.sibling)
    with pytest.raises(ValidationError):
        integration_key_issue(unit=personas.institute, name="x", actor=personas.office)
