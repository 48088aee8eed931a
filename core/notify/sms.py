"""Text messages to phones, through a pluggable backend (``PORTAL_SMS_BACKEND``)."""

import logging

from django.conf import settings
from django.utils.module_loading import import_string

from core.masking import mask_phone

logger = logging.getLogger("core.notify.sms")


class LogSMSBackend:
    """The default backend: writes the message to the log instead of sending it."""

    def send(self, phone: str, message: str) -> None:
        logger.warning("SMS to %s (not sent, log backend): %s", mask_phone(phone), message)


class MemorySMSBackend:
    """Keeps messages in memory, for tests."""

    outbox: list[tuple[str, str]] = []

    def send(self, phone: str, message: str) -> None:
        self.outbox.append((phone, message))


def sms_backend():
    return import_string(getattr(settings, "PORTAL_SMS_BACKEND", "core.notify.sms.LogSMSBackend"))()


def send_sms(phone: str, message: str) -> None:
    sms_backend().send(phone, message)
