"""Model fields that keep personal data encrypted at rest."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.lookups import StartsWith
from django.utils.translation import gettext_lazy as _

from civicloop.core import crypto


class EncryptedTextField(models.TextField):
    """A text value stored as a Fernet token; Python code sees the plain string.

    Not filterable by value: look rows up through the companion keyed-hash column instead.
    """

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        if value is None or value == "":
            return value
        return crypto.decrypt(value)

    def get_prep_value(self, value: Any) -> str | None:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return crypto.encrypt(str(value))


class EncryptedDateField(models.TextField):
    """A date stored encrypted (birth dates are sensitive)."""

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> dt.date | None:
        if not value:
            return None
        return dt.date.fromisoformat(crypto.decrypt(value))

    def to_python(self, value: Any) -> dt.date | None:
        if value is None or value == "" or isinstance(value, dt.date):
            return value or None
        return dt.date.fromisoformat(str(value))

    def get_prep_value(self, value: Any) -> str | None:
        value = self.to_python(value)
        return None if value is None else crypto.encrypt(value.isoformat())


class EncryptedJSONField(models.TextField):
    """A small JSON value (e.g. a list of focus groups) stored encrypted."""

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> Any:
        if not value:
            return None
        return json.loads(crypto.decrypt(value))

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            try:
                return json.loads(value)
            except ValueError as exc:
                raise ValidationError(_("Enter valid JSON."), code="invalid") from exc
        return value

    def value_to_string(self, obj: Any) -> str | None:
        """Serialise as JSON (not a Python repr), so dumpdata output loads back."""
        value = self.value_from_object(obj)
        return None if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)

    def get_prep_value(self, value: Any) -> str | None:
        if value is None:
            return None
        return crypto.encrypt(json.dumps(value, ensure_ascii=False, sort_keys=True))


class PathField(models.CharField):
    """A copy of a unit's materialised path (treebeard, [0-9A-Z]); `__startswith` finds a subtree.

    On SQLite Django compiles `startswith` to `LIKE 'p%' ESCAPE '\\'`, which SQLite never answers from an index
    (its LIKE ignores case), so every subtree filter scanned the table. Paths use only digits and capital letters,
    so the subtree is exactly the range [p, p + '~'), which both databases answer with an index range scan.
    """


@PathField.register_lookup
class PathStartsWith(StartsWith):
    lookup_name = "startswith"

    def as_sqlite(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        if not isinstance(self.rhs, str) or not self.rhs_is_direct_value():
            return super().as_sql(compiler, connection)
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"({lhs} >= %s AND {lhs} < %s)", [*lhs_params, self.rhs, self.rhs + "~"]
