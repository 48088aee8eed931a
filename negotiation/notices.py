"""The notices of residents' consultation, through the core's notifications."""

from django.utils.translation import gettext_lazy as _

from core.notify.kinds import Kind, register_kind

REVIEWED = "consultation.reviewed"
REVIEW_DUE = "consultation.review_due"
SCHEDULED = "consultation.scheduled"
INVITED = "consultation.invited"
VOTE_OPEN = "consultation.vote_open"
RESULT = "consultation.result"
NOTICE = "consultation.notice"
ANSWERED = "consultation.objection_answered"

register_kind(
    Kind(
        REVIEWED,
        _("Topic reviewed"),
        title=_("Your topic “%(title)s”: %(state)s"),
        body=_("Reason: %(reason)s"),
    ),
    Kind(
        REVIEW_DUE,
        _("Topic review overdue"),
        title=_("Topic awaiting review: %(title)s"),
        body=_("Review due %(due)s."),
        level="warning",
    ),
    Kind(
        SCHEDULED,
        _("Topic scheduled for consultation"),
        title=_("Scheduled for consultation: %(title)s"),
        body=_("%(supports)s supports."),
    ),
    Kind(
        INVITED,
        _("Invitation to a consultation"),
        title=_("Invitation: %(title)s, %(when)s"),
        body=_("%(place)s"),
        sms=True,
    ),
    Kind(
        VOTE_OPEN,
        _("A vote is open"),
        title=_("Vote open: %(question)s"),
        body=_("Until %(until)s."),
    ),
    Kind(
        RESULT,
        _("Vote result"),
        title=_("Result: %(question)s"),
        body="%(words)s",
    ),
    Kind(
        NOTICE,
        _("Resolution on public notice"),
        title=_("Public notice: %(title)s"),
        body=_("Objections until %(until)s."),
    ),
    Kind(
        ANSWERED,
        _("Objection answered"),
        title=_("Your objection was answered"),
        body="%(text)s",
    ),
)
