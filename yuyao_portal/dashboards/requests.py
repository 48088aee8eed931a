"""The service requests' part of a dashboard: received, open, overdue, closed and
evaluated requests with the KPIs (on-time closure, satisfaction), received by month, and
per part; every count is the request list (``grid:request-list``) with its filters."""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from grid.models import ServiceRequest
from grid.querysets import with_rates

from .caching import cached
from .sections import (
    Column,
    Metric,
    Section,
    by_month,
    by_part,
    link,
    month_end,
    month_label,
    month_start,
    months,
    part_rows,
    parts_title,
)

KEY = "requests"
State = ServiceRequest.State
LATE = Q(handle_overdue=True) | Q(register_overdue=True)


def queryset(scope):
    """The requests of the dashboard: the list's queryset, narrowed to the node."""
    return scope.narrow(ServiceRequest.objects.for_user(scope.user))


def counts():
    return {
        "received": Count("pk"),
        "overdue": Count("pk", filter=LATE),
        "closed": Count("pk", filter=Q(state=State.CLOSED)),
        "evaluated": Count("pk", filter=Q(state=State.EVALUATED)),
    }


def compute(scope) -> dict:
    rows = queryset(scope)
    # the KPIs' counts and the list's counts in one aggregate
    both = rows.order_by().aggregate(
        **rows.kpi_counts(), **{f"list_{k}": v for k, v in counts().items()}
    )
    totals = {k[5:]: both.pop(k) for k in list(both) if k.startswith("list_")}
    kpis = with_rates(both)
    return {
        "totals": totals,
        "on_time": kpis["on_time_closure_rate"],
        "satisfaction": kpis["satisfaction_rate"],
        "months": by_month(rows, "created_at"),
        "parts": by_part(rows, scope, **counts()),
    }


def section(scope) -> Section:
    data = cached(KEY, scope, lambda: compute(scope))
    node = scope.node_params
    lst = "grid:request-list"
    totals = data["totals"]
    metrics = [
        Metric("received", _("Requests received"), totals["received"], link(lst, **node)),
        Metric("overdue", _("Overdue"), totals["overdue"], link(lst, overdue="yes", **node)),
        Metric("closed", _("Closed"), totals["closed"], link(lst, state="closed", **node)),
        Metric(
            "evaluated", _("Evaluated"), totals["evaluated"], link(lst, state="evaluated", **node)
        ),
        Metric(
            "on_time", _("Closed on time"), data["on_time"], link("grid:request-kpis"), "percent"
        ),
        Metric(
            "satisfaction",
            _("Satisfied"),
            data["satisfaction"],
            link("grid:request-kpis"),
            "percent",
        ),
    ]
    trend = []
    for year, month in months():
        key = f"{year:04d}-{month:02d}"
        url = link(
            lst,
            date_from=month_start(year, month).isoformat(),
            date_to=month_end(year, month).isoformat(),
            **node,
        )
        trend.append((month_label(key), data["months"].get(key, 0), url))
    part = scope.part_tier.value
    part_url = (lambda pk: link(lst, **{part: pk})) if part != "building" else (lambda pk: "")
    return Section(
        key=KEY,
        title=_("Service requests"),
        metrics=metrics,
        trend_title=_("Requests received by month"),
        trend=trend,
        columns=[
            Column("received", _("Received")),
            Column("overdue", _("Overdue")),
            Column("closed", _("Closed")),
            Column("evaluated", _("Evaluated")),
        ],
        parts=part_rows(scope, data["parts"], part_url),
        compare_key="received",
        compare_title=_("Requests received: %(parts)s") % {"parts": parts_title(scope)},
        export_name=_("Service requests"),
    )
