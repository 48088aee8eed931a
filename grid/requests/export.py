"""Service requests out to Excel through ``core.exports``: the filtered list (the caller's
``for_user()`` queryset), newest first, read as ``values()`` in one query, never the
reporter's personal data (no column reads it)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.exports import XLSX, Column, excel_file

from ..models import ServiceRequest

__all__ = ["COLUMNS", "XLSX", "export_requests"]

FIELDS = [
    "number",
    "category__parent__name",
    "category__name",
    "building__address",
    "grid__name",
    "place_text",
    "state",
    "level",
    "handler_unit__name",
    "created_at",
    "due_handle_at",
    "closed_at",
    "handle_overdue",
    "register_overdue",
    "rating",
]
STATES = dict(ServiceRequest.State.choices)
LEVELS = dict(ServiceRequest.Level.choices)


def _category(row):
    parent, category = row["category__parent__name"], row["category__name"]
    return f"{parent} / {category}" if parent else category


def _place(row):
    return row["building__address"] or row["grid__name"] or row["place_text"] or ""


def _overdue(row):
    return _("Yes") if row["handle_overdue"] or row["register_overdue"] else _("No")


COLUMNS = [
    Column(gettext_lazy("Number"), "number"),
    Column(gettext_lazy("Category"), _category),
    Column(gettext_lazy("Place"), _place),
    Column(gettext_lazy("State"), lambda row: STATES.get(row["state"], row["state"])),
    Column(gettext_lazy("Handling tier"), lambda row: LEVELS.get(row["level"], row["level"])),
    Column(gettext_lazy("Handling unit"), lambda row: row["handler_unit__name"] or ""),
    Column(gettext_lazy("Submitted at"), "created_at"),
    Column(gettext_lazy("Handle by"), "due_handle_at"),
    Column(gettext_lazy("Closed at"), "closed_at"),
    Column(gettext_lazy("Overdue"), _overdue),
    Column(gettext_lazy("Rating"), "rating"),
]


def export_requests(requests):
    """Write ``requests`` (a scoped queryset) newest first; returns the open temporary
    file, positioned at its start (the caller closes it; a ``FileResponse`` does)."""
    rows = requests.order_by("-created_at", "-id").values(*FIELDS)
    return excel_file(rows=rows, columns=COLUMNS, sheet_title=_("Requests"))
