"""Excel exports for every app: a list of :class:`Column` and an iterable of rows in,
an ``.xlsx`` download out.

    from core.exports import Column, excel_response

    columns = [
        Column(gettext_lazy("Name"), "name", width=20),
        Column(gettext_lazy("Phone"), lambda row: mask_phone(row["phone"])),
        Column(gettext_lazy("Joined"), "joined_at", number_format="yyyy-mm-dd"),
    ]
    rows = Volunteer.objects.for_user(user, "view").values("name", "phone", "joined_at")
    return excel_response(rows=rows, columns=columns, filename="志愿者.xlsx",
                          sheet_title=gettext("Volunteers"))

**Rows must come from a for_user() queryset; personal data columns must be masked by the
caller.** The helper never scopes, never unmasks and never queries: it reads each row with
the columns' ``value`` (a key, an index, an attribute path or a callable), so the caller
passes a queryset already scoped and shaped with ``values()`` / ``select_related()`` (a
queryset is read with ``.iterator()``, never cached whole) or any other iterable, a
generator included, which is consumed one row at a time.

The workbook is written with openpyxl's write-only mode (constant memory) to a temporary
file that the response streams: a bold header row in the active language, frozen; the
columns' widths and number formats; aware datetimes as local wall-clock time (Excel has no
time zones); strings starting with ``= + - @`` (or a tab or carriage return) prefixed with
an apostrophe so that no cell is ever read as a formula; at most ``limit`` rows, and past it
a last line saying the export was cut.
"""

import datetime
import os
import re
import tempfile
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, Any
from urllib.parse import quote

from django.db.models import QuerySet
from django.http import FileResponse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_ROWS = 1_048_574  # Excel's 1,048,576 rows less the header and the "cut here" line
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
MAX_CELL_CHARS = 32_767  # Excel's limit on the text of one cell
CHUNK_SIZE = 2000  # rows fetched a time from a queryset


@dataclass(frozen=True)
class Column:
    """One column of an export.

    ``header``: its title, usually a ``gettext_lazy`` string (translated when written).
    ``value``: how to read a row: a callable ``value(row)``; a key for a mapping row
    (``values()``: ``"category__name"``); an index for a sequence row (``values_list()``);
    otherwise an attribute path, ``"building__address"`` or ``"building.address"`` (a
    ``None`` on the way gives ``None``). ``width``: in characters, Excel's default if None.
    ``number_format``: an Excel format such as ``"yyyy-mm-dd"`` or ``"0.00"``.
    """

    header: str | Promise
    value: str | int | Callable[[Any], Any]
    width: float | None = None
    number_format: str | None = None

    def read(self, row):
        """This column's value in ``row``, not yet converted for Excel."""
        if callable(self.value):
            return self.value(row)
        if isinstance(row, Mapping) or isinstance(self.value, int):
            return row[self.value]
        for name in self.value.replace(".", "__").split("__"):
            row = getattr(row, name)
            if row is None:
                return None
        return row


def cell_value(value):
    """``value`` as Excel can store it: numbers, booleans, naive dates and times as they
    are; aware datetimes in local time without the zone; anything else as text, cleaned of
    the characters XML refuses, cut to Excel's cell size and escaped against formulas."""
    if value is None or isinstance(value, int | float | Decimal | datetime.timedelta):
        return value
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, datetime.time):
        return value.replace(tzinfo=None)
    text = ILLEGAL_CHARACTERS_RE.sub("", str(value))
    if text.startswith(FORMULA_PREFIXES):
        text = "'" + text
    return text[:MAX_CELL_CHARS]


def write_excel(
    file: IO[bytes],
    *,
    rows: Iterable,
    columns: list[Column],
    sheet_title: str,
    limit: int = MAX_ROWS,
) -> int:
    """Write one sheet of ``rows`` to ``file`` (binary, writable); returns the number of
    rows written (without the header). See the module's docstring for what is written."""
    if limit < 0:
        raise ValueError("limit must not be negative")
    limit = min(limit, MAX_ROWS)
    if isinstance(rows, QuerySet):
        rows = rows[: limit + 1].iterator(chunk_size=CHUNK_SIZE)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_name(sheet_title))
    for index, column in enumerate(columns, start=1):
        if column.width:
            sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, cell_value(column.header))
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    formats = [column.number_format for column in columns]
    written = 0
    for row in rows:
        if written == limit:
            message = _("Only the first %(limit)s rows are exported; narrow the filters.")
            sheet.append([message % {"limit": limit}])
            break
        values = [cell_value(column.read(row)) for column in columns]
        for index, number_format in enumerate(formats):
            if number_format and values[index] is not None:
                values[index] = WriteOnlyCell(sheet, values[index])
                values[index].number_format = number_format
        sheet.append(values)
        written += 1
    workbook.save(file)
    return written


def excel_file(
    *, rows: Iterable, columns: list[Column], sheet_title: str, limit: int = MAX_ROWS
) -> IO[bytes]:
    """The export in an open temporary file positioned at its start (the caller closes it;
    a ``FileResponse`` does)."""
    handle = tempfile.TemporaryFile()  # noqa: SIM115 (returned to the caller)
    try:
        write_excel(handle, rows=rows, columns=columns, sheet_title=sheet_title, limit=limit)
    except BaseException:
        handle.close()
        raise
    handle.seek(0)
    return handle


def excel_response(
    *,
    rows: Iterable,
    columns: list[Column],
    filename: str,
    sheet_title: str,
    limit: int = MAX_ROWS,
) -> FileResponse:
    """The export as a download named ``filename`` (Chinese welcome), streamed from a
    temporary file, never cached (``Cache-Control: no-store``)."""
    handle = excel_file(rows=rows, columns=columns, sheet_title=sheet_title, limit=limit)
    response = FileResponse(handle, content_type=XLSX)
    response["Content-Disposition"] = content_disposition(filename)
    response["Cache-Control"] = "no-store"
    return response


def content_disposition(filename: str) -> str:
    """``attachment`` with ``filename``: plain ASCII as it is; otherwise an ASCII
    ``filename=`` fallback for old clients and the real name in RFC 5987's
    ``filename*=UTF-8''…``."""
    filename = re.sub(r'[\x00-\x1f\x7f"\\/]', "_", filename).strip() or "export.xlsx"
    if filename.isascii():
        return f'attachment; filename="{filename}"'
    stem, extension = os.path.splitext(filename)
    stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    stem = re.sub(r"[^\w\-]+", "_", stem).strip("_-") or "export"
    ascii_name = stem + (extension if extension.isascii() else "")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"


def sheet_name(title) -> str:
    """``title`` as Excel allows a sheet name: without ``[]:*?/\\``, at most 31 characters."""
    return re.sub(r"[\[\]:*?/\\]", " ", str(title)).strip()[:31] or "Sheet1"
