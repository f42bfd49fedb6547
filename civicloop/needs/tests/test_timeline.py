"""Rounds and questionnaires move only through their declared steps, each leaving one event on the timeline."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from civicloop.core.exceptions import Conflict
from civicloop.needs import services
from civicloop.needs.models import NeedsRoundEvent, SurveyEvent

pytestmark = pytest.mark.django_db


def test_survey_open_and_close_are_events(client, personas: Any, survey: Any) -> None:
    assert survey.status == "open"  # the fixture opened it
    services.survey_close(survey=survey, actor=personas.station_staff)
    with pytest.raises(Conflict):
        services.survey_close(survey=survey, actor=personas.station_staff)
    survey.refresh_from_db()
    assert (survey.status, survey.version) == ("closed", 2)
    steps = list(SurveyEvent.objects.filter(subject=survey).order_by("pk").values_list("step", flat=True))
    assert steps == ["create", "open", "close"]
    client.force_login(personas.station_staff)
    assert "workflow-timeline" in client.get(reverse("needs:survey_detail", args=[survey.pk])).content.decode()


def test_round_close_is_an_event_and_the_next_round_starts_its_timeline(client, personas: Any, rnd: Any) -> None:
    nxt = services.round_close(round=rnd, actor=personas.station_staff)
    rnd.refresh_from_db()
    assert (rnd.status, rnd.version, rnd.closed_by) == ("closed", 1, personas.station_staff)
    assert list(NeedsRoundEvent.objects.filter(subject=rnd).values_list("step", flat=True)) == ["open", "close"]
    assert list(NeedsRoundEvent.objects.filter(subject=nxt).values_list("step", flat=True)) == ["draft"]
    client.force_login(personas.station_staff)
    assert "workflow-timeline" in client.get(reverse("needs:round_detail", args=[rnd.pk])).content.decode()
