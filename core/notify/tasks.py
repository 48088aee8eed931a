"""Delivery of the outbox and the daily digest: thin tasks, idempotent and acknowledged
late (a task lost with its worker runs again)."""

from celery import shared_task

from . import services


@shared_task(acks_late=True, ignore_result=True)
def drain_outbox() -> int:
    """Deliver the pending notifications: enqueued when a change commits, and run every
    minute to catch what an unreachable broker kept from being enqueued."""
    return services.drain_outbox()


@shared_task(acks_late=True)
def send_digests() -> int:
    """The daily digest text of the users who chose it (queued once a day)."""
    return services.send_digests()
