"""Deadlines that every mode keeps the same way: a reminder (催办) a little before the
limit, an overdue notice once it has passed, both from one periodic sweep.

An app registers its sweep once (in its ``AppConfig.ready``)::

    register_sweep("requests", sweep_request_deadlines)

and the beat task ``workdays.sweep_deadlines`` (every five minutes) runs every
registered sweep; each sweep must be idempotent (running it twice sends nothing twice:
key its notices by the object, the stage and the due time). The window helpers below
decide when the reminder is due, on the working calendar.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal

from django.utils import timezone

from .calendar import WorkCalendar

SWEEPS: dict[str, Callable] = {}


def register_sweep(name: str, sweep: Callable) -> None:
    """``sweep(now)`` is called by every run of the deadline task."""
    SWEEPS[name] = sweep


def run_sweeps(now: datetime.datetime | None = None) -> dict:
    now = now or timezone.now()
    return {name: sweep(now) for name, sweep in SWEEPS.items()}


def reminder_window(limit_hours, *, share, max_hours) -> Decimal:
    """How many working hours before a limit its reminder goes out: the last ``share``
    of the limit, but never more than ``max_hours`` ahead."""
    return min(Decimal(str(limit_hours)) * Decimal(str(share)), Decimal(str(max_hours)))


def reminder_due(calendar: WorkCalendar, now, due, window) -> bool:
    """Whether ``due`` (still ahead) is within ``window`` working hours of ``now``."""
    return now <= due and calendar.working_hours_between(now, due) <= Decimal(str(window))
