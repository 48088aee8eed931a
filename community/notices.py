"""The notices of appointments, through the core's notifications (inbox and text)."""

from django.utils.translation import gettext_lazy as _

from core.notify.kinds import Kind, register_kind

BOOKED = "appointments.booked"
REMINDER = "appointments.reminder"
CANCELLED = "appointments.cancelled"

register_kind(
    Kind(
        BOOKED,
        _("Appointment booked"),
        title=_("Appointment booked: %(service)s, %(when)s"),
        body=_("%(place)s. Bring your ID card. Cancel in the portal if you cannot come."),
        sms=True,
    ),
    Kind(
        REMINDER,
        _("Appointment reminder"),
        title=_("Reminder: %(service)s at %(when)s"),
        body=_("%(place)s. Cancel in the portal if you cannot come."),
        level="warning",
        sms=True,
    ),
    Kind(
        CANCELLED,
        _("Appointment cancelled"),
        title=_("Appointment cancelled: %(service)s, %(when)s"),
        body=_("Reason: %(reason)s"),
        level="warning",
        sms=True,
    ),
)

NOTICE = "community.notice"

register_kind(
    Kind(
        NOTICE,
        _("Community notice"),
        title=_("Notice from %(office)s: %(title)s"),
        body="%(body)s",
    ),
)

BOARD_ANSWER = "community.board_answer"

register_kind(
    Kind(
        BOARD_ANSWER,
        _("Answer on the message board"),
        title=_("The community office answered your message"),
        body="%(text)s",
    ),
)

EMERGENCY = "community.emergency"
EMERGENCY_HELP = "community.emergency_help"
EMERGENCY_CLOSED = "community.emergency_closed"

register_kind(
    Kind(
        EMERGENCY,
        _("Emergency"),
        title=_("%(kind)s: %(title)s"),
        body=_("%(message)s Answer the roll call in the portal: is your household safe?"),
        level="danger",
        sms=True,
    ),
    Kind(
        EMERGENCY_HELP,
        _("A household needs help in an emergency"),
        title=_("Needs help: %(household)s"),
        body="%(note)s",
        level="danger",
        sms=True,
    ),
    Kind(
        EMERGENCY_CLOSED,
        _("Emergency over"),
        title=_("The emergency is over: %(title)s"),
        body="%(note)s",
    ),
)
