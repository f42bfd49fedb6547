"""Demo data for coverage (全域化): the district's towns/streets and villages/communities, linked to the 所/站
the base data created, plus a few places not yet covered so the coverage page has something to show."""

from __future__ import annotations

import datetime as dt
import random

from civicloop.network.models import Place, Unit

# Places without a 所/站 yet (division codes under the demo's town and street).
UNCOVERED = [
    ("150203100203", "昆河镇新胜村", Place.Kind.VILLAGE, "150203100"),
    ("150203100204", "昆河镇红星村", Place.Kind.VILLAGE, "150203100"),
    ("150203006009", "友谊大街北社区", Place.Kind.COMMUNITY, "150203006"),
]


def seed(*, rng: random.Random, today: dt.date, scale: int = 0) -> None:
    if Place.objects.exists():
        return
    units = Unit.objects.filter(kind=Unit.Kind.PRACTICE).exclude(division_code="").order_by("path")
    by_code: dict[str, Place] = {}
    for unit in units.filter(level=Unit.Level.INSTITUTE):
        kind = Place.Kind.TOWN if unit.name.endswith(("镇新时代文明实践所", "乡新时代文明实践所")) else Place.Kind.STREET
        name = unit.name.replace("新时代文明实践所", "")
        opened = today - dt.timedelta(days=rng.randint(500, 1200))
        by_code[unit.division_code] = Place.objects.create(
            code=unit.division_code, name=name, kind=kind, unit=unit, opened_on=opened
        )
    for unit in units.filter(level=Unit.Level.STATION):
        parent = by_code.get(unit.division_code[:9])
        if parent is None or Place.objects.filter(code=unit.division_code).exists():
            continue
        kind = Place.Kind.VILLAGE if "村" in unit.name else Place.Kind.COMMUNITY
        Place.objects.create(
            code=unit.division_code, name=unit.name.replace("新时代文明实践站", ""), kind=kind, parent=parent,
            unit=unit, opened_on=today - dt.timedelta(days=rng.randint(100, 900)),
        )
    for code, name, kind, parent_code in UNCOVERED:
        parent = by_code.get(parent_code)
        if parent is not None and not Place.objects.filter(code=code).exists():
            Place.objects.create(code=code, name=name, kind=kind, parent=parent)
