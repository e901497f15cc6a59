"""How notifications leave the portal: e-mail through Django's mailer, SMS through an
`SmsSender` chosen by the `SERVICES_SMS_SENDER` setting (a dotted path). The default prints
to the log; a real gateway is a class with the same `send` method, configured, never imported
here by name."""

import logging
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


class SmsSender(Protocol):
    def send(self, *, phone: str, text: str) -> None:
        """Deliver `text` to `phone` (11 digits). Raise on failure."""


class ConsoleSmsSender:
    """Writes each SMS to the log instead of sending it: the default everywhere."""

    def send(self, *, phone: str, text: str) -> None:
        logger.info("SMS to %s: %s", phone, text)


def sms_sender() -> SmsSender:
    return import_string(settings.SERVICES_SMS_SENDER)()
