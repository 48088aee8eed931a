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

EMERGENCY_HELP_CATEGORY = "emergency.help_category"
EMERGENCY_COVERAGE_GOAL = "emergency.coverage_goal_percent"
EMERGENCY_SOURCE = _("Emergency mode of the community (the portal's defaults)")

register(
    Parameter(
        key=EMERGENCY_HELP_CATEGORY,
        default="livelihood-urgent",
        kind=Kind.TEXT,
        label=_("Category of help requests in an emergency"),
        help=_(
            "The code of the request category (second level) under which a household's "
            "call for help becomes a service request; the category with the shortest "
            "time limit puts it at the top of the queue."
        ),
        source=EMERGENCY_SOURCE,
    ),
    Parameter(
        key=EMERGENCY_COVERAGE_GOAL,
        default=80,
        kind=Kind.INT,
        unit="%",
        label=_("Roll-call goal"),
        help=_("The share of households that should have answered; below it a building is marked."),
        minimum=1,
        maximum=100,
        source=EMERGENCY_SOURCE,
    ),
)

GROUPS_LED_MAX = "groups.max_led_per_person"
GROUP_POSTS_PER_DAY = "groups.posts_per_day"
GROUPS_SOURCE = _("Residents' interest groups (the portal's defaults)")

register(
    Parameter(
        key=GROUPS_LED_MAX,
        default=2,
        kind=Kind.INT,
        label=_("Groups one resident leads"),
        help=_("A resident starts and leads at most this many active groups."),
        minimum=1,
        maximum=10,
        source=GROUPS_SOURCE,
    ),
    Parameter(
        key=GROUP_POSTS_PER_DAY,
        default=20,
        kind=Kind.INT,
        label=_("Posts per member and day"),
        help=_("A member writes at most this many posts a day in all groups."),
        minimum=1,
        maximum=200,
        source=GROUPS_SOURCE,
    ),
)
