"""The periodic sweep of every app's deadlines (thin; the sweeps are idempotent)."""

from dataclasses import asdict, is_dataclass

from celery import shared_task

from .deadlines import run_sweeps


@shared_task(acks_late=True)
def sweep_deadlines() -> dict:
    """Run every registered sweep; returns what each reported."""
    return {name: _plain(result) for name, result in run_sweeps().items()}


def _plain(result):
    return asdict(result) if is_dataclass(result) else result
