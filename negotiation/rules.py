"""The rule parameters of residents' consultation (DOMAIN.md, "Residents' consultation"):
read with ``rule(key, node=community)``; a street or a community may set its own."""

from django.utils.translation import gettext_lazy as _

from core.rules import Kind, Parameter, register

REVIEW_DAYS = "consultation.review_working_days"
SUPPORT_BASIS = "consultation.support_basis"
SUPPORT_HOUSEHOLDS = "consultation.support_households"
SUPPORT_SHARE = "consultation.support_building_share_percent"
PROXIES_PER_HOLDER = "consultation.proxies_per_holder"
MEETING_QUORUM = "consultation.meeting_quorum_percent"
NOTICE_DAYS = "consultation.notice_days"
ACCEPTANCE_SHARE = "consultation.acceptance_percent"
ACCEPTANCE_MINIMUM = "consultation.acceptance_minimum_ratings"

SOURCE = _("Residents' consultation (the portal's defaults, DOMAIN.md)")

PARAMETERS = (
    Parameter(
        key=REVIEW_DAYS,
        default=5,
        kind=Kind.INT,
        unit=_("working days"),
        label=_("Review of a topic"),
        help=_("The community reviews a proposed topic within this many working days."),
        minimum=1,
        maximum=30,
        source=SOURCE,
    ),
    Parameter(
        key=SUPPORT_BASIS,
        default="household",
        kind=Kind.CHOICE,
        choices=(("household", _("One per household")), ("person", _("One per person"))),
        label=_("Supports counted"),
        help=_("Whether a topic's supports are counted per household or per person."),
        source=SOURCE,
    ),
    Parameter(
        key=SUPPORT_HOUSEHOLDS,
        default=10,
        kind=Kind.INT,
        label=_("Supports that schedule a topic"),
        help=_("A topic with this many supports is scheduled for consultation."),
        minimum=1,
        maximum=5000,
        source=SOURCE,
    ),
    Parameter(
        key=SUPPORT_SHARE,
        default=0,
        kind=Kind.INT,
        unit="%",
        label=_("Or a share of the building's households"),
        help=_(
            "For a building's topic: this share of its households schedules it too "
            "(0: only the number above counts)."
        ),
        minimum=0,
        maximum=100,
        source=SOURCE,
    ),
    Parameter(
        key=PROXIES_PER_HOLDER,
        default=2,
        kind=Kind.INT,
        label=_("Proxies one person holds"),
        help=_("A resident holds at most this many written proxies for one meeting or vote."),
        minimum=1,
        maximum=10,
        source=SOURCE,
    ),
    Parameter(
        key=MEETING_QUORUM,
        default=50,
        kind=Kind.INT,
        unit="%",
        label=_("Meeting quorum"),
        help=_("Present in the room or online, or by proxy: this share of those invited."),
        minimum=1,
        maximum=100,
        source=SOURCE,
    ),
    Parameter(
        key=NOTICE_DAYS,
        default=7,
        kind=Kind.INT,
        unit=_("days"),
        label=_("Public notice of a resolution"),
        help=_("A passed resolution is on public notice, open to objections, this long."),
        minimum=1,
        maximum=60,
        source=SOURCE,
    ),
    Parameter(
        key=ACCEPTANCE_SHARE,
        default=60,
        kind=Kind.INT,
        unit="%",
        label=_("Satisfied ratings that accept a result"),
        help=_("The residents accept the result when this share of the ratings is satisfied."),
        minimum=1,
        maximum=100,
        source=SOURCE,
    ),
    Parameter(
        key=ACCEPTANCE_MINIMUM,
        default=5,
        kind=Kind.INT,
        label=_("Ratings needed for acceptance"),
        help=_("At least this many households rate the result before it is accepted."),
        minimum=1,
        maximum=1000,
        source=SOURCE,
    ),
)

register(*PARAMETERS)
