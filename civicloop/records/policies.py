"""Who may see and do what with hours, service records, points and the points shop (DESIGN §3)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from civicloop import access

if TYPE_CHECKING:
    from civicloop.network.models import Unit
    from civicloop.people.models import User, Volunteer
    from civicloop.records.models import MakeupClaim, Redemption, ServiceRecordDocument, ShopItem


def visible_records(user: User):
    """Ledger rows credited by units in the user's staff scope."""
    from civicloop.records.models import ServiceRecord

    return ServiceRecord.objects.filter(access.scope_q(user))


def can_view_hours(user: User, volunteer: Volunteer) -> bool:
    return access.can_view_volunteer(user, volunteer)


def can_download_document(user: User, doc: ServiceRecordDocument) -> bool:
    return doc.volunteer.user_id == getattr(user, "pk", None) or access.path_in_scope(
        user, doc.volunteer.unit_path
    )


def can_export_hours(user: User) -> bool:
    return access.is_staff(user)


def can_view_rankings(user: User) -> bool:
    return access.is_staff(user)


def visible_makeup_claims(user: User) -> QuerySet[MakeupClaim]:
    from civicloop.records.models import MakeupClaim

    if not getattr(user, "is_authenticated", False):
        return MakeupClaim.objects.none()
    return MakeupClaim.objects.filter(access.scope_q(user) | Q(activity__team__leader=user))


def can_decide_makeup(user: User, claim: MakeupClaim) -> bool:
    from civicloop.records.hooks import can_manage_activity

    return can_manage_activity(user, claim.activity) and claim.volunteer.user_id != getattr(user, "pk", None)


def shop_items_for(volunteer: Volunteer) -> QuerySet[ShopItem]:
    """Goods a volunteer may redeem: the shops of their home unit and the units above it."""
    from civicloop.records.models import ShopItem

    home = volunteer.home_unit
    paths = home.ancestor_paths()
    return ShopItem.objects.filter(unit_path__in=paths, is_active=True)


def can_redeem(user: User, item: ShopItem) -> bool:
    volunteer = access.volunteer_of(user)
    return volunteer is not None and shop_items_for(volunteer).filter(pk=item.pk).exists()


def managed_shop_items(user: User) -> QuerySet[ShopItem]:
    from civicloop.records.models import ShopItem

    return ShopItem.objects.filter(access.scope_q(user))


def can_manage_shop(user: User, unit: Unit) -> bool:
    return access.in_scope(user, unit)


def visible_redemptions(user: User) -> QuerySet[Redemption]:
    from civicloop.records.models import Redemption

    return Redemption.objects.filter(access.scope_q(user))


def can_hand_out(user: User, redemption: Redemption) -> bool:
    return access.path_in_scope(user, redemption.unit_path)
