"""`manage.py check --deploy`: a production site must send its SMS codes through a real gateway, not the log."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Warning, register

LOGGING_CHANNEL = "civicloop.notify.channels.LoggingSmsChannel"


@register(deploy=True)
def sms_gateway_configured(app_configs: Any = None, **kwargs: Any) -> list[Warning]:
    found = []
    for name in ("SMS_CHANNEL", "PASSWORD_RESET_SMS_CHANNEL"):
        if getattr(settings, name, LOGGING_CHANNEL) == LOGGING_CHANNEL:
            found.append(
                Warning(
                    f"{name} is the logging channel: sign-in, registration and reset codes are only written to "
                    "the log and never reach anyone's phone.",
                    hint="Set it to your SMS gateway's channel class (a civicloop.notify.channels.SmsChannel).",
                    id=f"civicloop.W00{1 if name == 'SMS_CHANNEL' else 2}",
                )
            )
    return found
