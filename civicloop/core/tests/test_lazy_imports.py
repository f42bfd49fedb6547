"""A worker that never renders a PDF, an Excel file or a QR code, and never searches by pinyin, does not load
the libraries for them (issue #19: pypinyin alone added ~56 MB to every worker)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

HEAVY = ("reportlab", "openpyxl", "segno", "pypinyin", "jieba")
ROOT = Path(__file__).resolve().parents[3]

PROBE = f"""
import json, sys
import django
django.setup()
import civicloop.urls  # every app's URLconf, views, forms and API routers
from django.urls import get_resolver
get_resolver().url_patterns
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
