"""The rule parameters of volunteer service (DOMAIN.md "Volunteers"): the step hours are
recorded in, the star levels, the cancellation deadline and the reminder before a shift,
the time the organiser has to answer a correction, the age of majority for dangerous
activities, how early check-in opens, the time bank's minimum balance and eligible
tags, and how many small wishes and needs a resident or a member holds open at once.
Read with ``rule(key, node=record)``: a street or a community may set its own."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.rules import Kind, Parameter, register

HOURS_STEP = "volunteers.hours_step"
CANCEL_HOURS = "volunteers.cancel_before_hours"
REMINDER_HOURS = "volunteers.reminder_before_hours"
CORRECTION_DAYS = "volunteers.correction_answer_days"
ADULT_AGE = "volunteers.adult_age"
CHECKIN_EARLY = "volunteers.checkin_early_minutes"
STARS = tuple(f"volunteers.star_{n}_hours" for n in range(1, 6))
TIMEBANK_MINIMUM = "timebank.minimum_balance"
TIMEBANK_TAGS = "timebank.eligible_tags"
WISHES_OPEN = "volunteers.wishes_open_per_resident"
NEED_CLAIMS_OPEN = "volunteers.need_claims_open_per_member"
MOBILISATION_MAX_AGE = "volunteers.mobilisation_max_age"

REGULATION = _("Measures on recording and certifying volunteer service (2020), Zhejiang practice")
STARS_SOURCE = _("Star levels of volunteers by confirmed hours")
PORTAL = _("Volunteer service (the portal's defaults)")
TIMEBANK = _("Time bank for elderly care (local practice)")


def parse_tags(text) -> list[str]:
    """``"elderly, health"`` → ``["elderly", "health"]``; unknown tags refused."""
    from .models import Tag

    tags = [t.strip() for t in str(text).replace("，", ",").split(",") if t.strip()]
    unknown = [t for t in tags if t not in Tag.values]
    if unknown or not tags:
        raise ValidationError(_("Name tags among: %(tags)s.") % {"tags": ", ".join(Tag.values)})
    return tags


STAR_DEFAULTS = (100, 300, 600, 1000, 1500)
STAR_LABELS = (
    _("Hours for one star"),
    _("Hours for two stars"),
    _("Hours for three stars"),
    _("Hours for four stars"),
    _("Hours for five stars"),
)

PARAMETERS = (
    Parameter(
        key=HOURS_STEP,
        default=Decimal("0.5"),
        kind=Kind.DECIMAL,
        unit=_("hours"),
        label=_("Step of recorded hours"),
        help=_("Hours of service are rounded to this step."),
        minimum=Decimal("0.1"),
        maximum=Decimal("1"),
        source=REGULATION,
    ),
    Parameter(
        key=CANCEL_HOURS,
        default=Decimal("12"),
        kind=Kind.DECIMAL,
        unit=_("hours"),
        label=_("Cancellation deadline before a shift"),
        help=_("A volunteer cancels a sign-up at least this many hours before the shift."),
        minimum=Decimal("0"),
        maximum=Decimal("168"),
        source=PORTAL,
    ),
    Parameter(
        key=REMINDER_HOURS,
        default=Decimal("24"),
        kind=Kind.DECIMAL,
        unit=_("hours"),
        label=_("Reminder before a shift"),
        help=_("The reminder goes out this many hours before the shift starts."),
        minimum=Decimal("1"),
        maximum=Decimal("72"),
        source=PORTAL,
    ),
    Parameter(
        key=CORRECTION_DAYS,
        default=5,
        kind=Kind.INT,
        unit=_("working days"),
        label=_("Answer to a correction within"),
        help=_("The organiser answers a volunteer's request for correction within this time."),
        minimum=1,
        maximum=30,
        source=REGULATION,
    ),
    Parameter(
        key=ADULT_AGE,
        default=18,
        kind=Kind.INT,
        unit=_("years"),
        label=_("Age for dangerous activities"),
        help=_("Younger volunteers may not join activities that may endanger safety."),
        minimum=14,
        maximum=21,
        source=REGULATION,
    ),
    Parameter(
        key=CHECKIN_EARLY,
        default=30,
        kind=Kind.INT,
        unit=_("minutes"),
        label=_("Check-in opens before a shift"),
        help=_("Volunteers check in from this many minutes before the shift starts."),
        minimum=0,
        maximum=120,
        source=PORTAL,
    ),
    *(
        Parameter(
            key=key,
            default=hours,
            kind=Kind.INT,
            unit=_("hours"),
            label=label,
            help=_("Confirmed hours from which a volunteer holds this star level."),
            minimum=1,
            maximum=100000,
            source=STARS_SOURCE,
        )
        for key, hours, label in zip(STARS, STAR_DEFAULTS, STAR_LABELS, strict=True)
    ),
    Parameter(
        key=TIMEBANK_MINIMUM,
        default=Decimal("2"),
        kind=Kind.DECIMAL,
        unit=_("credits"),
        label=_("Minimum balance before an exchange"),
        help=_("Credits are withdrawn only from an account holding at least this many."),
        minimum=Decimal("0"),
        maximum=Decimal("1000"),
        source=TIMEBANK,
    ),
    Parameter(
        key=TIMEBANK_TAGS,
        default="elderly",
        kind=Kind.TEXT,
        label=_("Activities that deposit credits"),
        help=_("The tags, separated by commas, of activities whose hours deposit credits."),
        source=TIMEBANK,
        validator=parse_tags,
    ),
)

MEMBER_PARAMETERS = (
    Parameter(
        key=WISHES_OPEN,
        default=3,
        kind=Kind.INT,
        unit=_("wishes"),
        label=_("Open small wishes per resident"),
        help=_("A resident has at most this many small wishes not yet fulfilled."),
        minimum=1,
        maximum=20,
        source=PORTAL,
    ),
    Parameter(
        key=NEED_CLAIMS_OPEN,
        default=5,
        kind=Kind.INT,
        unit=_("items"),
        label=_("Open claims per in-service member"),
        help=_("A member holds at most this many claimed items not yet done."),
        minimum=1,
        maximum=50,
        source=PORTAL,
    ),
    Parameter(
        key=MOBILISATION_MAX_AGE,
        default=65,
        kind=Kind.INT,
        unit=_("years"),
        label=_("Oldest volunteer of a household mobilisation"),
        help=_(
            "A household nominates a member from the age for dangerous activities up to this age."
        ),
        minimum=30,
        maximum=80,
        source=PORTAL,
    ),
)

register(*PARAMETERS, *MEMBER_PARAMETERS)
