"""Periodic work of the grid app: thin tasks that call services."""

from celery import shared_task

from . import services


@shared_task(acks_late=True)
def mark_overdue_requests() -> int:
    """Flag open requests past their time limits (idempotent: a second run flags
    nothing new)."""
    return services.mark_overdue()
