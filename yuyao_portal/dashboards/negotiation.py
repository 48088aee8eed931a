"""The consultations' part of a dashboard (请你来协商): topics proposed and decided,
meetings held, votes, resolutions being carried out and archived; topics by month and
per part. The topics link to the office's workbench (``negotiation:work``), the
resolutions to the implementation board (``negotiation:board``)."""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from negotiation.models import Meeting, Resolution, Topic, Vote

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

KEY = "negotiation"
IMPLEMENTING = (Resolution.State.NOTICE, Resolution.State.IMPLEMENTING, Resolution.State.ACCEPTANCE)


def topics(scope):
    return scope.narrow(Topic.objects.for_user(scope.user))


def resolutions(scope):
    return scope.narrow(Resolution.objects.for_user(scope.user))


def compute(scope) -> dict:
    topic_counts = topics(scope).aggregate(
        topics=Count("pk"), decided=Count("pk", filter=Q(state=Topic.State.DECIDED))
    )
    resolution_counts = resolutions(scope).aggregate(
        resolutions=Count("pk"),
        implementing=Count("pk", filter=Q(state__in=IMPLEMENTING)),
        archived=Count("pk", filter=Q(state=Resolution.State.ARCHIVED)),
    )
    return {
        **topic_counts,
        **resolution_counts,
        "meetings": scope.narrow(Meeting.objects.for_user(scope.user)).count(),
        "votes": scope.narrow(Vote.objects.for_user(scope.user)).count(),
        "months": by_month(topics(scope), "created_at"),
        "parts": {
            pk: {**values, "resolutions": 0}
            for pk, values in by_part(
                topics(scope),
                scope,
                topics=Count("pk"),
                decided=Count("pk", filter=Q(state=Topic.State.DECIDED)),
            ).items()
        },
        "part_resolutions": by_part(resolutions(scope), scope, resolutions=Count("pk")),
    }


def section(scope) -> Section:
    data = cached(KEY, scope, lambda: compute(scope))
    work, board = link("negotiation:work"), link("negotiation:board")
    parts = {pk: dict(values) for pk, values in data["parts"].items()}
    for pk, values in data["part_resolutions"].items():
        parts.setdefault(pk, {"topics": 0, "decided": 0})["resolutions"] = values["resolutions"]
    metrics = [
        Metric("topics", _("Topics proposed"), data["topics"], work),
        Metric("decided", _("Topics decided"), data["decided"], work),
        Metric("meetings", _("Consultation meetings"), data["meetings"], work),
        Metric("votes", _("Votes"), data["votes"], work),
        Metric("resolutions", _("Resolutions"), data["resolutions"], board),
        Metric("implementing", _("Resolutions being carried out"), data["implementing"], board),
        Metric("archived", _("Resolutions accepted and archived"), data["archived"], board),
    ]
    trend = trend_rows(data["months"], work)
    return Section(
        key=KEY,
        title=_("Consultations"),
        metrics=metrics,
        trend_title=_("Topics proposed by month"),
        trend=trend,
        columns=[
            Column("topics", _("Topics proposed")),
            Column("decided", _("Topics decided")),
            Column("resolutions", _("Resolutions")),
        ],
        parts=part_rows(scope, parts, lambda pk: work),
        compare_key="topics",
        compare_title=_("Topics proposed: %(parts)s") % {"parts": parts_title(scope)},
        export_name=_("Consultations"),
    )
