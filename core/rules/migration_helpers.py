"""For data migrations of other apps that install their parameters' county values::

    from django.db import migrations
    from core.rules.migration_helpers import install_defaults

    ROWS = [
        ("requests.register_limit_hours", "1", "12345 hotline rules", "2020-12-01"),
    ]

    def forwards(apps, schema_editor):
        install_defaults(apps, schema_editor, ROWS)

    class Migration(migrations.Migration):
        dependencies = [("rules", "0001_initial"), ...]
        operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]

It uses the historical models of ``apps``. A row is created only if the county has no row
of that key and date yet (so a value an admin set is kept), with a ``RuleChange`` of
action ``created``. The value is written in its canonical text when the key is registered
and the value parses; otherwise as given: a definition changed later must not break an
old migration (``rule()`` logs and ignores a value its parameter refuses).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils import timezone

from . import registry
from .cache import invalidate


def _date(value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        raise TypeError("in_force_from: a date, not a datetime")
    if isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value))


def _text(key: str, value_text) -> str:
    text = value_text if isinstance(value_text, str) else str(value_text)
    if "\x00" in text or len(text) > registry.MAX_VALUE_LENGTH:
        raise ValueError(f"install_defaults: the value of {key!r} is not storable")
    if registry.is_registered(key):
        try:
            return registry.canonical(registry.get_parameter(key), value_text)
        except (ValidationError, ValueError, TypeError):  # keep the text as given (docstring)
            pass
    return text.strip()


def install_defaults(
    apps, schema_editor, rows: Iterable[tuple[str, str, str, datetime.date | str]]
) -> int:
    """Create the county rows ``(key, value_text, source_title, in_force_from)`` that are
    missing; answer how many were created."""
    RuleValue = apps.get_model("rules", "RuleValue")
    RuleChange = apps.get_model("rules", "RuleChange")
    alias = schema_editor.connection.alias
    created = 0
    keys = set()
    now = timezone.now()
    for key, value_text, source_title, in_force_from in rows:
        day = _date(in_force_from)
        if (
            RuleValue.objects.using(alias)
            .filter(key=key, scope="county", scope_id__isnull=True, in_force_from=day)
            .exists()
        ):
            continue
        value = _text(key, value_text)
        source = str(source_title or "")[:300]
        RuleValue.objects.using(alias).create(
            key=key,
            scope="county",
            scope_id=None,
            value=value,
            source_title=source,
            in_force_from=day,
        )
        RuleChange.objects.using(alias).create(
            key=key,
            scope="county",
            scope_id=None,
            old_value="",
            new_value=value,
            source_title=source,
            in_force_from=day,
            action="created",
            changed_at=now,
        )
        keys.add(key)
        created += 1
    for key in keys:
        invalidate(key)
    return created
