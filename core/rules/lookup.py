"""The public read of rule parameters: :func:`rule`.

``rule(key, node=None, on=None)`` answers the value of parameter ``key`` in force on date
``on`` (default: today in Asia/Shanghai, ``settings.TIME_ZONE``) for ``node``. The most
specific scope wins: the community, then the street, then the county, then the
registry's default.

``node`` is duck-typed. ``None`` means the county. Anything else has a ``rule_scopes``
attribute or property: a list of ``(scope, id)`` pairs, most specific first, e.g. a
community answers ``[("community", 7), ("street", 2)]``, a street ``[("street", 2)]``, a
grid or building the pairs of its community and street. The county is always appended
last; a ``("county", None)`` pair in the list is ignored.

All rows of a key are loaded once into the Django cache (``core.rules.cache``); every
write invalidates them. An unknown key raises ``KeyError``: it is a programming error.
"""

from __future__ import annotations

import datetime
import logging
from typing import Any

from django.core.cache import cache
from django.core.exceptions import ValidationError

from . import registry
from .cache import ROWS_TIMEOUT, generation, rows_key, written_in_this_transaction

logger = logging.getLogger("core.rules")

LOCAL_SCOPES = ("community", "street")


def _today() -> datetime.date:
    from .models import today

    return today()


def _load_rows(key: str) -> list[tuple[str, int | None, str, str]]:
    """``(scope, scope_id, in_force_from ISO date, value)`` of every row of ``key``, the
    latest date first."""
    from .models import RuleValue

    return [
        (scope, scope_id, in_force_from.isoformat(), value)
        for scope, scope_id, in_force_from, value in RuleValue.objects.filter(key=key)
        .order_by("-in_force_from", "-id")
        .values_list("scope", "scope_id", "in_force_from", "value")
    ]


def _rows(key: str):
    if written_in_this_transaction(key):
        return _load_rows(key)
    name = rows_key(key, generation(key))
    rows = cache.get(name)
    if rows is None:
        rows = _load_rows(key)
        cache.set(name, rows, timeout=ROWS_TIMEOUT)
    return rows


def scopes_of(node: Any) -> list[tuple[str, int | None]]:
    """The ``(scope, id)`` pairs to try for ``node``, most specific first, county last."""
    pairs: list[tuple[str, int | None]] = []
    if node is not None:
        for scope, scope_id in node.rule_scopes:
            if scope == "county":
                continue
            if scope not in LOCAL_SCOPES:
                raise ValueError(f"rule_scopes of {node!r}: unknown scope {scope!r}")
            pairs.append((scope, int(scope_id)))
    pairs.append(("county", None))
    return pairs


def rule(key: str, node: Any = None, on: datetime.date | None = None) -> Any:
    """The typed value of parameter ``key`` in force on ``on`` for ``node`` (see the
    module's docstring)."""
    parameter = registry.get_parameter(key)
    if on is None:
        on = _today()
    elif isinstance(on, datetime.datetime):
        raise TypeError("rule(on=...) takes a date, not a datetime")
    day = on.isoformat()
    rows = _rows(key)
    for scope, scope_id in scopes_of(node):
        for row_scope, row_scope_id, in_force_from, value in rows:
            if row_scope != scope or row_scope_id != scope_id or in_force_from > day:
                continue
            try:
                return registry.parse(parameter, value)
            except ValidationError:
                # The definition changed since the value was saved: say so, and fall back
                # to the older row, then the less specific scope, rather than break the
                # caller.
                logger.error(
                    "rule %s: the %s value %r in force from %s is refused by the parameter;"
                    " ignored",
                    key,
                    scope,
                    value,
                    in_force_from,
                )
    return parameter.default
