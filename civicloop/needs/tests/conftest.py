from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from civicloop.needs import services
from civicloop.needs.models import Question


@pytest.fixture
def rnd(personas: Any) -> Any:
    return services.round_open(
        unit=personas.station,
        title="2026年第四季度需求征集",
        starts_on=dt.date(2026, 10, 1),
        ends_on=dt.date(2026, 12, 31),
        target_groups=["empty_nest_elderly", "left_behind_child"],
        actor=personas.station_staff,
    )


@pytest.fixture
def survey(personas: Any, rnd: Any) -> Any:
    s = services.survey_create(
        unit=personas.station, title="社区需求调查问卷", round=rnd, actor=personas.station_staff
    )
    services.question_add(
        survey=s,
        kind=Question.Kind.SINGLE,
        text="您最需要哪类服务？",
        required=True,
        options="健康义诊\n文化活动\n理论宣讲",
        actor=personas.station_staff,
    )
    services.question_add(
        survey=s,
        kind=Question.Kind.MULTIPLE,
        text="您方便的时间？",
        required=False,
        options=["周末上午", "周末下午", "工作日晚上"],
        actor=personas.station_staff,
    )
    services.question_add(
        survey=s,
        kind=Question.Kind.RATING,
        text="您对社区服务的满意度",
        required=True,
        actor=personas.station_staff,
    )
    services.question_add(
        survey=s, kind=Question.Kind.TEXT, text="还有什么需求？", required=False, actor=personas.station_staff
    )
    services.survey_publish(survey=s, actor=personas.station_staff)
    return s


def answers_for(
    survey: Any, single: str = "健康义诊", rating: str = "5", text: str = ""
) -> dict[int, list[str]]:
    q = list(survey.questions.all())
    return {q[0].pk: [single], q[1].pk: ["周末上午"], q[2].pk: [rating], q[3].pk: [text] if text else []}
