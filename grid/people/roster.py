"""The roster (台账) workbook coming in: its columns and allowed values, reading the
sheet, and validating every row and cell before anything is written.

Validation reports every bad cell of the whole file; the import (``roster_import``)
writes nothing while any row is bad.
"""

import datetime
from dataclasses import dataclass, field
from zipfile import BadZipFile

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from ..models import Building, Household, HouseholdTag, Resident
from ..pii import (
    PHONE_PATTERN,
    id_birth_date,
    is_valid_id_number,
    mask_id_number,
    mask_phone,
    normalize_id_number,
    validate_id_number,
)
from ..scoping import filter_for_perm

MAX_ROWS = 50_000
MAX_BYTES = 20 * 1024 * 1024

# (key, label, required)
COLUMNS = [
    ("building_code", gettext_lazy("Building code"), True),
    ("unit", gettext_lazy("Unit"), True),
    ("room", gettext_lazy("Room"), True),
    ("household_kind", gettext_lazy("Household type"), False),
    ("tags", gettext_lazy("Household tags"), False),
    ("name", pgettext_lazy("person", "Name"), True),
    ("gender", gettext_lazy("Gender"), False),
    ("id_number", gettext_lazy("ID number"), True),
    ("phone", gettext_lazy("Phone"), False),
    ("relation", gettext_lazy("Relation to the head"), False),
    ("residence_status", gettext_lazy("Residence status"), False),
    ("political_status", gettext_lazy("Political status"), False),
    ("occupation", gettext_lazy("Occupation or workplace"), False),
    ("notes", gettext_lazy("Notes"), False),
]
CHOICES = {
    "household_kind": Household.Kind,
    "gender": Resident.Gender,
    "relation": Resident.Relation,
    "residence_status": Resident.ResidenceStatus,
    "political_status": Resident.PoliticalStatus,
}
LANGUAGES = ("zh-hans", "en")


def _labels(key_label_pairs) -> dict[str, str]:
    """Every accepted spelling (the key, and the label in each language) → key."""
    found = {}
    for key, label in key_label_pairs:
        found[str(key).strip().lower()] = key
        for language in LANGUAGES:
            with translation.override(language):
                found[str(label).strip().lower()] = key
    return found


def header_map() -> dict[str, str]:
    return _labels((key, label) for key, label, _required in COLUMNS)


def choice_map(key: str) -> dict[str, str]:
    return _labels(CHOICES[key].choices)


@dataclass
class RowError:
    row: int
    column: str
    value: str
    message: str


@dataclass
class RosterReport:
    rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    households_created: int = 0
    residents_created: int = 0
    residents_updated: int = 0
    residents_unchanged: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class ParsedRow:
    row: int
    building: Building
    unit: int
    room: str
    household_kind: str | None
    tags: list | None
    values: dict


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return str(value).replace("\x00", "").strip()


def _read_rows(file) -> tuple[list[str], list[tuple[int, list[str]]]]:
    if getattr(file, "size", 0) > MAX_BYTES:
        raise ValidationError(_("The file is larger than 20 MB."))
    try:
        workbook = load_workbook(file, read_only=True, data_only=True)
    except (InvalidFileException, BadZipFile, OSError, KeyError, ValueError, TypeError) as exc:
        raise ValidationError(_("This is not an Excel (.xlsx) file.")) from exc
    try:
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header = [_cell(v) for v in next(rows, [])]
        body = []
        for number, row in enumerate(rows, start=2):
            cells = [_cell(v) for v in row]
            if any(cells):
                body.append((number, cells))
            if len(body) > MAX_ROWS:
                raise ValidationError(
                    _("A roster holds at most %(max)s rows.") % {"max": f"{MAX_ROWS:,}"}
                )
        return header, body
    finally:
        workbook.close()


def validate_roster(file, user) -> tuple[RosterReport, list[ParsedRow]]:
    """Check every row and cell; return the report and the parsed rows."""
    report = RosterReport()
    header, body = _read_rows(file)
    accepted = header_map()
    position = {}
    for index, text in enumerate(header):
        key = accepted.get(text.lower())
        if key is not None:
            position.setdefault(key, index)
    labels = {key: str(label) for key, label, _required in COLUMNS}
    missing = [labels[key] for key, _label, required in COLUMNS if required and key not in position]
    if missing:
        report.errors.append(
            RowError(1, ", ".join(missing), "", _("The header row lacks these columns."))
        )
        return report, []
    report.rows = len(body)

    codes = {
        cells[position["building_code"]]
        for _n, cells in body
        if len(cells) > position["building_code"]
    }
    in_scope = {
        b.code: b
        for b in filter_for_perm(
            Building.objects.filter(code__in=codes).select_related("grid"),
            user,
            "grid.import_roster",
        )
    }
    known = set(Building.objects.filter(code__in=codes).values_list("code", flat=True))
    numbers = set()
    for _n, cells in body:
        if len(cells) > position["id_number"]:
            numbers.add(normalize_id_number(cells[position["id_number"]]))
    existing = {}
    number_list = sorted(numbers)
    for start in range(0, len(number_list), 900):
        chunk = number_list[start : start + 900]
        for number, building_id, unit, room in Resident.objects.filter(
            id_number__in=chunk
        ).values_list("id_number", "household__building_id", "household__unit", "household__room"):
            existing[number] = (building_id, unit, room)
    tags = {}
    for tag in HouseholdTag.objects.filter(is_active=True):
        for spelling in (tag.code, tag.name, tag.name_en):
            if spelling:
                tags[spelling.strip().lower()] = tag
    choices = {key: choice_map(key) for key in CHOICES}
    seen_numbers: dict[str, int] = {}
    heads: dict[tuple, int] = {}
    parsed = []

    for number, cells in body:

        def get(key, cells=cells):
            index = position.get(key)
            return cells[index] if index is not None and index < len(cells) else ""

        errors = []

        def bad(key, message, value=None, number=number, errors=errors, get=get):
            shown = get(key) if value is None else value
            errors.append(RowError(number, labels[key], shown, message))

        code = get("building_code")
        building = in_scope.get(code)
        if not code:
            bad("building_code", _("The building code is missing."))
        elif building is None:
            if code in known:
                bad("building_code", _("This building is outside the part of the net you hold."))
            else:
                bad("building_code", _("No building has this code."))
        unit = None
        try:
            unit = int(get("unit"))
            if unit < 1 or (building is not None and unit > building.units):
                raise ValueError
        except ValueError:
            bad("unit", _("The unit is a number from 1 to the building's number of units."))
        room = get("room")
        if not room or len(room) > 16:
            bad("room", _("The room is missing or longer than 16 characters."))
        name = get("name")
        if not name or len(name) > 64:
            bad("name", _("The name is missing or longer than 64 characters."))
        id_number = normalize_id_number(get("id_number"))
        try:
            validate_id_number(id_number)
        except ValidationError as exc:
            bad("id_number", exc.messages[0], mask_id_number(id_number))
            id_number = ""
        if id_number:
            if id_number in seen_numbers:
                bad(
                    "id_number",
                    _("The same ID number is also on row %(row)s.")
                    % {"row": seen_numbers[id_number]},
                    mask_id_number(id_number),
                )
            seen_numbers.setdefault(id_number, number)
            place = existing.get(id_number)
            if place is not None and building is not None and place != (building.pk, unit, room):
                bad(
                    "id_number",
                    _("This resident is registered in another household: record a move instead."),
                    mask_id_number(id_number),
                )
        phone = get("phone")
        if phone and not PHONE_PATTERN.match(phone):
            bad(
                "phone",
                _("A mobile number has 11 digits and starts with 13 to 19."),
                mask_phone(phone),
            )
        values = {"name": name, "id_number": id_number, "phone": phone}
        for key in CHOICES:
            text = get(key)
            if text:
                value = choices[key].get(text.lower())
                if value is None:
                    bad(key, _("Not one of the allowed values."))
                values[key] = value
            else:
                values[key] = None
        if id_number and is_valid_id_number(id_number):
            born = id_birth_date(id_number)
            values["birth_date"] = born
            derived = Resident.Gender.MALE if int(id_number[16]) % 2 else Resident.Gender.FEMALE
            if values["gender"] and values["gender"] != derived:
                bad("gender", _("The gender differs from the one in the ID number."))
            values["gender"] = values["gender"] or derived
        household_tags = None
        if get("tags"):
            household_tags = []
            for spelling in get("tags").replace("，", ",").replace("、", ",").split(","):
                spelling = spelling.strip()
                if not spelling:
                    continue
                tag = tags.get(spelling.lower())
                if tag is None:
                    bad("tags", _("Unknown tag: %(tag)s") % {"tag": spelling})
                else:
                    household_tags.append(tag)
        if values["relation"] == Resident.Relation.HEAD and building is not None:
            key = (building.pk, unit, room)
            if key in heads:
                bad(
                    "relation",
                    _("Row %(row)s already names the head of this household.")
                    % {"row": heads[key]},
                )
            heads.setdefault(key, number)
        values["occupation"] = get("occupation")[:100]
        values["notes"] = get("notes")[:2000]
        if errors:
            report.errors.extend(errors)
            continue
        parsed.append(
            ParsedRow(
                number, building, unit, room, values.pop("household_kind"), household_tags, values
            )
        )
    return report, parsed
