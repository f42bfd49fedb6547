"""The production check: `check --deploy` is clean with production settings, and secrets are required."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def _run(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    base = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "SECRET_KEY",
            "FIELD_ENCRYPTION_KEY",
            "ALLOWED_HOSTS",
            "DEBUG",
            "DJANGO_SETTINGS_MODULE",
            "SMS_CHANNEL",
            "PASSWORD_RESET_SMS_CHANNEL",
            "DJANGO_ALLOW_ASYNC_UNSAFE",  # set by conftest for Playwright; never in a deployment
        }
    }
    base.update(CIVICLOOP_ENV="production", CIVICLOOP_VAR_DIR=str(tmp_path), **env)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=base,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_deploy_check_passes_with_production_settings(tmp_path):
    result = _run(
        tmp_path,
        SECRET_KEY=secrets.token_urlsafe(64),
        FIELD_ENCRYPTION_KEY=secrets.token_urlsafe(32),
        ALLOWED_HOSTS="example.org",
        SMS_CHANNEL="example.gateway.AliyunSmsChannel",  # a real gateway's class (only the name is checked)
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
    assert not list(tmp_path.glob("*.key"))  # production never generates secrets into files


def test_production_refuses_to_start_without_secret_key(tmp_path):
    result = _run(tmp_path, FIELD_ENCRYPTION_KEY=secrets.token_urlsafe(32), ALLOWED_HOSTS="example.org")
    assert result.returncode != 0
    assert "SECRET_KEY must be set in production" in result.stderr


def test_production_refuses_to_start_without_field_encryption_key(tmp_path):
    result = _run(tmp_path, SECRET_KEY=secrets.token_urlsafe(64), ALLOWED_HOSTS="example.org")
    assert result.returncode != 0
    assert "FIELD_ENCRYPTION_KEY must be set in production" in result.stderr


def test_deploy_check_flags_a_weak_secret_key(tmp_path):
    result = _run(
        tmp_path,
        SECRET_KEY="short",
        FIELD_ENCRYPTION_KEY=secrets.token_urlsafe(32),
        ALLOWED_HOSTS="example.org",
    )
    assert result.returncode != 0
    assert "security.W009" in result.stdout + result.stderr


def test_deploy_check_warns_while_sms_codes_only_go_to_the_log(tmp_path):
    result = _run(
        tmp_path, SECRET_KEY=secrets.token_urlsafe(64), FIELD_ENCRYPTION_KEY=secrets.token_urlsafe(32),
        ALLOWED_HOSTS="example.org",
    )
    assert result.returncode != 0
    assert "civicloop.W001" in result.stdout + result.stderr
