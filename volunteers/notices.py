"""The notices of volunteer service, through the core's notifications (inbox and text)."""

from django.utils.translation import gettext_lazy as _

from core.notify.kinds import Kind, register_kind

SIGNED_UP = "volunteers.signed_up"
PROMOTED = "volunteers.promoted"
REMINDER = "volunteers.shift_reminder"
CANCELLED = "volunteers.shift_cancelled"
MEMBERSHIP = "volunteers.membership"
HOURS = "volunteers.hours_confirmed"
CORRECTION = "volunteers.correction"
PLACED = "volunteers.member_placed"
WISH = "volunteers.wish"
MOBILISATION = "volunteers.mobilisation"

register_kind(
    Kind(
        SIGNED_UP,
        _("Signed up for a shift"),
        title=_("Signed up: %(activity)s, %(when)s"),
        body=_("%(place)s. %(state)s"),
    ),
    Kind(
        PROMOTED,
        _("Place from the waitlist"),
        title=_("A place is yours: %(activity)s, %(when)s"),
        body=_("%(place)s. Someone cancelled and you moved up from the waitlist."),
        level="warning",
        sms=True,
    ),
    Kind(
        REMINDER,
        _("Shift reminder"),
        title=_("Reminder: %(activity)s at %(when)s"),
        body=_("%(place)s. Scan the code at the shift to check in."),
        level="warning",
        sms=True,
    ),
    Kind(
        CANCELLED,
        _("Shift cancelled"),
        title=_("Cancelled: %(activity)s, %(when)s"),
        body=_("Reason: %(reason)s"),
        level="warning",
        sms=True,
    ),
    Kind(
        MEMBERSHIP,
        _("Team application answered"),
        title=_("%(team)s: %(outcome)s"),
        body=_("Reason: %(reason)s"),
    ),
    Kind(
        HOURS,
        _("Hours confirmed"),
        title=_("%(hours)s hours confirmed: %(activity)s"),
        body=_("Your record now holds %(total)s confirmed hours."),
    ),
    Kind(
        CORRECTION,
        _("Correction answered"),
        title=_("Your correction: %(outcome)s"),
        body="%(answer)s",
    ),
    Kind(
        PLACED,
        _("Placed by your community"),
        title=_("Your community placed you: %(grid)s"),
        body=_("Team: %(team)s. Claim items of the needs list and small wishes on the portal."),
    ),
    Kind(
        WISH,
        _("Your small wish"),
        title=_("Your small wish: %(state)s"),
        body="%(wish)s",
    ),
    Kind(
        MOBILISATION,
        _("Household mobilisation"),
        title=_("Mobilisation: %(title)s"),
        body=_("%(reason)s Nominate one healthy member of your household as a volunteer."),
        level="warning",
    ),
)
