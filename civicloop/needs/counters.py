"""What surveys, their answers and recorded needs add to the figures' counters (registered by CivicApp.ready;
see civicloop/core/counters.py)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping
from typing import Any

from django.db.models import F

from civicloop.core.counters import Contribution, CounterSource, day
from civicloop.needs.models import Need, Response, Survey


def survey_values(survey: Any) -> dict[str, Any]:
    return {
        "unit_path": survey.unit_path,
        "created_at": survey.created_at,
        "paper_distributed": survey.paper_distributed,
    }


def survey_contribution(v: dict[str, Any]) -> Contribution:
    c: Contribution = Counter()
    if v["paper_distributed"]:
        c["survey_paper", v["unit_path"], day(v["created_at"]), ""] += int(v["paper_distributed"])
    return c


def survey_rows() -> Iterator[Mapping[str, Any]]:
    yield from Survey.objects.values("unit_path", "created_at", "paper_distributed").iterator(chunk_size=5000)


def response_values(response: Any) -> dict[str, Any]:
    return {
        "unit_path": response.survey.unit_path,
        "created_at": response.created_at,
        "channel": response.channel,
    }


def response_contribution(v: dict[str, Any]) -> Contribution:
    return Counter({("survey_responses", v["unit_path"], day(v["created_at"]), v["channel"]): 1})


def response_rows() -> Iterator[Mapping[str, Any]]:
    yield from (
        Response.objects.annotate(unit_path=F("survey__unit_path"))
        .values("unit_path", "created_at", "channel")
        .iterator(chunk_size=5000)
    )


def need_values(need: Any) -> dict[str, Any]:
    return {"unit_path": need.unit_path, "created_at": need.created_at, "status": need.status}


def need_contribution(v: dict[str, Any]) -> Contribution:
    return Counter({("needs", v["unit_path"], day(v["created_at"]), v["status"]): 1})


def need_rows() -> Iterator[Mapping[str, Any]]:
    yield from Need.objects.values("unit_path", "created_at", "status").iterator(chunk_size=5000)


SOURCES = (
    CounterSource("survey", values=survey_values, contribution=survey_contribution, rows=survey_rows),
    CounterSource("response", values=response_values, contribution=response_contribution, rows=response_rows),
    CounterSource("need", values=need_values, contribution=need_contribution, rows=need_rows),
)
