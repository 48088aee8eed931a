"""Periodic and on-commit work of the grid app: thin tasks that call services, each
idempotent and acknowledged late (a task lost with its worker runs again)."""

from dataclasses import asdict

from celery import shared_task

from . import services


@shared_task(acks_late=True)
def sweep_deadlines() -> dict:
    """The request loop's sweep alone (``core.workdays.tasks.sweep_deadlines`` runs it
    with every app's; schedules saved under this name still work): remind before the
    time limits, flag and notice the requests past them, idempotently."""
    return asdict(services.sweep_deadlines())


@shared_task(acks_late=True)
def mark_overdue_requests() -> int:
    """The former name of the deadline sweep (schedules saved in the database may still
    name it): runs the sweep, returns the requests newly flagged overdue."""
    return services.mark_overdue()
