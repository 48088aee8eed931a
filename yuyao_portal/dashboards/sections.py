"""What a mode's part of a dashboard is made of: its numbers (each with the list it
counts), a trend by month, and a table of the parts (the comparison chart reads one of
its columns). The numbers are plain values, so that the mode modules' ``compute`` can be
cached; labels and links are added afterwards, in the viewer's language."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

MONTHS = 12  # months in a trend


@dataclass
class Metric:
    key: str
    label: str
    value: object
    url: str = ""
    kind: str = "count"  # count, money (yuan), hours, percent


@dataclass
class Column:
    key: str
    label: str
    kind: str = "count"


@dataclass
class Section:
    key: str
    title: str
    metrics: list[Metric]
    trend_title: str = ""
    trend: list[tuple[str, object, str]] = field(default_factory=list)  # label, value, url
    trend_unit: str = ""
    columns: list[Column] = field(default_factory=list)
    parts: list[dict] = field(default_factory=list)  # {"name", "url", "values": {key: v}}
    compare_key: str = ""
    compare_title: str = ""
    export_name: str = ""

    def compare_rows(self):
        return [(part["name"], part["values"].get(self.compare_key, 0)) for part in self.parts]

    def trend_rows(self):
        return [(label, value) for label, value, _url in self.trend]


def link(name: str, **params) -> str:
    """A list page's URL with its filter parameters (None values dropped)."""
    query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    url = reverse(name)
    return f"{url}?{query}" if query else url


def months(today: datetime.date | None = None) -> list[tuple[int, int]]:
    """The last ``MONTHS`` months, oldest first, this one last."""
    today = today or timezone.localdate()
    year, month = today.year, today.month
    result = []
    for _step in range(MONTHS):
        result.append((year, month))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return result[::-1]


def month_start(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, 1)


def month_end(year: int, month: int) -> datetime.date:
    following = datetime.date(year + (month == 12), month % 12 + 1, 1)
    return following - datetime.timedelta(days=1)


def first_month() -> datetime.date:
    year, month = months()[0]
    return month_start(year, month)


def by_month(queryset, field_name: str, value=None) -> dict[str, object]:
    """``{"2026-03": n}`` over the last months: one query of twelve filtered aggregates
    (a count of rows by default, or ``value(filter=...)``, e.g. ``partial(Sum, "hours")``)
    on the rows of the period. The bounds are local midnights compared with the indexed
    column (no time-zone conversion of each row). ``field_name`` a date or a datetime."""
    is_moment = queryset.model._meta.get_field(field_name).get_internal_type() == "DateTimeField"

    def bound(day: datetime.date):
        if is_moment:
            return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))
        return day

    aggregates = {}
    for year, month in months():
        following = month_end(year, month) + datetime.timedelta(days=1)
        within = Q(
            **{
                f"{field_name}__gte": bound(month_start(year, month)),
                f"{field_name}__lt": bound(following),
            }
        )
        name = f"m{year:04d}-{month:02d}".replace("-", "_")
        aggregates[name] = value(filter=within) if value else Count("pk", filter=within)
    totals = (
        queryset.filter(**{f"{field_name}__gte": bound(first_month())})
        .order_by()
        .aggregate(**aggregates)
    )
    return {name[1:].replace("_", "-"): total or 0 for name, total in totals.items()}


def month_label(key: str) -> str:
    year, month = key.split("-")
    return f"{int(month)}月" if month != "01" else f"{year[2:]}年1月"


def trend_rows(counts: dict, href) -> list[tuple[str, object, object]]:
    """The trend chart's rows: ``(label, value, link)`` for each of the last months, 0
    where ``counts`` (from :func:`by_month`) has none."""
    keys = (f"{y:04d}-{m:02d}" for y, m in months())
    return [(month_label(k), counts.get(k, 0), href) for k in keys]


def by_part(queryset, scope, **aggregates) -> dict[int, dict]:
    """``{part_id: {name: value}}``: the aggregates per part, one grouped query."""
    column = scope.part_column
    rows = queryset.order_by().values(column).annotate(**aggregates)
    return {row[column]: {k: row[k] or 0 for k in aggregates} for row in rows if row[column]}


def part_rows(scope, values: dict[int, dict], url) -> list[dict]:
    """The table of the parts, every part the viewer may see (zeros included), in code
    order; ``url(part_id)`` the list of one part."""
    return [
        {"id": pk, "name": name, "url": url(pk), "values": values.get(pk, {})}
        for pk, name in scope.parts()
    ]


def parts_title(scope) -> str:
    """The parts' name in the plural: streets and towns, communities, grids, buildings."""
    return {
        "street": _("by street and town"),
        "community": _("by community"),
        "grid": _("by grid"),
        "building": _("by building"),
    }[scope.part_tier.value]


def display(value, kind: str = "count") -> str:
    """A number as the page shows it: 1,234; ¥12,345.50; 12.5 h; 87.5%; — for none."""
    from yuyao_portal.templatetags.portal_ui import grouped, money

    if value is None:
        return "—"
    if kind == "money":
        return money(value)
    if kind == "percent":
        return f"{grouped(value)}%"
    if kind == "hours":
        return f"{grouped(value)} h"
    return str(grouped(value))
