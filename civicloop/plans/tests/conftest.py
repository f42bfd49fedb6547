"""A committee on the personas' tree: the district centre's committee with two member departments (the health
commission, whose liaison is the conftest persona, and the education bureau), a department that is not a member,
and a sibling district with its own office."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from conftest import PASSWORD


@dataclass
class World:
    committee: Any
    health: Any  # Member (personas.department; liaison persona acts for it)
    edu: Any  # Member
    edu_user: Any
    sci_user: Any  # staff of a department that is not a member
    other_office: Any  # staff of a sibling district's root
    other_committee: Any


@pytest.fixture
def world(personas: Any) -> World:
    from civicloop.network.models import Membership
    from civicloop.network.services import unit_create
    from civicloop.people import services as people
    from civicloop.plans import services

    edu_unit = unit_create(parent=personas.root, name="区教育局", kind="department")
    sci_unit = unit_create(parent=personas.root, name="区科学技术协会", kind="department")
    other_root = unit_create(parent=None, name="青山区新时代文明实践中心", division_code="150204")

    def staff(username: str, unit: Any) -> Any:
        user = people.user_create(username=username, password=PASSWORD, full_name=username)
        Membership.objects.create(user=user, unit=unit, role="staff")
        return user

    edu_user, sci_user, other_office = staff("edu", edu_unit), staff("sci", sci_unit), staff("qs_office", other_root)
    committee = services.committee_create(
        unit=personas.root, name="昆都仑区精神文明建设委员会", actor=personas.office,
        group_name="新时代文明实践领导小组", head_name="高志远", head_title="区委书记", office_name="区文明办",
    )
    health = services.member_add(committee=committee, unit=personas.department, actor=personas.office, role="lead_group")
    edu = services.member_add(committee=committee, unit=edu_unit, actor=personas.office)
    other = services.committee_create(unit=other_root, name="青山区文明委", actor=other_office)
    return World(committee, health, edu, edu_user, sci_user, other_office, other)
