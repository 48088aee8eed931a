"""The roster (台账) workbooks that go out: the blank template with its notes, and
the export of residents, masked unless the post may see them whole."""

import datetime
import io
import tempfile

from django.utils.translation import gettext as _
from openpyxl import Workbook

from ..models import Household, HouseholdTag, Resident
from ..pii import (
    make_id_number,
    mask_id_number,
    mask_phone,
)
from .roster import CHOICES, COLUMNS


def roster_template() -> bytes:
    """The import template: the header row, a sample row, and a sheet of notes."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Roster")
    sheet.append([str(label) for _key, label, _required in COLUMNS])
    sample_id = make_id_number("330281", datetime.date(1965, 3, 12), 21)
    sample = {
        "building_code": "330281001001001001",
        "unit": 1,
        "room": "101",
        "household_kind": str(Household.Kind.OWNER_OCCUPIED.label),
        "tags": "独居老人",
        "name": "王秀英",
        "gender": str(Resident.Gender.FEMALE.label),
        "id_number": sample_id,
        "phone": "13800138000",
        "relation": str(Resident.Relation.HEAD.label),
        "residence_status": str(Resident.ResidenceStatus.REGISTERED_HERE.label),
        "political_status": str(Resident.PoliticalStatus.MASSES.label),
        "occupation": "退休",
        "notes": "",
    }
    sheet.append([sample[key] for key, _label, _required in COLUMNS])
    for column in sheet.columns:
        sheet.column_dimensions[column[0].column_letter].width = 18
    notes = workbook.create_sheet(_("Notes"))
    notes.append([_("Column"), _("Required"), _("Allowed values")])
    for key, label, required in COLUMNS:
        allowed = ""
        if key in CHOICES:
            allowed = " / ".join(str(lbl) for _v, lbl in CHOICES[key].choices)
        elif key == "tags":
            allowed = "、".join(
                HouseholdTag.objects.filter(is_active=True).values_list("name", flat=True)
            )
        elif key == "id_number":
            allowed = _(
                "18 characters with a valid check digit; date of birth and gender are read from it"
            )
        elif key == "building_code":
            allowed = _("The 18-digit code of a building in your part of the net")
        notes.append([str(label), _("yes") if required else _("no"), allowed])
    notes.column_dimensions["A"].width = 20
    notes.column_dimensions["C"].width = 80
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export_roster(residents, *, whole: bool):
    """Write the residents (a queryset) in the import layout to a temporary file, masked
    unless ``whole``; returns the open file, positioned at its start."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Roster"))
    sheet.append([str(label) for _key, label, _required in COLUMNS])
    displays = {key: dict(CHOICES[key].choices) for key in CHOICES}
    rows = residents.select_related("household__building").order_by("household_id", "id")
    for resident in rows.iterator(chunk_size=2000):
        household = resident.household
        sheet.append(
            [
                household.building.code,
                household.unit,
                household.room,
                str(displays["household_kind"].get(household.kind, "")),
                "",
                resident.name,
                str(displays["gender"].get(resident.gender, "")),
                resident.id_number if whole else mask_id_number(resident.id_number),
                resident.phone if whole else mask_phone(resident.phone),
                str(displays["relation"].get(resident.relation, "")),
                str(displays["residence_status"].get(resident.residence_status, "")),
                str(displays["political_status"].get(resident.political_status, "")),
                resident.occupation,
                resident.notes,
            ]
        )
    handle = tempfile.TemporaryFile()  # noqa: SIM115 (returned to the caller, who closes it)
    workbook.save(handle)
    handle.seek(0)
    return handle
