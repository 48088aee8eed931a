"""The notices of funding, through the core's notifications (inbox and text)."""

from django.utils.translation import gettext_lazy as _

from core.notify.kinds import Kind, register_kind

DUE = "funding.disclosure_due"
OVERDUE = "funding.disclosure_overdue"
ANSWERED = "funding.question_answered"
ADMITTED = "funding.work_admitted"
BURDEN = "funding.burden_reported"

register_kind(
    Kind(
        DUE,
        _("Disclosure due"),
        title=_("Disclosure due on %(due)s: %(title)s"),
        body=_("Publish it to the residents before the due date."),
        level="warning",
    ),
    Kind(
        OVERDUE,
        _("Disclosure overdue"),
        title=_("Disclosure overdue since %(due)s: %(title)s"),
        body=_("The disclosure was due and is not published yet."),
        level="danger",
    ),
    Kind(
        ANSWERED,
        _("Question answered"),
        title=_("Your question on %(title)s has been answered"),
        body=_("The answer is public on the disclosure's page."),
    ),
    Kind(
        ADMITTED,
        _("Work admitted into the community"),
        title=_("Admitted work %(number)s: %(title)s"),
        body=_("Funding of ¥%(amount)s per community follows it."),
    ),
    Kind(
        BURDEN,
        _("Unapproved burden reported"),
        title=_("A community reports an unapproved burden: %(title)s"),
        body=_("See the admission dashboard."),
        level="warning",
    ),
)
