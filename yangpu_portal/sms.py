"""How sign-in codes leave the portal: through a sender class named by the `SMS_SENDER`
setting (a dotted path). The interface is the one `services.senders` uses for notifications
(`send(*, phone, text)`), so one gateway class serves both; `SMS_SENDER` falls back to
`SERVICES_SMS_SENDER` when only that is configured. The default writes the text to the log."""

import logging
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


class SmsSender(Protocol):
    def send(self, *, phone: str, text: str) -> None:
        """Deliver `text` to `phone` (11 digits). Raise on failure."""


class ConsoleSender:
    """Writes each SMS to the log instead of sending it: the default, for development."""

    def send(self, *, phone: str, text: str) -> None:
        logger.info("SMS to %s: %s", phone, text)


def sms_sender() -> SmsSender:
    return import_string(settings.SMS_SENDER)()
