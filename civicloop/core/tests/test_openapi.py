"""The OpenAPI document as a contract: bilingual summaries, tags, the error answers with their body, unique
schema names, and a document that validates."""

from __future__ import annotations

import re
from collections import defaultdict

import pytest

from civicloop.api import api

HAN = re.compile(r"[\u4e00-\u9fff]")
LATIN = re.compile(r"[A-Za-z]{2,}")


@pytest.fixture(scope="module")
def schema():
    return api.get_openapi_schema()


def _ops(schema):
    for path, methods in schema["paths"].items():
        for method, op in methods.items():
            yield method.upper(), path, op


def test_every_operation_has_a_chinese_and_english_summary_and_a_tag(schema):
    """Every operation has a "中文 · English" summary (in the decorator, or core.openapi.SUMMARIES) and a tag."""
    lacking = sorted(
        f"{m} {p}"
        for m, p, op in _ops(schema)
        if not (HAN.search(op.get("summary", "")) and LATIN.search(op.get("summary", "")))
    )
    assert all(op.get("tags") for _m, _p, op in _ops(schema))
    assert not lacking, "operations without a bilingual summary:\n" + "\n".join(f"  {op}" for op in lacking)


def test_error_answers_are_documented_with_their_body(schema):
    assert "ErrorOut" in schema["components"]["schemas"]
    for method, path, op in _ops(schema):
        responses = op["responses"]
        expected = {"400"} | ({"401", "403"} if op.get("security") else set()) | ({"404"} if "{" in path else set())
        assert expected <= set(responses), (method, path, sorted(responses))
        for code in expected:
            body = responses[code]["content"]["application/json"]["schema"]
            assert body.get("$ref", "").endswith("/ErrorOut") or body.get("title") == "ErrorOut", (method, path, code)
            assert responses[code]["content"]["application/json"]["example"]["detail"], (method, path, code)


def test_schema_names_are_unique():
    """Two classes with one name would be documented as one (the survey body shown for a whistle answer)."""
    by_name: dict[str, set[str]] = defaultdict(set)
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for op in path_view.operations:
                for model in [*getattr(op, "models", []), *op.response_models.values()]:
                    for field in getattr(model, "model_fields", {}).values():
                        ann = field.annotation
                        for cls in (ann, *getattr(ann, "__args__", ())):
                            # pagination inputs are query parameters, never components
                            if isinstance(cls, type) and hasattr(cls, "model_fields") and "pagination" not in cls.__module__:
                                by_name[cls.__name__].add(f"{cls.__module__}.{cls.__qualname__}")
    clashes = {name: sorted(paths) for name, paths in by_name.items() if len(paths) > 1}
    assert not clashes, clashes


def test_the_document_validates(schema):
    import json

    from openapi_spec_validator import validate

    validate(json.loads(json.dumps(schema, default=str)))  # as served at /api/openapi.json
