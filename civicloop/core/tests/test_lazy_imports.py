"""A worker that never renders a PDF, an Excel file or a QR code, and never searches by pinyin, does not load
the libraries for them (issue #19: pypinyin alone added ~56 MB to every worker). One that serves no API request
does not load the API (django-ninja, pydantic and the schemas: ~40 MB)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

HEAVY = ("reportlab", "openpyxl", "segno", "pypinyin", "jieba", "ninja", "pydantic")
ROOT = Path(__file__).resolve().parents[3]

PROBE = f"""
import json, sys
import django
django.setup()
from civicloop.wsgi import application  # the middleware
import civicloop.urls  # every app's URLconf, views and forms
from django.urls import get_resolver, reverse
get_resolver().url_patterns
reverse("orders:hall")  # reversing a page's URL walks every pattern
print(json.dumps([name for name in {HEAVY!r} if name in sys.modules]))
"""


def test_importing_the_urlconf_loads_no_heavy_library() -> None:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "civicloop.settings"}
    out = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []


def test_the_libraries_still_load_when_needed() -> None:
    from civicloop.core.text import pinyin_initials

    assert pinyin_initials("张三") == "zs"


def test_the_api_loads_on_its_first_request(client: Any) -> None:
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    assert "/api/orders" in "".join(response.json()["paths"])
    missing = client.get("/api/no-such-operation")
    assert missing.status_code == 404
    assert set(missing.json()) == {"detail"}
