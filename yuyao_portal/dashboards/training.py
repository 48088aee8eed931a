"""The training's part of a dashboard: this year's compliance of the cadres and social
workers (quota met, on track, behind, overdue: the rows ``compute_compliance`` wrote),
the hours credited by month, and compliance per part; each count is the training board
(``training:board``) of the year."""

from __future__ import annotations

from decimal import Decimal
from functools import partial

from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from training.models import Attendance, Compliance

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

KEY = "training"
Status = Compliance.Status


def compliance(scope, year):
    return scope.narrow(Compliance.objects.for_user(scope.user)).filter(year=year)


def statuses():
    return {
        "workers": Count("pk"),
        **{status: Count("pk", filter=Q(status=status)) for status in Status.values},
    }


def compute(scope) -> dict:
    year = timezone.localdate().year
    rows = compliance(scope, year)
    credited = scope.narrow(Attendance.objects.for_user(scope.user))
    return {
        "year": year,
        "totals": rows.aggregate(**statuses()),
        "months": {
            k: v or Decimal(0) for k, v in by_month(credited, "on", partial(Sum, "hours")).items()
        },
        "parts": by_part(rows, scope, **statuses()),
    }


def section(scope) -> Section:
    data = cached(KEY, scope, lambda: compute(scope))
    board = link("training:board", year=data["year"])
    totals = data["totals"]
    labels = dict(Status.choices)
    metrics = [Metric("workers", _("Cadres and workers with a quota"), totals["workers"], board)]
    metrics += [
        Metric(status, str(labels[status]), totals[status], board) for status in Status.values
    ]
    trend = trend_rows(data["months"], link("training:courses"))
    return Section(
        key=KEY,
        title=_("Training"),
        metrics=metrics,
        trend_title=_("Training hours credited by month"),
        trend=trend,
        trend_unit="h",
        columns=[
            Column("workers", _("With a quota")),
            *(Column(status, str(labels[status])) for status in Status.values),
        ],
        parts=part_rows(scope, data["parts"], lambda pk: board),
        compare_key="behind",
        compare_title=_("Behind their quota: %(parts)s") % {"parts": parts_title(scope)},
        export_name=_("Training"),
    )
