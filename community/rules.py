"""The rule parameters of appointments (DOMAIN.md and issue 17: the community office
reachable outside working hours): the hours in which the office may open slots on
weekdays and at weekends, how far ahead residents book, until when they cancel, when
the reminder goes out and how many bookings one person holds. Read with
``rule(key, node=community)``: a street or a community may set its own."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.rules import Kind, Parameter, register

WEEKDAY_OPENS = "appointments.weekday_opens"
WEEKDAY_CLOSES = "appointments.weekday_closes"
WEEKEND_OPEN = "appointments.weekend_open"
WEEKEND_OPENS = "appointments.weekend_opens"
WEEKEND_CLOSES = "appointments.weekend_closes"
DAYS_AHEAD = "appointments.book_days_ahead"
CANCEL_HOURS = "appointments.cancel_before_hours"
REMINDER_HOURS = "appointments.reminder_before_hours"
MAX_ACTIVE = "appointments.max_active_per_person"

SOURCE = _("Community office hours outside working time (the portal's defaults)")


def parse_clock(text) -> datetime.time:
    """``"20:30"`` → 20:30; anything else refused in the user's language."""
    try:
        hours, minutes = str(text).strip().split(":")
        if len(minutes) != 2 or not hours.isdigit() or not minutes.isdigit():
            raise ValueError
        return datetime.time(int(hours), int(minutes))
    except ValueError:
        raise ValidationError(_("Enter a time of day such as 08:30 or 20:30.")) from None


def _clock(key, default, label):
    return Parameter(
        key=key,
        default=default,
        kind=Kind.TEXT,
        label=label,
        help=_("A time of day, such as 08:30."),
        source=SOURCE,
        validator=parse_clock,
    )


PARAMETERS = (
    _clock(WEEKDAY_OPENS, "08:30", _("Weekday slots from")),
    _clock(WEEKDAY_CLOSES, "20:30", _("Weekday slots until (evening opening)")),
    Parameter(
        key=WEEKEND_OPEN,
        default=True,
        kind=Kind.BOOL,
        label=_("Weekend slots"),
        help=_("Whether the office may open slots on Saturdays and Sundays."),
        source=SOURCE,
    ),
    _clock(WEEKEND_OPENS, "09:00", _("Weekend slots from")),
    _clock(WEEKEND_CLOSES, "17:00", _("Weekend slots until")),
    Parameter(
        key=DAYS_AHEAD,
        default=14,
        kind=Kind.INT,
        unit=_("days"),
        label=_("Booking horizon"),
        help=_("Residents book at most this many days ahead."),
        minimum=1,
        maximum=90,
        source=SOURCE,
    ),
    Parameter(
        key=CANCEL_HOURS,
        default=Decimal("2"),
        kind=Kind.DECIMAL,
        unit=_("hours"),
        label=_("Cancellation deadline"),
        help=_("A resident cancels a booking at least this many hours before it starts."),
        minimum=Decimal("0"),
        maximum=Decimal("72"),
        source=SOURCE,
    ),
    Parameter(
        key=REMINDER_HOURS,
        default=Decimal("24"),
        kind=Kind.DECIMAL,
        unit=_("hours"),
        label=_("Reminder before an appointment"),
        help=_("The reminder goes out this many hours before the appointment starts."),
        minimum=Decimal("1"),
        maximum=Decimal("72"),
        source=SOURCE,
    ),
    Parameter(
        key=MAX_ACTIVE,
        default=3,
        kind=Kind.INT,
        label=_("Bookings per person"),
        help=_("A person holds at most this many bookings that are still ahead."),
        minimum=1,
        maximum=20,
        source=SOURCE,
    ),
)

register(*PARAMETERS)

BOARD_HIDE_REPORTS = "board.hide_after_reports"
BOARD_POSTS_PER_DAY = "board.posts_per_day"

register(
    Parameter(
        key=BOARD_HIDE_REPORTS,
        default=3,
        kind=Kind.INT,
        label=_("Reports that hide a message"),
        help=_("A message reported by this many residents is hidden until the office looks."),
        minimum=1,
        maximum=100,
        source=SOURCE,
    ),
    Parameter(
        key=BOARD_POSTS_PER_DAY,
        default=5,
        kind=Kind.INT,
        label=_("Messages per resident a day"),
        help=_("A resident writes at most this many board messages a day."),
        minimum=1,
        maximum=100,
        source=SOURCE,
    ),
)
