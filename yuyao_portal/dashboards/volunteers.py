"""The volunteers' part of a dashboard: registered volunteers, confirmed and pending
hours, activities, and the volunteers by star level (the rule parameters' thresholds);
confirmed hours by month of service and per part. The counts link to the organisers'
work page (``volunteers:work``)."""

from __future__ import annotations

from decimal import Decimal
from functools import partial

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _

from core.rules import rule
from volunteers import rules as keys
from volunteers.models import Activity, HourEntry, Volunteer

from .caching import cached
from .sections import (
    Column,
    Metric,
    Section,
    by_month,
    by_part,
    link,
    part_rows,
    parts_title,
    trend_rows,
)

KEY = "volunteers"


def volunteers(scope):
    return scope.narrow(Volunteer.objects.for_user(scope.user))


def hours(scope):
    return scope.narrow(HourEntry.objects.for_user(scope.user))


def activities(scope):
    return scope.narrow(Activity.objects.for_user(scope.user))


def star_thresholds(scope) -> list[int]:
    return [int(rule(key, node=scope.node)) for key in keys.STARS]


def compute(scope) -> dict:
    thresholds = star_thresholds(scope)
    stars = volunteers(scope).aggregate(
        total=Count("pk"),
        **{
            f"star_{n}": Count("pk", filter=Q(confirmed_hours__gte=low))
            for n, low in enumerate(thresholds, start=1)
        },
    )
    entries = hours(scope).aggregate(
        confirmed=Sum("hours", filter=Q(state=HourEntry.State.CONFIRMED)),
        pending=Count("pk", filter=Q(state=HourEntry.State.PENDING)),
    )
    confirmed = hours(scope).filter(state=HourEntry.State.CONFIRMED)
    return {
        "volunteers": stars.pop("total"),
        # volunteers at each level exactly (the aggregate counted "at least")
        "stars": [stars[f"star_{n}"] - stars.get(f"star_{n + 1}", 0) for n in range(1, 6)],
        "confirmed": entries["confirmed"] or Decimal(0),
        "pending": entries["pending"],
        "activities": activities(scope).count(),
        "months": by_month(confirmed, "served_on", partial(Sum, "hours")),
        "parts": by_part(
            hours(scope),
            scope,
            confirmed=Sum("hours", filter=Q(state=HourEntry.State.CONFIRMED)),
            pending=Count("pk", filter=Q(state=HourEntry.State.PENDING)),
        ),
    }


def section(scope) -> Section:
    data = cached(KEY, scope, lambda: compute(scope))
    work = link("volunteers:work")
    metrics = [
        Metric("volunteers", _("Volunteers"), data["volunteers"], work),
        Metric("confirmed", _("Confirmed hours"), data["confirmed"], work, "hours"),
        Metric("pending", _("Hours awaiting confirmation"), data["pending"], work),
        Metric("activities", _("Activities"), data["activities"], link("volunteers:home")),
        *(
            Metric(f"star_{n}", _("%(n)s-star volunteers") % {"n": n}, count, work)
            for n, count in enumerate(data["stars"], start=1)
        ),
    ]
    trend = trend_rows(data["months"], work)
    return Section(
        key=KEY,
        title=_("Volunteer service"),
        metrics=metrics,
        trend_title=_("Confirmed hours by month of service"),
        trend=trend,
        trend_unit="h",
        columns=[
            Column("confirmed", _("Confirmed hours"), "hours"),
            Column("pending", _("Hours awaiting confirmation")),
        ],
        parts=part_rows(scope, data["parts"], lambda pk: work),
        compare_key="confirmed",
        compare_title=_("Confirmed hours: %(parts)s") % {"parts": parts_title(scope)},
        export_name=_("Volunteer service"),
    )
