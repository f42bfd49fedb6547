from __future__ import annotations

import pytest

from civicloop.network.models import Unit

pytestmark = pytest.mark.django_db


def test_ancestor_paths_root_first_with_and_without_the_unit(personas):
    station = personas.station
    paths = station.ancestor_paths()
    assert paths[-1] == station.path and paths[0] == personas.root.path
    assert list(Unit.objects.filter(path__in=paths).order_by("depth").values_list("pk", flat=True))[-1] == station.pk
    assert station.ancestor_paths(include_self=False) == paths[:-1]
    assert Unit.paths_above(station.path) == paths
