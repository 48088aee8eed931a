"""The code registry of rule parameters: what each number of the domain is, its kind, unit,
bounds, default and source.

An app declares its parameters once and registers them when it is ready::

    # myapp/rules.py
    from decimal import Decimal
    from django.utils.translation import gettext_lazy as _
    from core.rules.registry import Kind, Parameter, register

    REGISTER_LIMIT = Parameter(
        key="requests.register_limit_hours",
        default=Decimal("1"),
        kind=Kind.DECIMAL,
        unit=_("working hours"),
        label=_("Register a report within"),
        minimum=Decimal("0.5"),
        maximum=Decimal("72"),
        source=_("12345 hotline rules"),
    )

    # myapp/apps.py, in ready():  from . import rules;  register(rules.REGISTER_LIMIT)

The value stored in the database is text (``RuleValue.value``); :func:`parse` turns that
text, or what a county admin typed, into the typed value, and :func:`format_value` turns a
typed value back into its canonical text. This module imports no model: it is safe to
import while the apps load.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

#: Longest text a parameter value may have (the column is as wide).
MAX_VALUE_LENGTH = 1000
#: Longest key (the column is as wide).
MAX_KEY_LENGTH = 100

KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")
_INT_PATTERN = re.compile(r"^[+-]?[0-9]{1,18}$")
_DECIMAL_PATTERN = re.compile(r"^[+-]?(?:[0-9]{1,15}(?:\.[0-9]{0,10})?|\.[0-9]{1,10})$")
_TRUE = frozenset({"true", "1", "yes", "on", "是"})
_FALSE = frozenset({"false", "0", "no", "off", "否"})


class Kind(StrEnum):
    INT = "int"
    DECIMAL = "decimal"
    BOOL = "bool"
    TEXT = "text"
    CHOICE = "choice"


MESSAGES = {
    "empty": _("Enter a value."),
    "nul": _("The value must not contain NUL characters."),
    "too_long": _("The value is too long: at most %(limit)d characters."),
    "not_int": _("Enter a whole number, such as 2."),
    "not_decimal": _("Enter a number, such as 1 or 2.5."),
    "not_bool": _("Enter yes or no."),
    "not_choice": _("Choose one of: %(choices)s."),
    "minimum": _("The value must be at least %(limit)s."),
    "maximum": _("The value must be at most %(limit)s."),
}


@dataclass(frozen=True)
class Parameter:
    """The definition of one rule parameter. ``default`` is the typed value used when no
    row is in force; ``minimum``/``maximum`` bound ``int`` and ``decimal`` values;
    ``choices`` is a sequence of ``(value, label)`` pairs for ``choice``; ``validator``, if
    given, is called with the typed value and raises ``ValidationError`` to refuse it."""

    key: str
    default: Any
    kind: Kind
    unit: str = ""
    label: str = ""
    help: str = ""
    minimum: int | Decimal | None = None
    maximum: int | Decimal | None = None
    choices: tuple[tuple[str, str], ...] | None = None
    source: str = ""
    validator: Callable[[Any], None] | None = None

    def __post_init__(self):
        object.__setattr__(self, "kind", Kind(self.kind))
        if not isinstance(self.key, str) or len(self.key) > MAX_KEY_LENGTH:
            raise ValueError(f"rule parameter key {self.key!r}: a string of at most 100")
        if not KEY_PATTERN.match(self.key):
            raise ValueError(f"rule parameter key {self.key!r}: dotted lower-case words")
        if self.choices is not None:
            object.__setattr__(self, "choices", tuple((str(v), lbl) for v, lbl in self.choices))
        if (self.kind is Kind.CHOICE) != bool(self.choices):
            raise ValueError(f"{self.key}: choices are given for, and only for, kind 'choice'")
        numeric = self.kind in (Kind.INT, Kind.DECIMAL)
        if not numeric and (self.minimum is not None or self.maximum is not None):
            raise ValueError(f"{self.key}: minimum and maximum bound numbers only")
        if self.minimum is not None and self.maximum is not None and self.minimum > self.maximum:
            raise ValueError(f"{self.key}: minimum above maximum")
        try:
            parse(self, format_value(self, self.default))
        except ValidationError as exc:
            raise ValueError(f"{self.key}: the default {self.default!r} is refused") from exc


def _refuse(code: str, **params) -> ValidationError:
    return ValidationError(MESSAGES[code], code=code, params=params or None)


def _with_unit(parameter: Parameter, number) -> str:
    unit = str(parameter.unit) if parameter.unit else ""
    return f"{number} {unit}".strip()


def parse(parameter: Parameter, raw_text: Any) -> Any:
    """The typed value of ``raw_text`` for ``parameter``, or ``ValidationError`` with a
    translated message saying what is wrong. A value that is not text is first written as
    its canonical text (so ``parse(p, Decimal("1.5"))`` works as ``parse(p, "1.5")``)."""
    text = raw_text if isinstance(raw_text, str) else format_value(parameter, raw_text)
    if "\x00" in text:
        raise _refuse("nul")
    if len(text) > MAX_VALUE_LENGTH:
        raise _refuse("too_long", limit=MAX_VALUE_LENGTH)
    text = text.strip()
    if not text and parameter.kind is not Kind.TEXT:
        raise _refuse("empty")
    kind = parameter.kind
    if kind is Kind.INT:
        if not _INT_PATTERN.match(text):
            raise _refuse("not_int")
        value: Any = int(text)
    elif kind is Kind.DECIMAL:
        if not _DECIMAL_PATTERN.match(text):
            raise _refuse("not_decimal")
        try:
            value = Decimal(text)
        except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
            raise _refuse("not_decimal") from None
    elif kind is Kind.BOOL:
        lowered = text.lower()
        if lowered in _TRUE:
            value = True
        elif lowered in _FALSE:
            value = False
        else:
            raise _refuse("not_bool")
    elif kind is Kind.CHOICE:
        allowed = [v for v, _label in parameter.choices]
        if text not in allowed:
            shown = ", ".join(f"{v} ({label})" for v, label in parameter.choices)
            raise _refuse("not_choice", choices=shown)
        value = text
    else:
        value = text
    if parameter.minimum is not None and value < parameter.minimum:
        raise _refuse("minimum", limit=_with_unit(parameter, parameter.minimum))
    if parameter.maximum is not None and value > parameter.maximum:
        raise _refuse("maximum", limit=_with_unit(parameter, parameter.maximum))
    if parameter.validator is not None:
        parameter.validator(value)
    return value


def format_value(parameter: Parameter, value: Any) -> str:
    """The canonical text of a typed value, as stored: ``true``/``false`` for booleans,
    decimals without exponent or trailing zeros."""
    if isinstance(value, str):
        return value.strip()
    if parameter.kind is Kind.BOOL and isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        if not value.is_finite():
            return str(value)
        text = format(value.normalize(), "f")
        return text
    return str(value)


def canonical(parameter: Parameter, raw_text: Any) -> str:
    """``raw_text`` parsed and written back as the canonical text (``"1.50"`` → ``"1.5"``)."""
    return format_value(parameter, parse(parameter, raw_text))


_lock = threading.RLock()
_parameters: dict[str, Parameter] = {}


def register(*parameters: Parameter) -> None:
    """Add parameters to the registry. Registering a key again with the same definition is
    a no-op (``ready()`` may run twice); with a different definition it raises
    ``ValueError``."""
    with _lock:
        for parameter in parameters:
            if not isinstance(parameter, Parameter):
                raise TypeError(f"not a Parameter: {parameter!r}")
            known = _parameters.get(parameter.key)
            if known is not None and known != parameter:
                raise ValueError(f"rule parameter {parameter.key!r} is already registered")
            _parameters[parameter.key] = parameter


def unregister(*keys: str) -> None:
    """Remove parameters (for tests; an unknown key is ignored)."""
    with _lock:
        for key in keys:
            _parameters.pop(key, None)


def get_parameter(key: str) -> Parameter:
    """The registered parameter of ``key``; ``KeyError`` if none (a programming error)."""
    try:
        return _parameters[key]
    except KeyError:
        raise KeyError(f"no rule parameter is registered as {key!r}") from None


def is_registered(key: str) -> bool:
    return key in _parameters


def all_parameters() -> list[Parameter]:
    """Every registered parameter, by key."""
    with _lock:
        return sorted(_parameters.values(), key=lambda p: p.key)


@contextmanager
def temporary(*parameters: Parameter) -> Iterator[tuple[Parameter, ...]]:
    """Register ``parameters`` for the duration of a ``with`` block (tests)::

    with registry.temporary(Parameter(key="tests.x", default=1, kind="int")):
        ...
    """
    with _lock:
        clashes = [p.key for p in parameters if p.key in _parameters]
        if clashes:
            raise ValueError(f"already registered: {', '.join(clashes)}")
        register(*parameters)
    try:
        yield parameters
    finally:
        unregister(*(p.key for p in parameters))
