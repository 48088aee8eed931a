"""Service requests out to Excel: the filtered list, written row by row to a temporary
file (openpyxl's write-only workbook), never the reporter's personal data."""

import tempfile

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook

from .models import ServiceRequest

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

COLUMNS = [
    gettext_lazy("Number"),
    gettext_lazy("Category"),
    gettext_lazy("Place"),
    gettext_lazy("State"),
    gettext_lazy("Handling tier"),
    gettext_lazy("Handling unit"),
    gettext_lazy("Submitted at"),
    gettext_lazy("Handle by"),
    gettext_lazy("Closed at"),
    gettext_lazy("Overdue"),
    gettext_lazy("Rating"),
]
FIELDS = [
    "number",
    "category__parent__name",
    "category__name",
    "building__address",
    "grid__name",
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


def _local(moment):
    """Excel has no time zones: the local wall-clock time."""
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


def export_requests(requests):
    """Write ``requests`` (a queryset) newest first; returns the open temporary file,
    positioned at its start."""
    states = {value: str(label) for value, label in ServiceRequest.State.choices}
    levels = {value: str(label) for value, label in ServiceRequest.Level.choices}
    yes, no = _("Yes"), _("No")
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Requests"))
    sheet.append([str(label) for label in COLUMNS])
    rows = requests.order_by("-created_at", "-id").values_list(*FIELDS)
    for row in rows.iterator(chunk_size=2000):
        (number, parent, category, address, grid, state, level, unit) = row[:8]
        created, due, closed, handle_late, register_late, rating = row[8:]
        sheet.append(
            [
                number,
                f"{parent} / {category}" if parent else category,
                address or grid or "",
                states.get(state, state),
                levels.get(level, level),
                unit or "",
                _local(created),
                _local(due),
                _local(closed),
                yes if handle_late or register_late else no,
                rating,
            ]
        )
    handle = tempfile.TemporaryFile()  # noqa: SIM115 (returned to the caller, who closes it)
    workbook.save(handle)
    handle.seek(0)
    return handle
