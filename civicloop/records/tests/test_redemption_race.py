"""Points are spent at most once even when a volunteer's phone sends "redeem" four times at once: the balance is
read under the account's row lock and the entry's trigger spends it, on SQLite and PostgreSQL."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone
from django.utils.translation import override

from civicloop.records import selectors, services
from civicloop.records.models import PointsEntry, Redemption, ShopItem
from conftest import at_once


@pytest.mark.django_db(transaction=True)
def test_four_simultaneous_redemptions_spend_the_points_once(personas):
    services.record_credit(
        volunteer=personas.volunteer_profile, hours=Decimal("6"), source="activity", source_id=None,
        unit=personas.station, served_on=timezone.localdate(), category="health", description="健康义诊",
    )  # 60 points: enough for one item of 50
    item = ShopItem.objects.create(
        unit=personas.station, unit_path=personas.station.path, name="洗衣液", price=50, stock=10
    )

    def redeem() -> str:
        with override("zh-hans"):
            try:
                services.redemption_create(volunteer=personas.volunteer_profile, item=item)
            except ValidationError as exc:
                return "refused" if "积分不足" in " ".join(exc.messages) else f"other: {exc.messages}"
            return "redeemed"

    assert sorted(at_once(4, redeem)) == ["redeemed", "refused", "refused", "refused"]
    assert Redemption.objects.count() == 1 and ShopItem.objects.get(pk=item.pk).stock == 9
    assert selectors.points_balance(personas.volunteer_profile) == 10
    assert PointsEntry.objects.filter(kind="redeemed").count() == 1
    call_command("check_points")  # exits non-zero if a balance and its entries disagree
