"""Records pages' API twins: ledger and reversal, documents and verification, make-up hours, the points shop —
the same services and messages, other scopes refused."""

from __future__ import annotations

import pytest

from civicloop.records import selectors
from civicloop.records.models import MakeupClaim, Redemption, ServiceRecord, ShopItem
from civicloop.records.tests.test_records import _ended_activity, _item, credit

BASE = "/api/records"
JSON = "application/json"
pytestmark = pytest.mark.django_db


def _as(client, user):
    client.logout()
    client.force_login(user)
    return client


def test_ledger_and_reversal(client, personas):
    row = credit(personas, "3")
    mine = _as(client, personas.volunteer).get(f"{BASE}/me/ledger").json()["items"]
    assert [r["id"] for r in mine] == [row.pk]
    assert client.post(f"{BASE}/rows/{row.pk}/reverse", {"reason": "x"}, content_type=JSON).status_code == 403
    assert _as(client, personas.sibling).get(f"{BASE}/volunteers/{personas.volunteer_profile.pk}/ledger").status_code == 403
    assert client.post(f"{BASE}/rows/{row.pk}/reverse", {"reason": "录错"}, content_type=JSON).status_code == 403
    staff = _as(client, personas.station_staff)
    assert staff.post(f"{BASE}/rows/{row.pk}/reverse", {"reason": ""}, content_type=JSON).status_code == 400
    reversed_ = staff.post(f"{BASE}/rows/{row.pk}/reverse", {"reason": "录错了"}, content_type=JSON)
    assert reversed_.status_code == 201 and reversed_.json()["reverses_id"] == row.pk
    assert selectors.total_hours(personas.volunteer_profile) == 0
    assert len(staff.get(f"{BASE}/volunteers/{personas.volunteer_profile.pk}/ledger").json()["items"]) == 2


def test_document_issue_pdf_and_verification(client, personas):
    credit(personas, "5")
    issued = _as(client, personas.volunteer).post(f"{BASE}/me/documents")
    assert issued.status_code == 201
    number = issued.json()["number"]
    pdf = client.get(f"{BASE}/documents/{number}/pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert _as(client, personas.sibling).get(f"{BASE}/documents/{number}/pdf").status_code == 403
    client.logout()
    check = client.get(f"{BASE}/verify/{number}").json()
    assert check["genuine"] and "*" in check["masked_name"]
    assert client.get(f"{BASE}/verify/NOPE").json() == {
        "number": "NOPE", "genuine": False, "masked_name": "", "hours": None, "issued_at": None,
        "issuing_unit_name": "",
    }


def test_makeup_declared_and_decided(client, personas):
    activity = _ended_activity(personas, hours=2)
    too_much = _as(client, personas.volunteer).post(
        f"{BASE}/makeup", {"activity": activity.pk, "hours": "2.5", "note": "布置场地"}, content_type=JSON
    )
    assert too_much.status_code == 400 and "不能超过活动时长" in too_much.json()["detail"]
    claim = client.post(f"{BASE}/makeup", {"activity": activity.pk, "hours": "1.5", "note": "引导群众"}, content_type=JSON)
    assert claim.status_code == 201
    pk = claim.json()["id"]
    assert client.post(f"{BASE}/makeup/{pk}/decide", {"approve": True}, content_type=JSON).status_code == 403
    assert _as(client, personas.sibling).post(f"{BASE}/makeup/{pk}/decide", {"approve": True}, content_type=JSON).status_code == 403
    assert _as(client, personas.resident).get(f"{BASE}/makeup").status_code == 403
    staff = _as(client, personas.station_staff)
    assert [c["id"] for c in staff.get(f"{BASE}/makeup").json()["items"]] == [pk]
    decided = staff.post(f"{BASE}/makeup/{pk}/decide", {"approve": True}, content_type=JSON)
    assert decided.json()["status"] == "approved"
    assert MakeupClaim.objects.get().record is not None
    assert staff.post(f"{BASE}/makeup/{pk}/decide", {"approve": True}, content_type=JSON).status_code == 409


def test_shop_redeem_and_hand_out(client, personas):
    credit(personas, "2")  # 20 points
    item = _item(personas, price=50)
    poor = _as(client, personas.volunteer).post(f"{BASE}/shop/items/{item.pk}/redeem", {}, content_type=JSON)
    assert poor.status_code == 400 and "积分不足" in poor.json()["detail"]
    assert not Redemption.objects.exists()
    credit(personas, "4")
    assert [i["id"] for i in client.get(f"{BASE}/shop").json()] == [item.pk]
    done = client.post(f"{BASE}/shop/items/{item.pk}/redeem", {}, content_type=JSON)
    assert done.status_code == 201 and ShopItem.objects.get().stock == 2
    pk = done.json()["id"]
    assert _as(client, personas.sibling).post(f"{BASE}/shop/redemptions/{pk}/hand-out").status_code == 403
    staff = _as(client, personas.station_staff)
    assert [r["id"] for r in staff.get(f"{BASE}/shop/redemptions").json()["items"]] == [pk]
    assert staff.post(f"{BASE}/shop/redemptions/{pk}/hand-out").json()["status"] == "handed_out"


def test_staff_stock_the_shop_in_scope_only(client, personas):
    body = {"unit": personas.station.pk, "name": "雨伞", "price": 30, "stock": 5}
    assert _as(client, personas.sibling).post(f"{BASE}/shop/items", body, content_type=JSON).status_code == 403
    assert _as(client, personas.volunteer).post(f"{BASE}/shop/items", body, content_type=JSON).status_code == 403
    staff = _as(client, personas.station_staff)
    bad = staff.post(f"{BASE}/shop/items", {**body, "price": None}, content_type=JSON)
    assert bad.status_code == 400
    made = staff.post(f"{BASE}/shop/items", body, content_type=JSON)
    assert made.status_code == 201
    pk = made.json()["id"]
    assert staff.post(f"{BASE}/shop/items/{pk}/restock", {"add": 3}, content_type=JSON).json()["stock"] == 8
    assert _as(client, personas.sibling).post(f"{BASE}/shop/items/{pk}/restock", {"add": 3}, content_type=JSON).status_code == 403
    assert ServiceRecord.objects.count() == 0


def test_shop_management_is_for_staff_only(client, personas):
    _item(personas)
    for user in (personas.resident, personas.volunteer, personas.outsider):
        assert _as(client, user).get(f"{BASE}/shop/managed").status_code == 403
        assert _as(client, user).get(f"{BASE}/shop/redemptions").status_code == 403
    assert _as(client, personas.sibling).get(f"{BASE}/shop/managed").json()["items"] == []
    assert len(_as(client, personas.station_staff).get(f"{BASE}/shop/managed").json()["items"]) == 1
