"""Security headers (issue #11): CSP without unsafe-inline, Permissions-Policy, no-store for signed-in answers;
no template brings inline script or style back."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I), "inline <script>"),
    (re.compile(r"<style\b", re.I), "<style> element"),
    (re.compile(r"\sstyle=\"", re.I), "style attribute"),
    (re.compile(r"\son[a-z]+=\"", re.I), "inline event handler"),
    (re.compile(r"\shx-on", re.I), "hx-on (needs eval)"),
]


def test_no_template_has_inline_script_or_style():
    found = []
    for path in ROOT.rglob("templates/**/*.html"):
        text = path.read_text(encoding="utf-8")
        for pattern, what in INLINE:
            for m in pattern.finditer(text):
                found.append(f"{path.relative_to(ROOT)}:{text[: m.start()].count(chr(10)) + 1}: {what}")
    assert found == []


def test_csp_and_permissions_policy_on_every_page(client, personas):
    for path in ("/", "/accounts/login/"):
        response = client.get(path)
        csp = response["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "style-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
        policy = response["Permissions-Policy"]
        assert "camera=(self)" in policy and "microphone=()" in policy  # the camera only for 扫一扫, on this site


@pytest.mark.parametrize(
    ("who", "path"),
    [
        ("station_staff", "/people/residents/"),
        ("station_staff", "/api/people/residents"),
        ("resident", "/people/my/resident/"),
        ("auditor", "/audit/"),
    ],
)
def test_signed_in_answers_are_not_cached(client, personas, who, path):
    client.force_login(getattr(personas, who))
    response = client.get(path)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_bearer_api_answers_are_not_cached(client, personas):
    from conftest import token_for

    token = token_for(client, "resident")
    response = client.get("/api/people/me", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert "no-store" in response["Cache-Control"]
