"""The rule parameters of the request loop (DOMAIN.md, "Grid management and service
requests"): registered with ``core.rules`` when the app is ready, their defaults written
by the data migration ``0020_request_rule_defaults``, read with
``rule(key, node=request)`` so a street or a community may set its own."""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from core.rules import Kind, Parameter, register

# The ceilings the database and the forms hold (the check constraint on
# ``RequestApplication.days``, the date picker); the rules choose below them.
from .models.approvals import EXTENSION_MAX_DAYS as EXTENSION_CEILING_DAYS
from .models.approvals import SUSPENSION_MAX_DAYS as SUSPENSION_CEILING_DAYS

REGISTER_LIMIT_HOURS = "requests.register_limit_hours"
REMINDER_SHARE = "requests.reminder_share"
REMINDER_MAX_HOURS = "requests.reminder_max_working_hours"
RETURN_VISIT_DAYS = "requests.return_visit_after_working_days"
EXTENSION_MAX_DAYS = "requests.extension_max_working_days"
SUSPENSION_MAX_DAYS = "requests.suspension_max_days"
PHOTO_MAX_COUNT = "requests.photos_per_step"
PHOTO_MAX_MB = "requests.photo_max_megabytes"

HOTLINE = _("12345 hotline rules (国办发〔2020〕53号) and digital city management practice")

PARAMETERS = (
    Parameter(
        key=REGISTER_LIMIT_HOURS,
        default=Decimal("1"),
        kind=Kind.DECIMAL,
        unit=_("working hours"),
        label=_("Registration limit"),
        help=_("A report is registered (立案) or rejected within this many working hours."),
        minimum=Decimal("0.25"),
        maximum=Decimal("40"),
        source=HOTLINE,
    ),
    Parameter(
        key=REMINDER_SHARE,
        default=Decimal("0.2"),
        kind=Kind.DECIMAL,
        label=_("Reminder share of the limit"),
        help=_("The reminder (催办) goes out when this share of the limit is left."),
        minimum=Decimal("0.05"),
        maximum=Decimal("0.9"),
        source=HOTLINE,
    ),
    Parameter(
        key=REMINDER_MAX_HOURS,
        default=Decimal("7.5"),
        kind=Kind.DECIMAL,
        unit=_("working hours"),
        label=_("Reminder at most this early"),
        help=_("A reminder never goes out earlier than this before the limit."),
        minimum=Decimal("0.25"),
        maximum=Decimal("75"),
        source=HOTLINE,
    ),
    Parameter(
        key=RETURN_VISIT_DAYS,
        default=1,
        kind=Kind.INT,
        unit=_("working days"),
        label=_("Return visit after closure"),
        help=_(
            "A closed request not rated by its reporter is visited (回访) this many "
            "working days after closure."
        ),
        minimum=1,
        maximum=10,
        source=HOTLINE,
    ),
    Parameter(
        key=EXTENSION_MAX_DAYS,
        default=EXTENSION_CEILING_DAYS,
        kind=Kind.INT,
        unit=_("working days"),
        label=_("Longest extension"),
        help=_("An extension (延期) asks for at most this many working days."),
        minimum=1,
        maximum=EXTENSION_CEILING_DAYS,
        source=HOTLINE,
    ),
    Parameter(
        key=SUSPENSION_MAX_DAYS,
        default=SUSPENSION_CEILING_DAYS,
        kind=Kind.INT,
        unit=_("days"),
        label=_("Longest suspension"),
        help=_("A suspension (缓办) resumes within this many days."),
        minimum=1,
        maximum=SUSPENSION_CEILING_DAYS,
        source=HOTLINE,
    ),
    Parameter(
        key=PHOTO_MAX_COUNT,
        default=6,
        kind=Kind.INT,
        unit=_("photos"),
        label=_("Photos per step"),
        help=_("The most photos a report or a result carries."),
        minimum=1,
        maximum=12,
        source=_("The portal's default"),
    ),
    Parameter(
        key=PHOTO_MAX_MB,
        default=10,
        kind=Kind.INT,
        unit=_("MB"),
        label=_("Largest photo"),
        help=_("A photo larger than this is refused."),
        minimum=1,
        maximum=20,
        source=_("The portal's default"),
    ),
)

register(*PARAMETERS)
