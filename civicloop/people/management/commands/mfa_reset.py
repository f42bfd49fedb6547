"""`manage.py mfa_reset USERNAME`: remove a person's authenticator and recovery codes (lost phone).

They enrol again at their next sign-in. Run by an operator after checking who is asking; the reset is audited.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from civicloop.audit.services import audit_record
from civicloop.people.models import User


class Command(BaseCommand):
    help = "Remove a user's authenticator app and recovery codes so that they enrol again."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, username: str, **options: Any) -> None:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no user {username}")
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        audit_record(action="mfa_reset", obj=user, detail="by manage.py mfa_reset")
        self.stdout.write(f"{username}: two-step sign-in removed; they set it up again at their next sign-in")
