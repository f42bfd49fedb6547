"""One vocabulary of audit actions: every code the source writes is listed in `Action` or is a declared
workflow step, and the audit page shows its label."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from civicloop.audit.actions import Action, action_label, is_known

ROOT = Path(__file__).resolve().parents[2]
CALLS = {"audit_record", "require", "deny"}


def _written_codes() -> set[str]:
    codes: set[str] = set()
    for path in ROOT.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name not in CALLS:
                continue
            for kw in node.keywords:
                if kw.arg == "action" and isinstance(kw.value, ast.Constant) and isinstance(kw.value.value, str):
                    codes.add(kw.value.value)
    return codes


def test_every_written_code_is_in_the_vocabulary() -> None:
    codes = _written_codes()
    assert len(codes) > 50  # the scan finds the calls
    unknown = sorted(c for c in codes if not is_known(c))
    assert not unknown, f"audit codes missing from civicloop.audit.actions.Action: {unknown}"


def test_labels_come_from_the_vocabulary_and_the_declarations() -> None:
    assert action_label(Action.LOGIN) == str(Action.LOGIN.label)
    assert action_label("orders.claim").endswith("领单") or "Claim" in action_label("orders.claim")
    assert action_label("something.old") == "something.old"


@pytest.mark.django_db
def test_the_audit_page_shows_labels(client, personas) -> None:
    from civicloop.audit.services import audit_record

    audit_record(action="orders.claim", actor=personas.leader, unit=personas.station)
    client.force_login(personas.auditor)
    body = client.get("/audit/").content.decode()
    assert "orders.claim" in body and action_label("orders.claim") in body
