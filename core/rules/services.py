"""Writes of rule values: every change goes through here (the admin too) and leaves a
``RuleChange`` row."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .cache import note_write
from .models import RuleChange, RuleValue, Scope, today


def _name_of(user) -> str:
    if user is None:
        return ""
    return str(user.get_username())[:150]


def _history(*, action, key, scope, scope_id, in_force_from, old, new, source_title, by):
    RuleChange.objects.create(
        key=key,
        scope=scope,
        scope_id=scope_id,
        in_force_from=in_force_from,
        old_value=old,
        new_value=new,
        source_title=source_title,
        action=action,
        changed_by=by,
        changed_by_name=_name_of(by),
    )


@transaction.atomic
def set_rule(
    *,
    key: str,
    value: Any,
    scope: str = Scope.COUNTY,
    scope_id: int | None = None,
    in_force_from: datetime.date | None = None,
    source_title: str = "",
    note: str = "",
    by=None,
) -> RuleValue:
    """Set the value of ``key`` for one scope from ``in_force_from`` (default today) on:
    create the row of that date or update it. ``value`` is text as an admin types it or a
    typed value. Raises ``ValidationError`` (unknown key, bad value, scope id given for the
    county or missing for a street or community) and saves nothing then."""
    if in_force_from is None:
        in_force_from = today()
    if scope_id is not None and not isinstance(scope_id, int):
        try:
            scope_id = int(scope_id)
        except (TypeError, ValueError):
            raise ValidationError(
                {"scope_id": _("Give the id of the street or community.")}
            ) from None
    row = (
        RuleValue.objects.select_for_update()
        .filter(key=key, scope=scope, scope_id=scope_id, in_force_from=in_force_from)
        .first()
    )
    if row is None:
        before = None
        row = RuleValue(key=key, scope=scope, scope_id=scope_id, in_force_from=in_force_from)
    else:
        before = (row.value, row.source_title, row.note)
    row.value = value if isinstance(value, str) else _text_of(key, value)
    row.source_title = source_title or ""
    row.note = note or ""
    row.full_clean()
    if before == (row.value, row.source_title, row.note):
        return row  # nothing changed
    old = None if before is None else before[0]
    row.changed_by = by
    row.save()
    _history(
        action=RuleChange.Action.CREATED if old is None else RuleChange.Action.CHANGED,
        key=key,
        scope=scope,
        scope_id=scope_id,
        in_force_from=in_force_from,
        old=old or "",
        new=row.value,
        source_title=row.source_title,
        by=by,
    )
    note_write(key)
    return row


def _text_of(key: str, value: Any) -> str:
    from . import registry

    if not registry.is_registered(key):
        return str(value)
    return registry.format_value(registry.get_parameter(key), value)


@transaction.atomic
def delete_rule(*, rule_value: RuleValue, by=None) -> None:
    """Delete one rule value (the less specific scope, an earlier row or the default then
    applies) and record it."""
    row = RuleValue.objects.select_for_update().filter(pk=rule_value.pk).first()
    if row is None:
        return
    _history(
        action=RuleChange.Action.DELETED,
        key=row.key,
        scope=row.scope,
        scope_id=row.scope_id,
        in_force_from=row.in_force_from,
        old=row.value,
        new="",
        source_title=row.source_title,
        by=by,
    )
    row.delete()
    note_write(row.key)
