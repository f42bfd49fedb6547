"""Issue an Open311 api_key to a station, as one of its staff: `manage.py open311_key --unit 12 --staff station
--name 融媒体APP`. The key is printed once."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from civicloop.network.models import Unit
from civicloop.open311.services import integration_key_issue


class Command(BaseCommand):
    help = "Issue an Open311 api_key for a station (printed once)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--unit", type=int, required=True)
        parser.add_argument("--staff", required=True, help="username of a staff member of the unit or above")
        parser.add_argument("--name", required=True, help="who integrates, e.g. 融媒体APP")

    def handle(self, *args: Any, unit: int, staff: str, name: str, **options: Any) -> None:
        target = Unit.objects.filter(pk=unit).first()
        user = get_user_model().objects.filter(username=staff).first()
        if target is None or user is None:
            raise CommandError("unknown unit or staff username")
        try:
            key, plain = integration_key_issue(unit=target, name=name, actor=user)
        except (ValidationError, PermissionDenied) as exc:
            raise CommandError("; ".join(getattr(exc, "messages", [str(exc)]))) from exc
        self.stdout.write(f"api_key for {target.name} ({key.name}): {plain}")
