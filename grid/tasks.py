"""Periodic and on-commit work of the grid app: thin tasks that call services, each
idempotent and acknowledged late (a task lost with its worker runs again)."""

from dataclasses import asdict

from celery import shared_task

from . import services


@shared_task(acks_late=True, ignore_result=True)
def drain_outbox() -> int:
    """Deliver the pending notifications: enqueued when a change commits, and run every
    minute to catch what an unreachable broker kept from being enqueued."""
    return services.drain_outbox()


@shared_task(acks_late=True)
def sweep_deadlines() -> dict:
    """Remind before the time limits, flag and notice the requests past them (running
    it twice sends nothing twice)."""
    return asdict(services.sweep_deadlines())


@shared_task(acks_late=True)
def mark_overdue_requests() -> int:
    """The former name of the deadline sweep (schedules saved in the database may still
    name it): runs the sweep, returns the requests newly flagged overdue."""
    return services.mark_overdue()
