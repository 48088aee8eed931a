"""Template tags and filters of the portal's components (see docs/ui.md).

{% load portal_ui %}
{{ value|cn_date }}  {{ value|cn_datetime }}  {{ amount|money }}  {{ n|grouped }}
{% badge label "success" %}
{% field form.name %}
{% bar_chart rows title=_("Buildings by grid") %}
<a href="?{% query_string page=2 %}">
"""

import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import get_language

register = template.Library()

TONES = {"neutral", "info", "success", "warning", "danger", "party"}


def _chinese() -> bool:
    return (get_language() or "zh-hans").startswith("zh")


@register.filter
def cn_date(value):
    """A date as 2026年3月5日 (Chinese) or Mar 5, 2026 (English)."""
    if not isinstance(value, datetime.date):
        return value if value not in (None, "") else "—"
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return date_format(value, "Y年n月j日" if _chinese() else "N j, Y")


@register.filter
def cn_datetime(value):
    """A moment as 2026年3月5日 17:30 (Chinese) or Mar 5, 2026, 17:30 (English)."""
    if not isinstance(value, datetime.datetime):
        return cn_date(value)
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return date_format(value, "Y年n月j日 H:i" if _chinese() else "N j, Y, H:i")


def _decimal(value):
    try:
        return Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        return None


@register.filter
def grouped(value):
    """A number with thousands separators: 1,234,567."""
    number = _decimal(value)
    if number is None or not number.is_finite():
        return value
    if number == number.to_integral_value():
        return f"{int(number):,}"
    return f"{number:,}"


@register.filter
def money(value):
    """An amount of yuan as ¥12,345.50 (two decimals, half up, minus before the sign)."""
    amount = _decimal(value)
    if amount is None or not amount.is_finite():
        return value if value not in (None, "") else "—"
    amount = amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    sign = "-" if amount < 0 else ""
    return f"{sign}¥{abs(amount):,.2f}"


@register.simple_tag
def badge(label, tone="neutral"):
    """A state badge; ``tone`` is one of neutral, info, success, warning, danger, party."""
    tone = tone if tone in TONES else "neutral"
    return format_html('<span class="badge badge-{}">{}</span>', tone, label)


@register.inclusion_tag("components/field.html")
def field(bound_field, hint=""):
    """A form field with its label, hint and inline errors (Django links them by
    aria-describedby and marks the input aria-invalid)."""
    return {"field": bound_field, "hint": hint}


@register.simple_tag(takes_context=True)
def query_string(context, **changes):
    """The current query string with ``changes`` applied (None removes a key)."""
    request = context.get("request")
    params = request.GET.copy() if request is not None else {}
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = value
    return params.urlencode() if params else ""


@register.inclusion_tag("components/chart_bars.html")
def bar_chart(rows, title="", unit=""):
    """A horizontal bar chart as server-rendered SVG (no script; it prints), with the
    numbers as a table for screen readers. ``rows`` is a list of (label, value).

    Positions are percentages of the chart's width, so the bars stretch with the page
    while the text keeps its size."""
    rows = [(str(label), _decimal(value) or Decimal(0)) for label, value in rows]
    top = max((value for _label, value in rows), default=Decimal(0))
    row_height, bar_height, bar_x, bar_span = 40, 24, 40, 48
    bars = []
    for index, (label, value) in enumerate(rows):
        share = float(value / top) if top else 0.0
        width = round(share * bar_span, 2)
        bars.append(
            {
                "label": label,
                "value": grouped(value),
                "y": index * row_height + (row_height - bar_height) / 2,
                "text_y": index * row_height + row_height / 2,
                "width": width,
                "value_x": round(bar_x + width + 1.5, 2),
            }
        )
    return {
        "title": title,
        "unit": unit,
        "bars": bars,
        "bar_x": bar_x,
        "bar_height": bar_height,
        "height": max(len(rows), 1) * row_height,
    }
