"""The cache of rule values: every row of one key, stored once in the Django cache under a
versioned key, and its invalidation.

* Each key has a generation counter (``rules:gen:<key>``); the rows are stored under
  ``rules:rows:v<FORMAT>:<key>:<generation>``. A write bumps the generation, so rows a
  reader loaded before the write (and stores after it) land under a generation nobody
  reads again. A missing counter starts at the current time in nanoseconds, so a counter
  lost to eviction or a restart never comes back to an old generation.
* A write bumps the generation at once and again when its transaction commits: readers
  in other transactions may reload the old committed rows in between, the commit bump
  discards them.
* Inside the transaction that wrote a key, reads of that key skip the cache both ways:
  they see their own uncommitted write, and never publish it to other processes (nor leave
  it behind if the transaction rolls back).

This module imports no model.
"""

from __future__ import annotations

import contextlib
import time

from django.core.cache import cache
from django.db import transaction

#: Bump when the cached layout changes.
FORMAT = 1
#: How long a generation's rows stay cached (they are invalidated on every write anyway).
ROWS_TIMEOUT = 24 * 60 * 60


def _generation_key(key: str) -> str:
    return f"rules:gen:{key}"


def rows_key(key: str, generation: int) -> str:
    return f"rules:rows:v{FORMAT}:{key}:{generation}"


def generation(key: str) -> int:
    """The current generation of ``key``, created if missing."""
    name = _generation_key(key)
    current = cache.get(name)
    if current is None:
        fresh = time.time_ns()
        if cache.add(name, fresh, timeout=None):
            return fresh
        current = cache.get(name)
        if current is None:  # the cache is unreachable: a generation nobody has stored
            return fresh
    return current


def invalidate(key: str) -> None:
    """Make every reader reload the rows of ``key``."""
    name = _generation_key(key)
    # No counter: nothing is cached under a generation a reader would use.
    with contextlib.suppress(ValueError):
        cache.incr(name)


class _InvalidateOnCommit:
    """The on-commit callback of a write; also marks the key as written in the open
    transaction for as long as it is pending (``written_in_this_transaction``)."""

    def __init__(self, key: str):
        self.key = key
        self.done = False

    def __call__(self):
        self.done = True
        invalidate(self.key)


def note_write(key: str, using: str | None = None) -> None:
    """A row of ``key`` was written: invalidate now and when the transaction commits."""
    invalidate(key)
    transaction.on_commit(_InvalidateOnCommit(key), using=using, robust=True)


def written_in_this_transaction(key: str, using: str | None = None) -> bool:
    """Whether the open transaction wrote a row of ``key`` (its on-commit callback is still
    pending; a rolled-back savepoint or transaction drops it)."""
    connection = transaction.get_connection(using)
    if not connection.in_atomic_block:
        return False
    for entry in connection.run_on_commit:
        callback = entry[1]
        if isinstance(callback, _InvalidateOnCommit) and callback.key == key and not callback.done:
            return True
    return False
