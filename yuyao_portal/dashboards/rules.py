"""The rule parameter of the participation analytics: the smallest group shown. A
cell counting fewer people (but not none) is suppressed, so that no resident can be
picked out of a small group (an age band of one building, say)."""

from django.utils.translation import gettext_lazy as _

from core.rules import Kind, Parameter, register

MIN_GROUP = "dashboards.min_group_size"

PARAMETERS = (
    Parameter(
        key=MIN_GROUP,
        default=5,
        kind=Kind.INT,
        unit=_("people"),
        label=_("Smallest group shown in participation analytics"),
        help=_(
            "A count of fewer people than this (but more than none) is shown as suppressed,"
            " with a second cell where the first could be worked out from the total."
        ),
        minimum=2,
        maximum=100,
        source=_("Participation analytics (the portal's defaults)"),
    ),
)

register(*PARAMETERS)
