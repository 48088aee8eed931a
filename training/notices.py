"""The notices of training, through the core's notifications (inbox and text)."""

from django.utils.translation import gettext_lazy as _

from core.notify.kinds import Kind, register_kind

ENROLLED = "training.enrolled"
WAITLISTED = "training.waitlisted"
REMINDER = "training.reminder"
MAKE_UP = "training.make_up"
WITHDRAWN = "training.withdrawn"
COMPLETED = "training.completed"
BEHIND = "training.behind"
QUALIFICATION = "training.qualification"
RATE_SERVER = "training.rate_server"

register_kind(
    Kind(
        ENROLLED,
        _("Enrolled in a training course"),
        title=_("You are enrolled: %(course)s"),
        body=_("First session: %(when)s, %(place)s."),
        sms=True,
    ),
    Kind(
        WAITLISTED,
        _("On a training waiting list"),
        title=_("On the waiting list: %(course)s"),
        body=_("You are told when a place frees up."),
    ),
    Kind(
        REMINDER,
        _("Training session reminder"),
        title=_("Training tomorrow: %(course)s"),
        body=_("%(when)s, %(place)s. Scan the code at the session to check in."),
        level="warning",
        sms=True,
    ),
    Kind(
        MAKE_UP,
        _("Make-up training offered"),
        title=_("Make-up training: %(course)s"),
        body=_("You missed %(missed)s; you are enrolled in the make-up course from %(when)s."),
        level="warning",
        sms=True,
    ),
    Kind(
        WITHDRAWN,
        _("Withdrawn from a training course"),
        title=_("Withdrawn: %(course)s"),
        body=_("Reason: %(reason)s"),
        level="warning",
    ),
    Kind(
        COMPLETED,
        _("Training completed"),
        title=_("Completed: %(course)s"),
        body=_("%(hours)s hours credited. Certificate %(number)s."),
    ),
    Kind(
        BEHIND,
        _("Training hours behind"),
        title=_("Training: %(hours)s of %(quota)s hours this year"),
        body=_("%(name)s still needs: %(needs)s."),
        level="warning",
    ),
    Kind(
        QUALIFICATION,
        _("Qualification registration"),
        title=_("Registration of %(level)s: %(when)s"),
        body=_("Continuing education: %(hours)s of %(needed)s hours this period."),
        level="warning",
        sms=True,
    ),
    Kind(
        RATE_SERVER,
        _("Rate who served you"),
        title=_("How did %(name)s serve you?"),
        body=_(
            "Your request %(number)s is closed. Rate %(name)s from 1 to 5: "
            "nobody sees who gave which rating."
        ),
    ),
)
