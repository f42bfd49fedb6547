"""docs/api_walkthrough.py drives a whole activity and a whole needs round through the API alone, over real
HTTP against a live server (the script a partner's app would be)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from conftest import PASSWORD

SCRIPT = Path(__file__).resolve().parents[3] / "docs" / "api_walkthrough.py"


@pytest.mark.django_db(transaction=True)
def test_walkthrough_script_passes_against_a_live_server(personas, live_server):
    from civicloop.needs.models import NeedsRound
    from civicloop.records.models import ServiceRecord

    args = [
        sys.executable, str(SCRIPT), "--base", live_server.url, "--station", str(personas.station.pk),
        "--staff", "station", "--volunteer", "volunteer", "--resident", "resident", "--password", PASSWORD,
    ]
    args += getattr(personas, "otp_args", [])  # staff with a second factor pass it with their TOTP secret
    done = subprocess.run(args, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "walkthrough passed" in done.stdout
    assert ServiceRecord.objects.filter(volunteer=personas.volunteer_profile, hours=3).exists()
    assert NeedsRound.objects.filter(drafted_from__isnull=False).count() == 1
