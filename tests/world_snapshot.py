"""The shared world, built once and copied into each test instead of built per test.

``build_world()`` makes about two thousand rows through the services of six apps and
takes most of a second; most tests ask for it. The first test that asks builds it under a
savepoint, reads every row the build added, and rolls the savepoint back; every test then
inserts those rows again (one ``executemany`` per table, in the test's own transaction,
foreign keys being deferred) and gets fresh instances of the world's objects.

The copy is only used when it is the same world: the tables must hold the same number of
rows as when it was taken (no fixture has added anything first), the build must only
have added rows (had it changed or deleted a row that was there before, every test
builds its own), and it is retaken after ``MAX_AGE`` seconds so that the times in it stay
close to the clock. Transactional tests build their own, as before, and so does every
test with ``PORTAL_WORLD_COPY=0`` (to rule the copy out when a test fails oddly).
"""

from __future__ import annotations

import os
import time
import warnings
from dataclasses import dataclass, fields

from django.db import connection, transaction

MAX_AGE = 30.0
SKIP_TABLES = {"django_migrations", "sqlite_sequence"}


@dataclass
class Snapshot:
    counts: tuple
    rows: dict  # table -> (columns, [row, ...])
    world: dict  # World field -> [(model, pk), ...] or {name: (model, pk)}
    taken_at: float


_snapshot: Snapshot | None = None
_unsafe = False


def _tables() -> list[str]:
    return sorted(
        t
        for t in connection.introspection.table_names()
        if t not in SKIP_TABLES and not t.startswith("sqlite_")
    )


def _counts(tables) -> tuple:
    quote = connection.ops.quote_name
    sql = " UNION ALL ".join(f"SELECT {i}, COUNT(*) FROM {quote(t)}" for i, t in enumerate(tables))
    with connection.cursor() as cursor:
        cursor.execute(sql)
        found = dict(cursor.fetchall())
    return tuple(found[i] for i in range(len(tables)))


JSON_TYPES = {114, 3802}  # PostgreSQL's json and jsonb


def _read(table) -> tuple[list[str], list[tuple]]:
    """Every row of ``table``, ready to be inserted again: JSON comes back as its text
    from Django's psycopg2 connection (inserted as it is), or parsed (wrapped again)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
        columns = [c[0] for c in cursor.description]
        json_at = [
            i
            for i, c in enumerate(cursor.description)
            if connection.vendor == "postgresql" and c[1] in JSON_TYPES
        ]
        rows = [tuple(r) for r in cursor.fetchall()]
    if json_at:
        from psycopg2.extras import Json

        rows = [
            tuple(
                Json(v) if i in json_at and isinstance(v, dict | list) else v
                for i, v in enumerate(r)
            )
            for r in rows
        ]
    return columns, rows


def _pk_index(table, columns) -> int | None:
    with connection.cursor() as cursor:
        pk = connection.introspection.get_primary_key_column(cursor, table)
    return columns.index(pk) if pk in columns else None


def _keyed(table, columns, rows) -> dict:
    index = _pk_index(table, columns)
    return {(row[index] if index is not None else row): row for row in rows}


def _world_refs(world) -> dict:
    refs = {}
    for f in fields(world):
        value = getattr(world, f.name)
        if isinstance(value, dict):
            refs[f.name] = {k: (type(v), v.pk) for k, v in value.items()}
        else:
            refs[f.name] = [(type(v), v.pk) for v in value]
    return refs


def _take(build):
    """Build the world under a savepoint, keep what it added, roll it back."""
    global _unsafe
    tables = _tables()
    counts = _counts(tables)
    before = {t: _read(t) for t, n in zip(tables, counts, strict=True) if n}
    savepoint = transaction.savepoint()
    try:
        world = build()
        refs = _world_refs(world)
        added = {}
        for table in tables:
            columns, rows = _read(table)
            if not rows:
                continue
            old_columns, old_rows = before.get(table, (columns, []))
            old = _keyed(table, old_columns, old_rows)
            new = _keyed(table, columns, rows)
            if any(key not in new or new[key] != row for key, row in old.items()):
                _unsafe = True  # the build changed a row that was there: no copy
            fresh = [row for key, row in new.items() if key not in old]
            if fresh:
                added[table] = (columns, fresh)
    finally:
        transaction.savepoint_rollback(savepoint)
    return Snapshot(counts=counts, rows=added, world=refs, taken_at=time.monotonic())


def _restore(snapshot: Snapshot):
    from tests.factories import World

    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table, (columns, rows) in snapshot.rows.items():
            names = ", ".join(quote(c) for c in columns)
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {quote(table)} ({names}) VALUES ({marks})", rows)
    values = {}
    for name, refs in snapshot.world.items():
        if isinstance(refs, dict):
            values[name] = {k: model._base_manager.get(pk=pk) for k, (model, pk) in refs.items()}
        else:
            by_model = {}
            for model, pk in refs:
                by_model.setdefault(model, []).append(pk)
            loaded = {
                (model, pk): obj
                for model, pks in by_model.items()
                for pk, obj in model._base_manager.in_bulk(pks).items()
            }
            values[name] = [loaded[(model, pk)] for model, pk in refs]
    return World(**values)


def shared_world(build):
    """The world for a test in a transaction: a copy of the snapshot when it applies,
    else a build (which retakes the snapshot when that is safe)."""
    global _snapshot
    if _unsafe or not connection.in_atomic_block or os.environ.get("PORTAL_WORLD_COPY") == "0":
        return build()
    counts = _counts(_tables())
    fresh = _snapshot is not None and time.monotonic() - _snapshot.taken_at < MAX_AGE
    if fresh and _snapshot.counts != counts:
        return build()  # a fixture added rows first: not the snapshot's world
    if not fresh:
        _snapshot = _take(build)
        if _unsafe:
            warnings.warn("build_world() changes rows it did not add: no shared copy", stacklevel=2)
            return build()
    return _restore(_snapshot)
