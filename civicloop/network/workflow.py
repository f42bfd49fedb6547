"""A room booking's workflow, declared once: confirmed when it is made, cancelled once.

`book_room` writes the first event; `release_booking` runs the cancel step (a conditional update on status and
version, one `BookingEvent`, the audit row `network.booking.cancel`), also when an activity cancels or moves
and its booking goes with it.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from civicloop.core.workflow import OPEN, TERMINAL, State, Step, Workflow
from civicloop.network.models import Booking, BookingEvent
from civicloop.network.policies import can_cancel_booking

B = Booking.Status

BOOKING = Workflow(
    name="network.booking",
    model=Booking,
    event_model=BookingEvent,
    unit=lambda booking: booking.room.venue.unit,
    url=lambda booking: booking.room.get_absolute_url(),
    label=_("room booking"),
    taken_message=_("This booking is already cancelled."),
    states=[
        State(B.CONFIRMED, B.CONFIRMED.label, badge="green", kind=OPEN),
        State(B.CANCELLED, B.CANCELLED.label, badge="grey", kind=TERMINAL),
    ],
    steps=[
        Step("cancel", pgettext_lazy("booking", "Cancel the booking"), sources={B.CONFIRMED}, target=B.CANCELLED,
             allowed=can_cancel_booking, changes=lambda ctx: {"cancelled_at": ctx.now}, style="danger"),
    ],
)
