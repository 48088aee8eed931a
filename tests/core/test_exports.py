"""The Excel export helper alone, with plain rows: the header in the active language,
widths and frozen header, formula escaping, dates, lazy generators, the download's name
and the row limit; every workbook read back with openpyxl."""

import datetime
import gc
import io
import weakref
from decimal import Decimal
from urllib.parse import unquote

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook

from core.exports import (
    XLSX,
    Column,
    cell_value,
    content_disposition,
    excel_file,
    excel_response,
    sheet_name,
)

TZ = timezone.get_current_timezone()  # Asia/Shanghai


def read(response_or_file):
    """The workbook's first sheet (opened normally, so styles can be read too)."""
    if hasattr(response_or_file, "streaming_content"):
        data = b"".join(response_or_file.streaming_content)
    else:
        data = response_or_file.read()
    return load_workbook(io.BytesIO(data)).worksheets[0]


def values(sheet):
    return [list(row) for row in sheet.iter_rows(values_only=True)]


COLUMNS = [
    Column(gettext_lazy("Category"), "category", width=24),
    Column(gettext_lazy("Submitted at"), "at", number_format="yyyy-mm-dd hh:mm"),
    Column(gettext_lazy("Overdue"), lambda row: row["late"]),
]


def test_the_header_is_in_the_active_language():
    rows = [{"category": "环境卫生", "at": None, "late": False}]
    for language, header in (
        ("zh-hans", ["类别", "提交时间", "已超时"]),
        ("en", ["Category", "Submitted at", "Overdue"]),
    ):
        with translation.override(language):
            response = excel_response(
                rows=rows, columns=COLUMNS, filename="x.xlsx", sheet_title="Requests"
            )
        sheet = read(response)
        assert values(sheet) == [header, ["环境卫生", None, False]]


def test_the_response_is_a_streamed_never_cached_xlsx():
    with translation.override("en"):
        response = excel_response(rows=[], columns=COLUMNS, filename="x.xlsx", sheet_title="S")
    assert response.streaming
    assert response["Content-Type"] == XLSX
    assert response["Cache-Control"] == "no-store"
    assert response["Content-Disposition"] == 'attachment; filename="x.xlsx"'
    assert values(read(response)) == [["Category", "Submitted at", "Overdue"]]


def test_widths_formats_frozen_header_and_sheet_title():
    at = datetime.datetime(2026, 3, 5, 10, 30, tzinfo=TZ)
    handle = excel_file(
        rows=[{"category": "a", "at": at, "late": True}],
        columns=COLUMNS,
        sheet_title="诉求: 3/5 [全部]",
    )
    sheet = read(handle)
    assert sheet.title == "诉求  3 5  全部"
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["A"].width == 24
    assert sheet["A1"].font.bold
    assert sheet["B2"].number_format == "yyyy-mm-dd hh:mm"
    assert sheet_name("x" * 40) == "x" * 31 and sheet_name("[]") == "Sheet1"


def test_strings_that_could_be_formulas_are_escaped():
    texts = ['=HYPERLINK("http://evil","x")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "a=b"]
    handle = excel_file(
        rows=[[text] for text in texts],
        columns=[Column("Text", 0)],
        sheet_title="S",
    )
    sheet = read(handle)
    body = [row[0] for row in values(sheet)[1:]]
    assert body == ["'" + text for text in texts[:-1]] + ["a=b"]
    assert all(cell.data_type == "s" for (cell,) in sheet.iter_rows(min_row=2))
    assert cell_value(-5) == -5 and cell_value(Decimal("-1.5")) == Decimal("-1.5")
    assert cell_value("bell\x07") == "bell"


def test_dates_are_local_naive_values():
    aware = datetime.datetime(2026, 3, 5, 2, 0, tzinfo=datetime.UTC)  # 10:00 in Shanghai
    naive = datetime.datetime(2026, 3, 5, 8, 0)
    day = datetime.date(2026, 3, 5)
    rows = [{"value": aware}, {"value": naive}, {"value": None}, {"value": day}]
    sheet = read(excel_file(rows=rows, columns=[Column("When", "value")], sheet_title="S"))
    body = [row[0] for row in values(sheet)[1:]]
    assert body == [
        datetime.datetime(2026, 3, 5, 10, 0),
        naive,
        None,
        datetime.datetime(2026, 3, 5, 0, 0),  # openpyxl reads a date back at midnight
    ]
    assert sheet["A5"].is_date and sheet["A5"].number_format == "yyyy-mm-dd"


class Row:
    def __init__(self, number, building=None):
        self.number, self.building = number, building


class Building:
    address = "阳明街道 3 号楼"


def test_a_generator_is_consumed_lazily_and_rows_are_not_kept():
    """Each row is let go once written: when the generator makes row n, row n-2 is gone
    (the loop still holds row n-1); nothing is read past the limit's one extra row. The
    check runs every 25th row, as a full collection late in the suite takes a while."""
    made = []

    def generate():
        for number in range(200):
            if number >= 2 and number % 25 == 0:
                gc.collect()
                assert made[number - 2]() is None, f"row {number - 2} is still held"
            row = Row(number, Building() if number % 2 else None)
            made.append(weakref.ref(row))
            yield row

    columns = [Column("No.", "number"), Column("Address", "building__address")]
    sheet = read(excel_file(rows=generate(), columns=columns, sheet_title="S", limit=150))
    body = values(sheet)[1:]
    assert body[:2] == [[0, None], [1, "阳明街道 3 号楼"]]
    assert len(body) == 151 and len(made) == 151


def test_the_row_limit_cuts_the_export_and_says_so():
    rows = ({"category": str(n), "at": None, "late": False} for n in range(10))
    with translation.override("en"):
        sheet = read(excel_file(rows=rows, columns=COLUMNS, sheet_title="S", limit=3))
    body = values(sheet)[1:]
    assert [row[0] for row in body[:3]] == ["0", "1", "2"]
    assert body[3][0] == "Only the first 3 rows are exported; narrow the filters."
    assert len(body) == 4
    with translation.override("zh-hans"):
        sheet = read(excel_file(rows=iter(rows), columns=COLUMNS, sheet_title="S", limit=0))
    assert values(sheet)[1][0] == "仅导出前 0 行，请缩小筛选范围。"
    exactly = [{"category": "a", "at": None, "late": False}] * 3
    sheet = read(excel_file(rows=exactly, columns=COLUMNS, sheet_title="S", limit=3))
    assert len(values(sheet)) == 4  # the header and three rows, no note
    with pytest.raises(ValueError):
        excel_file(rows=[], columns=COLUMNS, sheet_title="S", limit=-1)


def test_a_chinese_filename_is_encoded_for_every_browser():
    name = "诉求导出-2026-03-05.xlsx"
    response = excel_response(rows=[], columns=COLUMNS, filename=name, sheet_title="S")
    disposition = response["Content-Disposition"]
    assert disposition.isascii()
    assert disposition == (
        'attachment; filename="2026-03-05.xlsx"; '
        "filename*=UTF-8''" + "%E8%AF%89%E6%B1%82%E5%AF%BC%E5%87%BA-2026-03-05.xlsx"
    )
    assert unquote(disposition.split("''", 1)[1]) == name
    assert content_disposition("志愿者.xlsx").startswith('attachment; filename="export.xlsx";')
    assert content_disposition('a"b/c\r\n.xlsx') == 'attachment; filename="a_b_c__.xlsx"'
