"""The API is a first-class client: every service a page performs is performed by an API operation, every
signed-in operation has a test where the wrong person is refused, and anonymous callers get 401 everywhere."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from civicloop.api import api
from civicloop.core import parity

SCHEMA = api.get_openapi_schema()


def test_every_page_action_has_an_api_twin():
    missing = parity.missing_twins()
    assert not missing, "pages whose services no API operation calls:\n" + "\n".join(
        f"  {u.module}.views.{u.function} → {u.service}" for u in missing
    )


def test_the_check_would_notice_a_lost_twin(tmp_path, monkeypatch):
    """Drop the API module of an app whose pages write, and the parity check must name its services."""
    fake = tmp_path / "civicloop"
    for app in ("brands",):
        (fake / app).mkdir(parents=True)
        (fake / app / "views.py").write_text((parity.ROOT / app / "views.py").read_text(encoding="utf-8"))
        (fake / app / "api.py").write_text("router = None\n")
    (fake / "api.py").write_text("")
    monkeypatch.setattr(parity, "ROOT", fake)
    lost = {u.service for u in parity.missing_twins()}
    assert {"brand_create", "brand_update"} <= lost


def test_every_signed_in_operation_has_a_denial_test():
    """Every signed-in operation comes with a test that calls it as the wrong person and expects the refusal."""
    missing = sorted(parity.operations_without_denial_test(SCHEMA))
    assert not missing, "operations no test calls as the wrong person:\n" + "\n".join(f"  {m} {p}" for m, p in missing)


@pytest.mark.django_db
def test_anonymous_callers_are_refused_everywhere(client):
    """Each signed-in operation, called without a session or token, answers 401 and writes nothing."""
    from civicloop.audit.models import AuditEvent

    before = AuditEvent.objects.filter(outcome="ok").count()
    for method, path, public in parity.operations(SCHEMA):
        if public:
            continue
        concrete = re.sub(r"\{[^}]+\}", "1", path)
        r = client.generic(method, concrete, "{}", content_type="application/json")
        assert r.status_code == 401, (method, path, r.status_code)
    assert AuditEvent.objects.filter(outcome="ok").count() == before


def test_parity_reads_the_real_tree():
    assert Path(parity.ROOT, "orders", "views.py").exists()
    assert len(parity.page_uses()) > 50 and len(parity.operations(SCHEMA)) > 100
