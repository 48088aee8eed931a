"""Participation analytics: who takes part in requests, supports, votes, activities and
meetings, by age band, gender and building (by part above the community), in a period,
with the share of households reached; no group smaller than the rule parameter
``dashboards.min_group_size`` is shown (DOMAIN.md: the young rarely take part, and no
individual may be picked out of a small group).

Participants are the residents of the viewer's ``Resident.objects.for_user`` narrowed to
the dashboard's node; each kind's participation comes from that mode's ``for_user``
queryset in the period. A count below the threshold (and above zero) is suppressed;
where one cell of a row of a dimension is suppressed and the total is shown, the next
smallest is suppressed as well, so that the first cannot be worked out by subtraction."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Case, CharField, Count, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.rules import rule
from grid.models import Household, RequestSupport, Resident, ServiceRequest
from negotiation.models import Attendance, Ballot, Meeting, Support, Topic, Vote
from volunteers.models import SignUp

from .caching import cached
from .rules import MIN_GROUP

KINDS = (
    ("requests", gettext_lazy("Requests")),
    ("supports", gettext_lazy("Supports")),
    ("votes", gettext_lazy("Votes")),
    ("activities", gettext_lazy("Volunteer activities")),
    ("meetings", gettext_lazy("Consultation meetings")),
)
# (key, label, youngest age, oldest age) — the bands' bounds in whole years.
AGE_BANDS = (
    ("0-17", gettext_lazy("Under 18"), 0, 17),
    ("18-34", gettext_lazy("18 to 34"), 18, 34),
    ("35-59", gettext_lazy("35 to 59"), 35, 59),
    ("60+", gettext_lazy("60 and over"), 60, 200),
)
SUPPRESSED = None  # a suppressed cell's value
MAX_BUILDINGS = 60  # buildings (or parts) listed; the rest are summed as "other"


@dataclass(frozen=True)
class Period:
    """A calendar year, or one quarter of it."""

    year: int
    quarter: int | None = None

    @classmethod
    def parse(cls, year, quarter) -> Period:
        today = timezone.localdate()
        try:
            y = int(str(year)[:4]) if year else today.year
        except ValueError:
            y = today.year
        if not 2000 <= y <= today.year + 1:
            y = today.year
        q = int(quarter) if str(quarter or "") in ("1", "2", "3", "4") else None
        return cls(y, q)

    @property
    def start(self) -> datetime.date:
        return datetime.date(self.year, 1 + 3 * ((self.quarter or 1) - 1), 1)

    @property
    def end(self) -> datetime.date:
        """The first day after the period."""
        if self.quarter is None or self.quarter == 4:
            return datetime.date(self.year + 1, 1, 1)
        return datetime.date(self.year, 1 + 3 * self.quarter, 1)

    @property
    def key(self) -> str:
        return f"{self.year}" + (f"q{self.quarter}" if self.quarter else "")

    def moments(self):
        tz = timezone.get_current_timezone()
        return (
            datetime.datetime.combine(self.start, datetime.time(), tz),
            datetime.datetime.combine(self.end, datetime.time(), tz),
        )


def participant_ids(scope, kind: str, period: Period):
    """The residents (ids, a subquery) who took part in ``kind`` in the period."""
    user = scope.user
    start, end = period.moments()
    if kind == "requests":
        rows = scope.narrow(ServiceRequest.objects.for_user(user)).filter(
            created_at__gte=start, created_at__lt=end, reporter__isnull=False
        )
        return Q(pk__in=rows.values("reporter_id"))
    if kind == "supports":
        requests = scope.narrow(ServiceRequest.objects.for_user(user)).values("pk")
        topics = scope.narrow(Topic.objects.for_user(user)).values("pk")
        on_requests = RequestSupport.objects.filter(
            request__in=requests, created_at__gte=start, created_at__lt=end
        ).values("user_id")
        on_topics = Support.objects.filter(
            topic__in=topics, at__gte=start, at__lt=end, user__isnull=False
        ).values("user_id")
        return Q(user_id__in=on_requests) | Q(user_id__in=on_topics)
    if kind == "votes":
        votes = scope.narrow(Vote.objects.for_user(user)).values("pk")
        ballots = Ballot.objects.filter(
            vote__in=votes, at__gte=start, at__lt=end, resident__isnull=False
        )
        return Q(pk__in=ballots.values("resident_id"))
    if kind == "activities":
        signups = scope.narrow(SignUp.objects.for_user(user)).filter(
            state=SignUp.State.ATTENDED,
            shift__starts_at__gte=start,
            shift__starts_at__lt=end,
        )
        return Q(pk__in=signups.values("volunteer__resident_id")) | Q(
            user_id__in=signups.values("user_id")
        )
    if kind == "meetings":
        meetings = scope.narrow(Meeting.objects.for_user(user)).values("pk")
        attended = Attendance.objects.filter(
            meeting__in=meetings, at__gte=start, at__lt=end
        ).values("user_id")
        return Q(user_id__in=attended)
    raise ValueError(kind)


def age_band(on: datetime.date):
    """The age band of ``birth_date`` on a day, as a database expression."""

    def born_before(years: int) -> datetime.date:
        try:
            return on.replace(year=on.year - years)
        except ValueError:  # 29 February
            return on.replace(year=on.year - years, day=28)

    whens = [
        When(
            birth_date__lte=born_before(low),
            birth_date__gt=born_before(high + 1),
            then=Value(key),
        )
        for key, _label, low, high in AGE_BANDS
    ]
    return Case(*whens, default=Value("?"), output_field=CharField())


def dimension_column(scope) -> tuple[str, str]:
    """The "where" dimension: buildings for a community or a grid, the parts above."""
    if scope.part_tier.value in ("grid", "building"):
        return "building_id", "building__name"
    return scope.part_column, f"{scope.part_tier.value}__name"


def compute(scope, period: Period) -> dict:
    residents = scope.narrow(Resident.objects.for_user(scope.user)).filter(state="living")
    on = min(period.end - datetime.timedelta(days=1), timezone.localdate())
    band = age_band(on)
    where, where_name = dimension_column(scope)

    def grouped(queryset):
        """Counts by age band, gender and place from one query grouped by the three
        (folded here: at most bands × genders × places rows), and the households."""
        result = {"age": {}, "gender": {}, "where": {}, "total": 0}
        rows = (
            queryset.annotate(_band=band)
            .order_by()
            .values_list("_band", "gender", where, where_name)
            .annotate(n=Count("pk"))
        )
        for age, gender, place, place_name, n in rows:
            result["age"][age] = result["age"].get(age, 0) + n
            result["gender"][gender] = result["gender"].get(gender, 0) + n
            result["where"][(place, place_name)] = result["where"].get((place, place_name), 0) + n
            result["total"] += n
        result["households"] = queryset.values("household_id").distinct().count()
        return result

    anyone = Q(pk__in=[])
    kinds = {}
    for kind, _label in KINDS:
        condition = participant_ids(scope, kind, period)
        anyone |= condition
        kinds[kind] = grouped(residents.filter(condition))
    households = scope.narrow(Household.objects.for_user(scope.user)).count()
    return {
        "period": period.key,
        "population": grouped(residents),
        "kinds": kinds,
        "anyone": grouped(residents.filter(anyone)),
        "households": households,
    }


def suppress(cells: dict, k: int) -> dict:
    """``cells`` with each count ``0 < n < k`` replaced by ``SUPPRESSED``, and, if just
    one was, the next smallest non-zero one too (its total is shown)."""
    out = {key: (SUPPRESSED if 0 < n < k else n) for key, n in cells.items()}
    hidden = [key for key, n in out.items() if n is SUPPRESSED]
    if len(hidden) == 1:
        shown = sorted((n, str(key)) for key, n in out.items() if n)
        if shown:
            _n, key = shown[0]
            for original in out:
                if str(original) == key:
                    out[original] = SUPPRESSED
                    break
    return out


def min_group(scope) -> int:
    return int(rule(MIN_GROUP, node=scope.node))


def analytics(scope, period: Period) -> dict:
    """The tables of the page and the export: each dimension's rows (a label, and a count
    per kind, suppressed below the threshold), the households reached per kind."""
    data = cached("participation", scope, lambda: compute(scope, period), period.key)
    k = min_group(scope)
    columns = [("anyone", _("Anyone")), *((key, str(label)) for key, label in KINDS)]
    groups = {"anyone": data["anyone"], **data["kinds"]}

    def table(dimension: str, keys_labels):
        per_kind = {
            kind: suppress({key: groups[kind][dimension].get(key, 0) for key, _l in keys_labels}, k)
            for kind, _label in columns
        }
        population = suppress(
            {key: data["population"][dimension].get(key, 0) for key, _l in keys_labels}, k
        )
        return [
            {
                "label": label,
                "population": population[key],
                "cells": [per_kind[kind][key] for kind, _label in columns],
            }
            for key, label in keys_labels
        ]

    genders = [(value, str(label)) for value, label in Resident.Gender.choices]
    ages = [(key, str(label)) for key, label, _low, _high in AGE_BANDS]
    places = sorted(data["population"]["where"])[:MAX_BUILDINGS]
    wheres = [(key, key[1] or "—") for key in places]
    reached = []
    for kind, label in columns:
        n = groups[kind]["households"]
        shown = SUPPRESSED if 0 < n < k else n
        share = None
        if shown is not SUPPRESSED and data["households"]:
            share = round(100 * n / data["households"], 1)
        reached.append({"kind": kind, "label": label, "households": shown, "share": share})
    totals = [
        SUPPRESSED if 0 < groups[kind]["total"] < k else groups[kind]["total"]
        for kind, _label in columns
    ]
    return {
        "period": period,
        "min_group": k,
        "columns": columns,
        "totals": totals,
        "households": data["households"],
        "reached": reached,
        "age": table("age", ages),
        "gender": table("gender", genders),
        "where": table("where", wheres),
    }
