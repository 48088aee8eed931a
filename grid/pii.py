"""Residents' personal data: validation of ID numbers and phones, and their masks."""

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.masking import mask_phone  # noqa: F401  (every mask of personal data from here)

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
ID_PATTERN = re.compile(r"^\d{17}[\dX]$")
PHONE_PATTERN = re.compile(r"^1[3-9]\d{9}$")


def id_check_char(first17: str) -> str:
    return ID_CHECK[sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS, strict=True)) % 11]


def normalize_id_number(value: str) -> str:
    return (value or "").strip().upper()


def id_birth_date(value: str) -> datetime.date | None:
    try:
        return datetime.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return None


def is_valid_id_number(value: str) -> bool:
    value = normalize_id_number(value)
    if not ID_PATTERN.match(value):
        return False
    born = id_birth_date(value)
    if born is None or born.year < 1890 or born > datetime.date.today():
        return False
    return id_check_char(value[:17]) == value[17]


def validate_id_number(value: str) -> None:
    value = normalize_id_number(value)
    if not ID_PATTERN.match(value):
        raise ValidationError(
            _("An ID number has 17 digits and a final digit or X."), code="id_format"
        )
    if id_birth_date(value) is None:
        raise ValidationError(_("The birth date in this ID number is not a date."), code="id_date")
    if id_check_char(value[:17]) != value[17]:
        raise ValidationError(
            _("The check digit of this ID number is wrong: please check the number."),
            code="id_checksum",
        )


def validate_phone(value: str) -> None:
    if not PHONE_PATTERN.match((value or "").strip()):
        raise ValidationError(
            _("A mobile number has 11 digits and starts with 13 to 19."), code="phone"
        )


def mask_id_number(value: str) -> str:
    """``330281********1234``: the region and the last four digits."""
    if not value:
        return ""
    return value[:6] + "*" * (len(value) - 10) + value[-4:] if len(value) > 10 else "*" * len(value)


def make_id_number(region: str, born: datetime.date, sequence: int) -> str:
    """A valid (fictional) ID number for tests and demo data."""
    first17 = f"{region}{born:%Y%m%d}{sequence % 1000:03d}"
    return first17 + id_check_char(first17)
