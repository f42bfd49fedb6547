"""A migration step whose SQL differs between PostgreSQL and SQLite (row triggers): Django's RunSQL has one text
for every database, so the step picks the script of the connection it runs on."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.db import migrations


def _script(scripts: Mapping[str, str]) -> Callable[[Any, Any], None]:
    def run(apps: Any, schema_editor: Any) -> None:
        schema_editor.execute(scripts[schema_editor.connection.vendor])

    return run


def vendor_sql(forward: Mapping[str, str], backward: Mapping[str, str]) -> migrations.RunPython:
    """`forward` and `backward` map a vendor ("postgresql", "sqlite") to its script."""
    return migrations.RunPython(_script(forward), _script(backward))
