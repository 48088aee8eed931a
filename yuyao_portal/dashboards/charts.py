"""Server-rendered SVG charts of the dashboards: columns for a trend by month, bars for
the comparison of the parts. No script, no external asset; they print.

Each chart is an ``<svg role="img">`` with a ``<title>`` and a ``<desc>`` (named by
``aria-labelledby``), the numbers written on the chart, and the same numbers as a table
beside it (``charts_table``) for screen readers and anyone who prefers figures.
Positions are percentages of the width, so a chart stretches to a phone's width while
the text keeps its size. (The workbench's simpler ``{% bar_chart %}`` tag is in
``templatetags/portal_ui.py``; these add the title, the description and the links.)"""

from __future__ import annotations

import itertools
from decimal import Decimal

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

_ids = itertools.count(1)


def _number(value) -> Decimal:
    try:
        return Decimal(str(value if value is not None else 0))
    except ArithmeticError:
        return Decimal(0)


def label_number(value) -> str:
    """1234567 → "1,234,567"; 12.5 → "12.5"."""
    number = _number(value)
    if number == number.to_integral_value():
        return f"{int(number):,}"
    return f"{number.normalize():,f}"


def _frame(kind: str, title: str, desc: str, height: int, body: SafeString) -> SafeString:
    uid = f"chart-{next(_ids)}"
    return format_html(
        '<svg class="dash-chart dash-chart-{}" width="100%" height="{}" role="img" '
        'aria-labelledby="{}-t {}-d" focusable="false" data-chart="{}">'
        '<title id="{}-t">{}</title><desc id="{}-d">{}</desc>{}</svg>',
        kind,
        height,
        uid,
        uid,
        kind,
        uid,
        title,
        uid,
        desc,
        body,
    )


def describe(rows, unit: str = "") -> str:
    """The numbers in words for the ``<desc>``: "Jan 12; Feb 3; …"."""
    return "; ".join(f"{label} {label_number(value)}{unit}" for label, value in rows)


def column_chart(rows, *, title: str, unit: str = "") -> SafeString:
    """A trend: one column per (label, value), oldest first, the value above it and
    the label below."""
    rows = [(str(label), _number(value)) for label, value in rows]
    top = max((value for _label, value in rows), default=Decimal(0))
    plot, base = 120, 140  # column area height, baseline y
    n = max(len(rows), 1)
    step = 100 / n
    columns = []
    for index, (label, value) in enumerate(rows):
        h = float(value / top) * plot if top else 0.0
        x = index * step
        columns.append(
            (
                round(x + step * 0.15, 3),
                round(base - h, 2),
                round(step * 0.7, 3),
                round(h, 2),
                round(x + step / 2, 3),
                round(base - h - 4, 2),
                label_number(value),
                round(x + step / 2, 3),
                base + 16,
                label,
            )
        )
    body = format_html_join(
        "",
        '<rect class="dash-col" x="{}%" y="{}" width="{}%" height="{}" rx="2"/>'
        '<text class="dash-col-value" x="{}%" y="{}" text-anchor="middle">{}</text>'
        '<text class="dash-col-label" x="{}%" y="{}" text-anchor="middle">{}</text>',
        columns,
    )
    line = format_html('<line class="dash-axis" x1="0" y1="{}" x2="100%" y2="{}"/>', base, base)
    return _frame("columns", title, describe(rows, unit), base + 24, line + body)


def bar_chart(rows, *, title: str, unit: str = "") -> SafeString:
    """A comparison: one horizontal bar per (label, value), the label on the left and
    the value after the bar."""
    rows = [(str(label), _number(value)) for label, value in rows]
    top = max((value for _label, value in rows), default=Decimal(0))
    row_height, bar_height, bar_x, span = 32, 20, 38, 48
    bars = []
    for index, (label, value) in enumerate(rows):
        width = round(float(value / top) * span, 2) if top else 0.0
        y = index * row_height
        bars.append(
            (
                y + row_height / 2,
                label,
                bar_x,
                y + (row_height - bar_height) / 2,
                span,
                bar_height,
                bar_x,
                y + (row_height - bar_height) / 2,
                width,
                bar_height,
                round(bar_x + width + 1.5, 2),
                y + row_height / 2,
                label_number(value),
                unit,
            )
        )
    body = format_html_join(
        "",
        '<text class="dash-bar-label" x="0" y="{}" dominant-baseline="middle">{}</text>'
        '<rect class="dash-track" x="{}%" y="{}" width="{}%" height="{}" rx="3"/>'
        '<rect class="dash-bar" x="{}%" y="{}" width="{}%" height="{}" rx="3"/>'
        '<text class="dash-bar-value" x="{}%" y="{}" dominant-baseline="middle">{}{}</text>',
        bars,
    )
    return _frame("bars", title, describe(rows, unit), max(len(rows), 1) * row_height, body)
