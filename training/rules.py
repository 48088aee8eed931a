"""The rule parameters of training (DOMAIN.md, "Cadre and social-worker training"):
hours per session length, the yearly quotas by post, the leave that withdraws a learner,
the rotation cycle, the social-work registration and its continuing education, the grade
bands of the career ladder, staffing and the share of young workers. Read with
``rule(key, node=...)``: a street or a community may set its own."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.rules import Kind, Parameter, register

HOURS_FULL_DAY = "training.hours_full_day"
HOURS_HALF_DAY = "training.hours_half_day"
HOURS_PER_HOUR = "training.hours_per_hour"
QUOTA_PARTY_MEMBER = "training.quota_party_member"
QUOTA_SECRETARY = "training.quota_secretary"
QUOTA_TOWNSHIP = "training.quota_township"
QUOTA_WORKER = "training.quota_worker"
COUNTY_LEVEL_REQUIRED = "training.county_level_for_secretaries"
LEAVE_SHARE = "training.leave_withdraws_above_1_in"
ROTATION_YEARS = "training.rotation_years"
LATE_MINUTES = "training.late_after_minutes"
REGISTRATION_YEARS = "training.registration_years"
CE_ASSISTANT = "training.ce_hours_assistant"
CE_SENIOR = "training.ce_hours_intermediate_senior"
EXPIRY_ALERT_DAYS = "training.expiry_alert_days"
YEAR_END_ALERT_MONTH = "training.year_end_alert_month"
BAND_HEAD = "training.band_head"
BAND_DEPUTY = "training.band_deputy"
BAND_OTHER = "training.band_other"
STAFF_PER_10K = "training.workers_per_10k_residents"
YOUNG_AGE = "training.young_under_age"

SOURCE = _("Cadre and social-worker training rules (DOMAIN.md)")


def parse_band(text) -> tuple[int, int]:
    """``"7-18"`` → (7, 18); anything else refused in the user's language."""
    try:
        low, high = (int(part) for part in str(text).replace("–", "-").split("-"))
        if not 1 <= low <= high <= 18:
            raise ValueError
    except ValueError:
        raise ValidationError(_("Enter a band of grades such as 7-18 (1 to 18).")) from None
    return low, high


def _hours(key, default, label, help_text, maximum=200):
    return Parameter(
        key=key,
        default=Decimal(default),
        kind=Kind.DECIMAL,
        unit=_("hours"),
        label=label,
        help=help_text,
        minimum=Decimal("0"),
        maximum=Decimal(maximum),
        source=SOURCE,
    )


def _int(key, default, label, help_text, minimum, maximum, unit=None):
    return Parameter(
        key=key,
        default=default,
        kind=Kind.INT,
        unit=unit,
        label=label,
        help=help_text,
        minimum=minimum,
        maximum=maximum,
        source=SOURCE,
    )


def _band(key, default, label):
    return Parameter(
        key=key,
        default=default,
        kind=Kind.TEXT,
        label=label,
        help=_("The lowest and highest grade, such as 7-18."),
        source=SOURCE,
        validator=parse_band,
    )


PARAMETERS = (
    _hours(HOURS_FULL_DAY, "8", _("Hours of a full-day session"), _("Credited per full day."), 24),
    _hours(HOURS_HALF_DAY, "4", _("Hours of a half-day session"), _("Credited per half day."), 12),
    _hours(HOURS_PER_HOUR, "1", _("Hours per hour of teaching"), _("For sessions by the hour."), 2),
    _hours(QUOTA_PARTY_MEMBER, "32", _("Yearly hours of party members"), _("At least.")),
    _hours(
        QUOTA_SECRETARY,
        "56",
        _("Yearly hours of secretaries and committee members"),
        _("Community and grid branch secretaries."),
    ),
    _hours(QUOTA_TOWNSHIP, "90", _("Yearly hours of township-level cadres"), _("Street posts.")),
    _hours(
        QUOTA_WORKER,
        "32",
        _("Yearly hours of other community workers"),
        _("Community workers and grid members (the portal's default)."),
    ),
    Parameter(
        key=COUNTY_LEVEL_REQUIRED,
        default=True,
        kind=Kind.BOOL,
        label=_("Secretaries need a county-level training a year"),
        help=_("At least one completed course organised by the county each year."),
        source=SOURCE,
    ),
    _int(
        LEAVE_SHARE,
        7,
        _("Leave that withdraws a learner: above 1 in"),
        _("Leave or absence above this share of a course's hours withdraws the learner."),
        2,
        20,
    ),
    _int(ROTATION_YEARS, 3, _("Rotation training cycle"), _("Every so many years."), 1, 10),
    _int(
        LATE_MINUTES,
        15,
        _("Late after"),
        _("A check-in this long after the start counts as late."),
        0,
        120,
        _("minutes"),
    ),
    _int(
        REGISTRATION_YEARS,
        3,
        _("Social-work registration period"),
        _("Registration is renewed every so many years."),
        1,
        10,
    ),
    _hours(
        CE_ASSISTANT,
        "72",
        _("Continuing education per period: assistant"),
        _("Hours per registration period."),
        500,
    ),
    _hours(
        CE_SENIOR,
        "90",
        _("Continuing education per period: intermediate and senior"),
        _("Hours per registration period."),
        500,
    ),
    _int(
        EXPIRY_ALERT_DAYS,
        60,
        _("Registration alert before expiry"),
        _("Days before the registration expires."),
        1,
        365,
        _("days"),
    ),
    _int(
        YEAR_END_ALERT_MONTH,
        10,
        _("Year-end alerts from month"),
        _("Workers behind and their superiors are told from this month."),
        1,
        12,
    ),
    _band(BAND_HEAD, "7-18", _("Grade band of head posts")),
    _band(BAND_DEPUTY, "4-15", _("Grade band of deputy posts")),
    _band(BAND_OTHER, "1-12", _("Grade band of other posts")),
    _int(
        STAFF_PER_10K,
        18,
        _("Community workers per 10,000 residents"),
        _("The staffing standard of urban communities."),
        1,
        100,
    ),
    _int(YOUNG_AGE, 35, _("Young workers: under the age of"), _("For the board."), 18, 60),
)

register(*PARAMETERS)

BANDS = {"head": BAND_HEAD, "deputy": BAND_DEPUTY, "other": BAND_OTHER}
