"""'Volunteers (active / registered)' is one population (issue #13): the dashboard showed 74 active of 68
registered because active counted everyone credited for the unit's orders, registered only those at home there."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from civicloop.people import services as people
from civicloop.records import services as records
from civicloop.stats import selectors

pytestmark = pytest.mark.django_db


def _credit(volunteer, unit):
    records.record_credit(
        volunteer=volunteer, hours=Decimal("2"), source="activity", source_id=None, unit=unit,
        served_on=timezone.localdate(), category="culture", description="文艺演出",
    )


def test_active_volunteers_are_a_share_of_the_registered(personas):
    # A volunteer at home at station B helps out at station A.
    user = people.user_create(username="guest_vol", password="x-Password-123", full_name="赵帮忙")
    guest = people.volunteer_register(
        user=user, home_unit=personas.station_b, types=["local_talent"], categories=["culture"], consent=True
    )
    _credit(personas.volunteer_profile, personas.station)
    _credit(guest, personas.station)
    today = timezone.localdate()
    start = dt.date(today.year, 1, 1)
    at_a = selectors.figures(personas.station, start, today)
    assert (at_a.volunteers_active, at_a.volunteers) == (1, 1)  # the guest is station B's volunteer
    at_b = selectors.figures(personas.station_b, start, today)
    assert (at_b.volunteers_active, at_b.volunteers) == (1, 1)  # and active there, wherever he served
    above = selectors.figures(personas.institute, start, today)
    assert above.volunteers_active == 2 and above.volunteers >= 2
