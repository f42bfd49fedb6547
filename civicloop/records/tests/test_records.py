from __future__ import annotations

import contextlib
import datetime as dt
from decimal import Decimal
from io import BytesIO, StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from openpyxl import load_workbook

from civicloop.activities import services as activity_services
from civicloop.activities.tests.helpers import make_activity, make_volunteer, shift
from civicloop.audit.models import AuditEvent
from civicloop.records import selectors, services
from civicloop.records.models import (
    MakeupClaim,
    PointsAccount,
    PointsEntry,
    Redemption,
    ServiceRecord,
    ServiceRecordDocument,
    ShopItem,
)

pytestmark = pytest.mark.django_db


def credit(personas, hours, volunteer=None, unit=None, description="健康义诊"):
    return services.record_credit(
        volunteer=volunteer or personas.volunteer_profile,
        hours=Decimal(hours),
        source="activity",
        source_id=None,
        unit=unit or personas.station,
        served_on=timezone.localdate(),
        category="health",
        description=description,
    )


# --- ledger invariants ------------------------------------------------------------------------------------

ops = st.lists(
    st.one_of(
        st.tuples(st.just("credit"), st.decimals(min_value="0.5", max_value="24", places=1)),
        st.tuples(st.just("reverse"), st.integers(min_value=0, max_value=30)),
        st.tuples(st.just("redeem"), st.integers(min_value=1, max_value=3)),
    ),
    max_size=12,
)


@hsettings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=ops)
def test_ledger_invariants(personas, steps):
    volunteer = make_volunteer(personas.station)
    item = ShopItem.objects.create(
        unit=personas.station, unit_path=personas.station.path, name="毛巾", price=15, stock=1000
    )
    credits: list[ServiceRecord] = []
    for op, arg in steps:
        if op == "credit":
            credits.append(credit(personas, arg, volunteer=volunteer))
        elif op == "reverse" and credits:
            with contextlib.suppress(ValidationError):  # already reversed: refused, nothing written
                services.record_reverse(record=credits[arg % len(credits)], reason="录入错误")
        elif op == "redeem":
            with contextlib.suppress(ValidationError):
                services.redemption_create(volunteer=volunteer, item=item, quantity=arg)
        rows = ServiceRecord.objects.filter(volunteer=volunteer)
        total = selectors.total_hours(volunteer)
        # The total equals the sum of the rows, and reversals never take a volunteer below zero.
        assert total == sum((r.hours for r in rows), Decimal("0"))
        assert total >= 0
        # The balance equals earned minus redeemed (and minus hours taken back), and matches the account.
        entries = PointsEntry.objects.filter(volunteer=volunteer)
        earned = sum(e.points for e in entries if e.kind in ("earned", "reversed"))
        redeemed = sum(r.points for r in Redemption.objects.filter(volunteer=volunteer))
        assert selectors.points_balance(volunteer) == earned - redeemed
        assert earned == sum(services.points_for_hours(r.hours) for r in rows if r.hours > 0) - sum(
            services.points_for_hours(-r.hours) for r in rows if r.hours < 0
        )
    call_command("check_points", stdout=StringIO())


def test_rows_are_never_edited(personas):
    row = credit(personas, "2")
    row.hours = Decimal("5")
    with pytest.raises(PermissionError):
        row.save()
    entry = PointsEntry.objects.get(record=row)
    entry.points = 999
    with pytest.raises(PermissionError):
        entry.save()


def test_reversal_needs_a_reason_and_happens_once(personas):
    row = credit(personas, "3")
    with pytest.raises(ValidationError, match="请填写更正原因"):
        services.record_reverse(record=row, reason=" ")
    services.record_reverse(record=row, reason="重复录入")
    with pytest.raises(ValidationError, match="已冲正"):
        services.record_reverse(record=row, reason="再次")
    assert selectors.total_hours(personas.volunteer_profile) == 0
    assert selectors.points_balance(personas.volunteer_profile) == 0


def test_crediting_several_volunteers_at_once_writes_each_row_and_balance(personas):
    """An order's verification credits all its volunteers together: one ledger row and one points entry each, the
    balance of a volunteer with points already raised, the other's account opened, the figures counted."""
    other = make_volunteer(personas.station, name="王二")
    credit(personas, "1")  # 10 points already
    rows = services.records_credit(
        credits=[(personas.volunteer_profile, Decimal("2.5")), (other, Decimal("1.5"))],
        source="order",
        source_id=7,
        unit=personas.station,
        served_on=timezone.localdate(),
        category="health",
        description="KD-1 量血压",
    )
    assert [(r.volunteer_id, r.hours) for r in rows] == [
        (personas.volunteer_profile.pk, Decimal("2.5")),
        (other.pk, Decimal("1.5")),
    ]
    assert {e.record_id: e.points for e in PointsEntry.objects.filter(record__in=rows)} == {
        rows[0].pk: 25,
        rows[1].pk: 15,
    }
    assert selectors.points_balance(personas.volunteer_profile) == 35
    assert selectors.points_balance(other) == 15
    assert selectors.total_hours(other) == Decimal("1.5")
    call_command("check_points", stdout=StringIO())
    with pytest.raises(ValidationError):
        services.records_credit(
            credits=[(other, Decimal("25"))],
            source="order",
            source_id=8,
            unit=personas.station,
            served_on=timezone.localdate(),
        )
    assert ServiceRecord.objects.filter(volunteer=other).count() == 1


def test_check_points_catches_a_tampered_balance(personas):
    credit(personas, "2")
    call_command("check_points", stdout=StringIO())
    PointsAccount.objects.filter(volunteer=personas.volunteer_profile).update(balance=1000)
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("check_points", stdout=out)
    assert "balance 1000 != ledger 20" in out.getvalue()


# --- stars ------------------------------------------------------------------------------------------------


def test_stars_at_default_thresholds():
    assert [selectors.stars_for(h) for h in (0, 99.5, 100, 299, 300, 600, 1000, 1499, 1500, 9000)] == [
        0,
        0,
        1,
        1,
        2,
        3,
        4,
        4,
        5,
        5,
    ]


def test_stars_follow_settings(settings):
    settings.CIVICLOOP = {**settings.CIVICLOOP, "STAR_THRESHOLDS": (1, 2, 3, 4, 5)}
    assert selectors.stars_for(Decimal("3.5")) == 3


# --- make-up hours ----------------------------------------------------------------------------------------


def _ended_activity(personas, hours=2):
    activity = make_activity(personas)
    activity_services.signup_create(activity=activity, volunteer=personas.volunteer_profile)
    return shift(activity, start_in=dt.timedelta(hours=-(hours + 1)), length=dt.timedelta(hours=hours))


def test_makeup_more_than_the_activity_lasted_is_refused(client, personas):
    activity = _ended_activity(personas, hours=2)
    client.force_login(personas.volunteer)
    response = client.post(
        reverse("records:makeup_new"),
        {"activity": activity.pk, "hours": "2.5", "note": "布置场地"},
        follow=True,
    )
    assert "补录时长（2.50 小时）不能超过活动时长（2.00 小时）" in response.content.decode()
    assert not MakeupClaim.objects.exists()


def test_makeup_declared_and_approved_credits_hours(client, personas):
    activity = _ended_activity(personas, hours=2)
    client.force_login(personas.volunteer)
    client.post(reverse("records:makeup_new"), {"activity": activity.pk, "hours": "1.5", "note": "引导群众"})
    claim = MakeupClaim.objects.get()
    client.force_login(personas.sibling)
    assert client.post(reverse("records:makeup_decide", args=[claim.pk]), {"approve": "1"}).status_code == 403
    client.force_login(personas.volunteer)
    assert client.post(reverse("records:makeup_decide", args=[claim.pk]), {"approve": "1"}).status_code == 403
    client.force_login(personas.station_staff)
    client.post(reverse("records:makeup_decide", args=[claim.pk]), {"approve": "1"})
    claim.refresh_from_db()
    assert claim.status == "approved"
    assert ServiceRecord.objects.get(source="makeup").hours == Decimal("1.50")
    assert selectors.points_balance(personas.volunteer_profile) == 15


def test_makeup_bad_hours_message(personas):
    activity = _ended_activity(personas)
    with pytest.raises(ValidationError, match="请用数字填写时长"):
        services.makeup_declare(
            volunteer=personas.volunteer_profile, activity=activity, hours="两小时", note="x"
        )
    assert not MakeupClaim.objects.exists()


# --- points shop ------------------------------------------------------------------------------------------


def _item(personas, price=50, stock=3):
    return ShopItem.objects.create(
        unit=personas.station, unit_path=personas.station.path, name="洗衣液", price=price, stock=stock
    )


def test_redeeming_more_than_the_balance_is_refused_and_writes_nothing(client, personas):
    credit(personas, "2")  # 20 points
    item = _item(personas, price=50)
    client.force_login(personas.volunteer)
    response = client.post(reverse("records:redeem", args=[item.pk]), follow=True)
    assert "积分不足：需要 50 积分，您现有 20 积分" in response.content.decode()
    assert not Redemption.objects.exists()
    assert ShopItem.objects.get(pk=item.pk).stock == 3
    assert selectors.points_balance(personas.volunteer_profile) == 20


def test_redeem_and_hand_out(client, personas):
    credit(personas, "6")  # 60 points
    item = _item(personas, price=50)
    client.force_login(personas.volunteer)
    body = client.get(reverse("records:my_points")).content.decode()
    assert "洗衣液" in body and "60" in body
    response = client.post(reverse("records:redeem", args=[item.pk]), follow=True)
    assert "兑换成功" in response.content.decode()
    redemption = Redemption.objects.get()
    assert selectors.points_balance(personas.volunteer_profile) == 10
    assert ShopItem.objects.get(pk=item.pk).stock == 2
    client.force_login(personas.sibling)
    assert client.post(reverse("records:hand_out", args=[redemption.pk])).status_code == 403
    client.force_login(personas.station_staff)
    assert "洗衣液" in client.get(reverse("records:shop_manage")).content.decode()
    client.post(reverse("records:hand_out", args=[redemption.pk]))
    assert Redemption.objects.get().status == "handed_out"
    call_command("check_points", stdout=StringIO())


def test_out_of_stock_is_refused(personas):
    credit(personas, "20")
    item = _item(personas, price=10, stock=0)
    with pytest.raises(ValidationError, match="已兑完"):
        services.redemption_create(volunteer=personas.volunteer_profile, item=item)
    assert selectors.points_balance(personas.volunteer_profile) == 200
    assert not PointsEntry.objects.filter(kind="redeemed").exists()


def test_shop_of_a_sibling_station_is_not_offered(client, personas):
    credit(personas, "20")
    other = ShopItem.objects.create(
        unit=personas.station_b, unit_path=personas.station_b.path, name="大米", price=10, stock=5
    )
    client.force_login(personas.volunteer)
    assert "大米" not in client.get(reverse("records:my_points")).content.decode()
    assert client.post(reverse("records:redeem", args=[other.pk])).status_code == 403


def test_staff_stock_goods_in_scope_only(client, personas):
    client.force_login(personas.station_staff)
    client.post(
        reverse("records:shop_item_create"),
        {"unit": personas.station.pk, "name": "雨伞", "price": 30, "stock": 5},
    )
    assert ShopItem.objects.filter(name="雨伞").exists()
    response = client.post(
        reverse("records:shop_item_create"),
        {"unit": personas.station.pk, "name": "坏价", "price": 0, "stock": 5},
        follow=True,
    )
    assert "所需积分至少为 1" in response.content.decode()
    assert (
        client.post(
            reverse("records:shop_item_create"),
            {"unit": personas.station_b.pk, "name": "越权", "price": 3, "stock": 1},
        ).status_code
        == 403
    )
    assert not ShopItem.objects.filter(name__in=["坏价", "越权"]).exists()


# --- pages, documents and exports ---------------------------------------------------------------------------


def test_my_hours_shows_totals_stars_and_months(client, personas, settings):
    settings.CIVICLOOP = {**settings.CIVICLOOP, "STAR_THRESHOLDS": (2, 10, 20, 30, 40)}
    credit(personas, "3")
    client.force_login(personas.volunteer)
    body = client.get(reverse("records:my_hours")).content.decode()
    assert "1 星级志愿者" in body and "健康义诊" in body
    assert "再服务 7 小时即可达到 2 星" in body
    assert timezone.localdate().strftime("%Y-%m") in body


def test_document_pdf_and_public_verification(client, personas):
    credit(personas, "4")
    client.force_login(personas.volunteer)
    client.post(reverse("records:document_issue"))
    doc = ServiceRecordDocument.objects.get()
    assert doc.hours == Decimal("4.00")
    response = client.get(reverse("records:document_download", args=[doc.number]))
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF") and len(response.content) > 1024
    assert b"WenQuanYiMicroHei" in response.content and b"STSong-Light" not in response.content
    client.logout()
    body = client.get(reverse("records:verify", args=[doc.number])).content.decode()
    assert "核验通过" in body and "刘*" in body and "刘志愿" not in body and doc.volunteer.number in body
    response = client.get(reverse("records:verify", args=["KDSR-FAKE"]))
    assert response.status_code == 404 and "未出具编号为 KDSR-FAKE" in response.content.decode()


def test_document_needs_hours(client, personas):
    client.force_login(personas.volunteer)
    response = client.post(reverse("records:document_issue"), follow=True)
    assert "还没有服务时长记录" in response.content.decode()
    assert not ServiceRecordDocument.objects.exists()


def test_document_download_refused_to_others(client, personas):
    credit(personas, "4")
    doc = services.document_issue(volunteer=personas.volunteer_profile, actor=personas.volunteer)
    url = reverse("records:document_download", args=[doc.number])
    client.force_login(personas.station_staff)
    assert client.get(url).status_code == 200
    for persona in ("sibling", "resident", "outsider", "leader"):
        client.force_login(getattr(personas, persona))
        assert client.get(url).status_code == 403, persona


def test_export_by_volunteer_team_and_unit_is_scoped(client, personas):
    credit(personas, "4")
    other = make_volunteer(personas.station_b, name="外站志愿者")
    credit(personas, "7", volunteer=other, unit=personas.station_b)
    client.force_login(personas.station_staff)
    response = client.get(reverse("records:export"), {"by": "volunteer"})
    ws = load_workbook(BytesIO(response.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:4] == ("志愿者编号", "姓名", "所属单位", "服务时长（小时）")
    assert rows[-1][0] == "合计" and rows[-1][3] == 4
    assert all("外站志愿者" not in str(r) for r in rows)
    for by, header in (("team", "志愿队"), ("unit", "单位")):
        ws = load_workbook(BytesIO(client.get(reverse("records:export"), {"by": by}).content)).active
        assert next(ws.iter_rows(values_only=True))[0] == header
    assert AuditEvent.objects.filter(action="export").count() == 3
    client.force_login(personas.institute_staff)
    ws = load_workbook(BytesIO(client.get(reverse("records:export")).content)).active
    assert list(ws.iter_rows(values_only=True))[-1][3] == 11


STAFF_PAGES = ["rankings", "shop_manage", "export", "makeup_list"]
VOLUNTEER_PAGES = ["my_hours", "my_points", "makeup_new"]


@pytest.mark.parametrize("name", STAFF_PAGES)
def test_staff_pages_refused_to_others(client, personas, name):
    client.force_login(personas.station_staff)
    assert client.get(reverse(f"records:{name}")).status_code == 200
    for persona in ("resident", "outsider", "volunteer"):
        client.force_login(getattr(personas, persona))
        assert client.get(reverse(f"records:{name}")).status_code == 403, persona


@pytest.mark.parametrize("name", VOLUNTEER_PAGES)
def test_volunteer_pages_refused_to_non_volunteers(client, personas, name):
    client.force_login(personas.volunteer)
    assert client.get(reverse(f"records:{name}")).status_code == 200
    for persona in ("resident", "outsider", "station_staff"):
        client.force_login(getattr(personas, persona))
        assert client.get(reverse(f"records:{name}")).status_code == 403, persona


def test_volunteer_hours_page_scoped(client, personas):
    credit(personas, "2")
    url = reverse("records:volunteer_hours", args=[personas.volunteer_profile.pk])
    for persona, code in (("station_staff", 200), ("volunteer", 200), ("sibling", 403), ("resident", 403)):
        client.force_login(getattr(personas, persona))
        assert client.get(url).status_code == code, persona


def test_reverse_from_page_scoped(client, personas):
    row = credit(personas, "2")
    client.force_login(personas.sibling)
    assert client.post(reverse("records:record_reverse", args=[row.pk]), {"reason": "x"}).status_code == 403
    client.force_login(personas.station_staff)
    client.post(reverse("records:record_reverse", args=[row.pk]), {"reason": "录错"})
    assert selectors.total_hours(personas.volunteer_profile) == 0


def test_rankings_scoped_and_public_top_masked(client, personas, django_assert_max_num_queries):
    credit(personas, "5")
    other = make_volunteer(personas.station_b, name="欧阳娜娜")
    credit(personas, "9", volunteer=other, unit=personas.station_b)
    client.force_login(personas.station_staff)
    with django_assert_max_num_queries(15):
        body = client.get(reverse("records:rankings")).content.decode()
    assert "刘志愿" in body and "欧阳娜娜" not in body
    assert (
        "按单位统计" in body
        and "万和阳光社区新时代文明实践站" in body
        and "河西村新时代文明实践站" not in body
    )
    client.logout()
    body = client.get(reverse("records:top")).content.decode()
    assert "欧**娜" in body and "刘*" in body and "欧阳娜娜" not in body


def test_api_my_hours_and_points(client, personas):
    credit(personas, "3")
    client.force_login(personas.volunteer)
    data = client.get("/api/records/me/hours").json()
    assert Decimal(data["total_hours"]) == 3 and data["stars"] == 0
    assert client.get("/api/records/me/points").json()["balance"] == 30
    client.force_login(personas.resident)
    assert client.get("/api/records/me/hours").status_code == 403


def test_restock_and_issue_refused_outside_role(client, personas):
    item = _item(personas, stock=1)
    for persona in ("sibling", "volunteer", "resident"):
        client.force_login(getattr(personas, persona))
        assert (
            client.post(reverse("records:shop_item_restock", args=[item.pk]), {"add": 5}).status_code == 403
        )
    client.force_login(personas.station_staff)
    client.post(reverse("records:shop_item_restock", args=[item.pk]), {"add": 5})
    assert ShopItem.objects.get(pk=item.pk).stock == 6
    for persona in ("station_staff", "resident", "outsider"):
        client.force_login(getattr(personas, persona))
        assert client.post(reverse("records:document_issue")).status_code == 403
    assert not ServiceRecordDocument.objects.exists()


def test_rankings_link_only_volunteers_the_viewer_may_open(client, personas):
    """Station B's staff see the station-A volunteer who served at B in their ranking, but get no link to a page
    that would refuse them."""
    credit(personas, "4", unit=personas.station_b)
    client.force_login(personas.sibling)
    body = client.get(reverse("records:rankings")).content.decode()
    assert "刘志愿" in body
    assert reverse("records:volunteer_hours", args=[personas.volunteer_profile.pk]) not in body
    client.force_login(personas.institute_staff)
    body = client.get(reverse("records:rankings")).content.decode()
    assert reverse("records:volunteer_hours", args=[personas.volunteer_profile.pk]) in body
