"""The rule parameters of funding and admission (DOMAIN.md "Funding and disclosure" and
"Admission of departments' work"). Read with ``rule(key, node=community)``: a street or
a community may set its own. Amounts are in yuan (whole), compared in fen."""

from django.core.exceptions import ValidationError
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from core.rules import Kind, Parameter, register

from .models import Category, Source

SOURCE = _("Funding, disclosure and admission of work (DOMAIN.md; the portal's defaults)")

COMMUNITY_LIMIT = "funding.community_approval_limit"
STREET_LIMIT = "funding.street_approval_limit"
SPECIAL_FUND_YEARLY = "funding.special_fund_yearly"
MAJOR_DISCLOSURE_DAYS = "funding.major_disclosure_days"
QUARTER_DISCLOSURE_WORKDAYS = "funding.quarter_disclosure_workdays"
DISCLOSURE_ALERT_DAYS = "funding.disclosure_alert_days"
ADMISSION_LEAD_WORKDAYS = "funding.admission_lead_workdays"
ADMISSION_REVIEW_WORKDAYS = "funding.admission_review_workdays"
VENTURE_PROJECT_CAP = "funding.venture_project_cap"
VENTURE_MIN_MONTHS = "funding.venture_min_months"
VENTURE_MAX_MONTHS = "funding.venture_max_months"


def forbidden_key(source: str) -> str:
    return f"funding.forbidden.{source}"


def parse_categories(text) -> list[str]:
    """``"office, salaries"`` → ``["office", "salaries"]``; unknown names refused."""
    names = [part.strip() for part in str(text or "").replace("，", ",").split(",")]
    names = [name for name in names if name]
    unknown = [name for name in names if name not in Category.values]
    if unknown:
        raise ValidationError(
            _("Unknown spending categories: %(names)s. Known: %(known)s.")
            % {"names": ", ".join(unknown), "known": ", ".join(Category.values)}
        )
    return names


FORBIDDEN_DEFAULTS = {
    Source.OFFICE: "debts",
    Source.SPECIAL: "office,salaries,debts,government_funded",
    Source.ADMITTED: "debts",
    Source.VENTURE: "office,salaries,debts,government_funded",
    Source.PURCHASE: "debts",
    Source.DONATION: "salaries,debts",
    Source.SELF_RAISED: "debts",
}


def _yuan(key, default, label, help_text, maximum=10**10):
    return Parameter(
        key=key,
        default=default,
        kind=Kind.INT,
        unit=_("yuan"),
        label=label,
        help=help_text,
        minimum=0,
        maximum=maximum,
        source=SOURCE,
    )


register(
    _yuan(
        COMMUNITY_LIMIT,
        20000,
        _("Approval by the community secretary up to"),
        _("An expenditure up to this amount is approved by the community secretary."),
    ),
    _yuan(
        STREET_LIMIT,
        200000,
        _("Approval by the street up to"),
        _(
            "Above the community's limit and up to this amount the street approves; "
            "above it the county."
        ),
    ),
    _yuan(
        SPECIAL_FUND_YEARLY,
        200000,
        _("Special fund per community a year"),
        _(
            "The yearly special fund for serving the masses of one community "
            "(e.g. ¥200k in Kunshan)."
        ),
    ),
    Parameter(
        key=MAJOR_DISCLOSURE_DAYS,
        default=5,
        kind=Kind.INT,
        unit=_("days"),
        label=_("Major matters disclosed within"),
        help=_("A major matter is disclosed within this many days."),
        minimum=0,
        maximum=30,
        source=SOURCE,
    ),
    Parameter(
        key=QUARTER_DISCLOSURE_WORKDAYS,
        default=10,
        kind=Kind.INT,
        unit=_("working days"),
        label=_("Quarterly statement due"),
        help=_(
            "The quarter's financial statement is published within this many working "
            "days after it ends."
        ),
        minimum=1,
        maximum=60,
        source=SOURCE,
    ),
    Parameter(
        key=DISCLOSURE_ALERT_DAYS,
        default=3,
        kind=Kind.INT,
        unit=_("days"),
        label=_("Disclosure alert before the due date"),
        help=_("The community is alerted this many days before a disclosure is due."),
        minimum=0,
        maximum=30,
        source=SOURCE,
    ),
    Parameter(
        key=ADMISSION_LEAD_WORKDAYS,
        default=30,
        kind=Kind.INT,
        unit=_("working days"),
        label=_("Lead time of an admission application"),
        help=_("A department applies at least this many working days before the work starts."),
        minimum=0,
        maximum=120,
        source=SOURCE,
    ),
    Parameter(
        key=ADMISSION_REVIEW_WORKDAYS,
        default=15,
        kind=Kind.INT,
        unit=_("working days"),
        label=_("Joint review period"),
        help=_("The joint meeting decides within this many working days of the submission."),
        minimum=1,
        maximum=60,
        source=SOURCE,
    ),
    _yuan(
        VENTURE_PROJECT_CAP,
        50000,
        _("Venture grant cap per project"),
        _("The most one project of a public-benefit venture call receives (¥50k Ningbo Haishu)."),
    ),
    Parameter(
        key=VENTURE_MIN_MONTHS,
        default=6,
        kind=Kind.INT,
        unit=_("months"),
        label=_("Shortest venture project"),
        minimum=1,
        maximum=36,
        source=SOURCE,
    ),
    Parameter(
        key=VENTURE_MAX_MONTHS,
        default=12,
        kind=Kind.INT,
        unit=_("months"),
        label=_("Longest venture project"),
        minimum=1,
        maximum=36,
        source=SOURCE,
    ),
    *[
        Parameter(
            key=forbidden_key(source),
            default=FORBIDDEN_DEFAULTS[source],
            kind=Kind.TEXT,
            label=format_lazy(_("Forbidden spending: {source}"), source=label),
            help=_("Spending categories this source may not pay, separated by commas."),
            source=SOURCE,
            validator=parse_categories,
        )
        for source, label in Source.choices
    ],
)
