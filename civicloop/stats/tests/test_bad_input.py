"""A unit filter that is no id ("²" passed isdigit() and then failed int()): 404, never a 500."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("unit", ["²", "1" * 5000, str(10**22)])
@pytest.mark.parametrize("path", ["/stats/", "/stats/public/"])
def test_stats_pages_with_a_unit_that_is_no_id_are_404(client, personas, path, unit):
    client.force_login(personas.office)
    assert client.get(path, {"unit": unit}).status_code == 404
