"""Bulk writing for the generator: COPY on PostgreSQL, ``executemany`` on SQLite.

Rows are tuples in the order of the attnames given to ``Writer.write``; nothing goes
through model instances, ``save()`` or signals, so the caller fills every column
(tier columns and ``auto_now_add`` dates included). Primary keys that other rows point
at are reserved first with ``Writer.reserve``, from the table's own sequence, so that
rows written later by the portal never collide with them.
"""

import csv
import datetime
import io
import sys
import time
from collections import defaultdict

from django.db import connection


class Writer:
    def __init__(self):
        self.vendor = connection.vendor
        self.stats = defaultdict(lambda: [0, 0.0])  # table → [rows, seconds writing]
        self._next_sqlite_id: dict[str, int] = {}

    # --- primary keys ------------------------------------------------------------------

    def reserve(self, model, count: int) -> list[int]:
        """``count`` fresh primary keys of ``model``'s table, taken from its sequence."""
        if count <= 0:
            return []
        table = model._meta.db_table
        with connection.cursor() as cursor:
            if self.vendor == "postgresql":
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                    [table, count],
                )
                return [row[0] for row in cursor.fetchall()]
            # SQLite: the writer is the only writer inside its transaction; AUTOINCREMENT
            # tables also keep their high-water mark in sqlite_sequence.
            cursor.execute(f'SELECT COALESCE(MAX("id"), 0) FROM "{table}"')
            top = cursor.fetchone()[0]
            cursor.execute(
                "SELECT COALESCE(MAX(seq), 0) FROM sqlite_sequence WHERE name = %s", [table]
            )
            top = max(top, cursor.fetchone()[0], self._next_sqlite_id.get(table, 1) - 1)
        self._next_sqlite_id[table] = top + count + 1
        return list(range(top + 1, top + count + 1))

    # --- rows --------------------------------------------------------------------------

    def write(self, model, attnames: tuple[str, ...], rows: list[tuple]) -> int:
        if not rows:
            return 0
        opts = model._meta
        by_attname = {f.attname: f for f in opts.concrete_fields}
        # Fields the generator does not set take their model default, so that a model
        # growing a field (a counter, a flag) does not break the bulk load.
        missing = [
            f
            for f in opts.concrete_fields
            if f.attname not in attnames and not f.primary_key and not f.null and f.has_default()
        ]
        if missing:
            attnames = (*attnames, *(f.attname for f in missing))
            defaults = tuple(f.get_db_prep_save(f.get_default(), connection) for f in missing)
            rows = [(*row, *defaults) for row in rows]
        fields = [by_attname[a] for a in attnames]
        columns = [f.column for f in fields]
        started = time.perf_counter()
        if self.vendor == "postgresql":
            texts = [
                f.column
                for f in fields
                if not f.null and f.get_internal_type() in ("CharField", "TextField", "SlugField")
            ]
            self._copy(opts.db_table, columns, rows, texts)
        else:
            dated = [i for i, f in enumerate(fields) if f.get_internal_type() == "DateTimeField"]
            self._insert(opts.db_table, columns, rows, dated)
        stat = self.stats[opts.db_table]
        stat[0] += len(rows)
        stat[1] += time.perf_counter() - started
        return len(rows)

    def _copy(self, table, columns, rows, texts):
        # In COPY's CSV format an unquoted empty field is NULL (csv writes None so);
        # FORCE_NOT_NULL reads it as "" in the text columns, which are never NULL.
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerows(rows)
        buffer.seek(0)
        names = ", ".join(f'"{c}"' for c in columns)
        options = "FORMAT csv"
        if texts:
            options += ", FORCE_NOT_NULL (" + ", ".join(f'"{c}"' for c in texts) + ")"
        sql = f'COPY "{table}" ({names}) FROM STDIN WITH ({options})'
        with connection.cursor() as cursor:
            cursor.cursor.copy_expert(sql, buffer)

    def _insert(self, table, columns, rows, dated, batch=5000):
        if dated:
            rows = [_utc_naive(row, dated) for row in rows]
        names = ", ".join(f'"{c}"' for c in columns)
        marks = ", ".join(["%s"] * len(columns))
        sql = f'INSERT INTO "{table}" ({names}) VALUES ({marks})'
        with connection.cursor() as cursor:
            for start in range(0, len(rows), batch):
                cursor.executemany(sql, rows[start : start + batch])

    def analyze(self):
        """Fresh planner statistics for the tables written (PostgreSQL)."""
        if self.vendor != "postgresql":
            return
        with connection.cursor() as cursor:
            for table in self.stats:
                cursor.execute(f'ANALYZE "{table}"')


def _utc_naive(row, dated):
    """Django keeps datetimes on SQLite as naive UTC text."""
    row = list(row)
    for i in dated:
        value = row[i]
        if value is not None:
            row[i] = value.astimezone(datetime.UTC).replace(tzinfo=None).isoformat(" ")
    return row


class Progress:
    """One line on stderr: what is done, and rows per second."""

    def __init__(self, writer: Writer, stream=None, total_communities: int = 0):
        self.writer = writer
        self.stream = sys.stderr if stream is None else stream
        self.total = total_communities
        self.done = 0
        self.started = time.perf_counter()
        self._last = 0.0

    def rows(self) -> int:
        return sum(rows for rows, _ in self.writer.stats.values())

    def tick(self, label: str, force: bool = False):
        now = time.perf_counter()
        if not force and now - self._last < 0.5:
            return
        self._last = now
        elapsed = max(now - self.started, 1e-6)
        rows = self.rows()
        width = 24
        filled = int(width * self.done / self.total) if self.total else width
        bar = "#" * filled + "-" * (width - filled)
        self.stream.write(
            f"\r[{bar}] {self.done}/{self.total} communities · {label} · "
            f"{rows:,} rows · {rows / elapsed:,.0f} rows/s · {elapsed:,.0f} s   "
        )
        self.stream.flush()

    def finish(self):
        self.tick("done", force=True)
        self.stream.write("\n")
        self.stream.flush()

    def report(self) -> list[tuple[str, int, float]]:
        """(table, rows, rows/s while writing) for each table written."""
        return [
            (table, rows, rows / seconds if seconds else 0.0)
            for table, (rows, seconds) in sorted(self.writer.stats.items())
        ]
