"""The resident's words for their order (issue #13): what happens next, not the staff's state names.

Staff see 已点单 / 待验单 and the deadlines; the person who ordered sees "实践站正在安排志愿者", "志愿者已接单，将按
约定时间上门", and "请评价" while a rating is asked of them (served or closed, not rated yet).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from civicloop.orders import attendance
from civicloop.orders.models import Order

S = Order.Status


@dataclass(frozen=True)
class ResidentView:
    badge: str  # the badge text
    colour: str  # the badge's CSS class
    next: str  # what happens next, in the resident's words
    rate: bool  # the resident is asked to rate now


def resident_view(order: Order, *, rated: bool) -> ResidentView:
    status = order.status
    arranging = _("The station is arranging volunteers for you.")
    if status in (S.SUBMITTED, S.OPEN):
        badge = pgettext("resident order state", "Sent") if status == S.SUBMITTED else pgettext(
            "resident order state", "Being arranged")
        return ResidentView(badge, "badge-blue", arranging, False)
    if status == S.DISPATCHED:
        return ResidentView(
            pgettext("resident order state", "Being arranged"), "badge-blue",
            _("A volunteer team has been asked and will confirm soon."), False,
        )
    if status == S.ACCEPTED:
        if order.wanted_from is not None:
            text = _("Volunteers have taken your order and will come at the agreed time: %(slot)s.") % {
                "slot": attendance.slot_text(order.wanted_from, order.wanted_to)
            }
        else:
            text = _("Volunteers have taken your order and will contact you to agree a time.")
        return ResidentView(pgettext("resident order state", "Taken"), "badge-blue", text, False)
    if status == S.IN_SERVICE:
        return ResidentView(
            pgettext("resident order state", "Being served"), "badge-blue",
            _("The volunteers are serving you now."), False,
        )
    if status in (S.SERVED, S.CLOSED):
        if not rated:
            return ResidentView(
                pgettext("resident order state", "Please rate"), "badge-gold",
                _("The service is done. Please rate it."), True,
            )
        text = (
            _("Thank you for your rating. The station is checking the service.")
            if status == S.SERVED
            else _("Thank you for your rating. This order is complete.")
        )
        return ResidentView(pgettext("resident order state", "Done"), "badge-green", text, False)
    if status == S.REJECTED:
        return ResidentView(
            pgettext("resident order state", "Not taken"), "badge-red",
            _("The station could not take this order."), False,
        )
    return ResidentView(
        pgettext("resident order state", "Cancelled"), "", _("This order was cancelled."), False
    )


def resident_views(orders: Any, rated_ids: set[int]) -> None:
    """Attach `resident` (a ResidentView) to each order of a resident's list."""
    for order in orders:
        order.resident = resident_view(order, rated=order.pk in rated_ids)
