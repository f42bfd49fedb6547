"""Print the current second-factor code of a demo login (only for the demo's printed key, never in production)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from civicloop.demo.kundulun import DEMO_TOTP_KEY_HEX


class Command(BaseCommand):
    help = "Print the current authenticator code of a demo staff login (the demo key only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, username: str, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("otp_code is a demo helper and does not run in production.")
        device = TOTPDevice.objects.filter(
            user__username=username, confirmed=True, key=DEMO_TOTP_KEY_HEX
        ).first()
        if device is None:
            raise CommandError(f"{username} has no demo authenticator.")
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        self.stdout.write(f"{totp.token():0{device.digits}d}")
