"""Every status change goes through the workflow engine (civicloop.core.workflow).

Two checks:
- every model with a `status` field is declared in a workflow (with a `version` field and an event model);
- no source file outside the engine writes a status: the source of every module is parsed and each
  `.update(status=...)`, `x.status = ...`, `setattr(x, "status", ...)` and `bulk_update(..., ["status"])` fails
  the test (but for the bulk-written histories listed below). Creating a row with its initial status
  (`objects.create(status=...)`) is not a change and is allowed.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.apps import apps

from civicloop.core.workflow import REGISTRY

ROOT = Path(__file__).resolve().parents[2]  # civicloop/
ENGINE = ROOT / "core" / "workflow.py"

# Histories written in bulk (demo and bench): problems built in memory with their events at the story's times and
# bulk-inserted, counters rebuilt after — rows created in a state, not moves of existing rows.
BULK_HISTORIES = {("campaigns/bulk.py", "p.status")}


def _stateful_models() -> list[str]:
    found = []
    for model in apps.get_models():
        names = {f.name for f in model._meta.concrete_fields}
        if "status" in names and model.__module__.startswith("civicloop.") and model._meta.app_label != "core":
            found.append(model._meta.label_lower)
    return sorted(found)


def test_every_stateful_model_is_declared_or_listed() -> None:
    declared = {wf.model._meta.label_lower: wf for wf in REGISTRY.values() if wf.model._meta.app_label != "core"}
    for label in _stateful_models():
        assert label in declared, f"{label} has a status but no workflow declaration"
        wf = declared[label]
        fields = {f.name for f in wf.model._meta.concrete_fields}
        assert wf.version_field in fields, f"{label} needs a version field"
        assert wf.event_model is not None, f"{label} needs an event model"
        field = wf.model._meta.get_field(wf.status_field)
        if field.choices:  # a field with choices must list exactly the declared states
            codes = {c for c, _label in field.choices}
            assert codes == set(wf.states), f"{label}: declared states differ from the field's choices"
        # without choices the declaration is the one list of states; every code must fit the column
        assert all(len(code) <= field.max_length for code in wf.states), f"{label}: a state code is too long"


def _writes_status(node: ast.AST) -> bool:
    """A call or assignment that changes a `status` column of an existing row."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        name = node.func.attr
        if name == "update" and any(k.arg == "status" for k in node.keywords):
            return True
        if name == "update" and any(
            k.arg is None and isinstance(k.value, ast.Dict) and any(
                isinstance(key, ast.Constant) and key.value == "status" for key in k.value.keys
            )
            for k in node.keywords
        ):
            return True
        if name == "bulk_update":
            return "'status'" in ast.unparse(node) or '"status"' in ast.unparse(node)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "setattr":
        return len(node.args) >= 2 and isinstance(node.args[1], ast.Constant) and node.args[1].value == "status"
    if isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        for target in targets:
            elements = target.elts if isinstance(target, ast.Tuple) else [target]
            if any(isinstance(t, ast.Attribute) and t.attr == "status" for t in elements):
                return True
    return False


def _sources() -> list[Path]:
    return [
        p
        for p in sorted(ROOT.rglob("*.py"))
        if "tests" not in p.parts and "migrations" not in p.parts and p != ENGINE
    ]


def test_no_status_is_written_outside_the_engine() -> None:
    allowed = {(ROOT / path, marker) for path, marker in BULK_HISTORIES}
    offenders = []
    for path in _sources():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if not _writes_status(node):
                continue
            text = ast.unparse(node)
            if not any(path == p and marker in text for p, marker in allowed):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}: {text[:80]}")
    assert not offenders, "status written outside the workflow engine:\n" + "\n".join(offenders)


@pytest.mark.parametrize(
    "code",
    [
        "Order.objects.filter(pk=1).update(status='closed')",
        "Survey.objects.filter(pk=1).update(**{'status': 'open'})",
        "order.status = 'closed'",
        "a.name, a.status = 'x', 'ended'",
        "setattr(order, 'status', 'closed')",
        "Order.objects.bulk_update(rows, ['status'])",
    ],
)
def test_the_scanner_catches_each_way_of_writing_a_status(code: str) -> None:
    assert any(_writes_status(n) for n in ast.walk(ast.parse(code)))


@pytest.mark.parametrize(
    "code",
    [
        "Order.objects.create(status='submitted')",
        "Order.objects.filter(status='open').update(claim_due=None)",
        "x = order.status",
    ],
)
def test_the_scanner_lets_creation_and_reads_pass(code: str) -> None:
    assert not any(_writes_status(n) for n in ast.walk(ast.parse(code)))
