"""Phone return visits (电话回访): the next working day after closure, the handling
tier calls the resident of a request that was not rated and records the answer. An
unsatisfied answer reopens the request for re-handling, like a 1- or 2-star rating."""

import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.rules import rule
from core.timeline import expect_state, refuse
from core.workdays.calendar import WorkCalendar

from ..models import ReturnVisit, ServiceRequest
from ..permissions import TIER_ORDER, Tier
from ..querysets import start_of_day
from ..rules import RETURN_VISIT_DAYS
from ..scoping import holdings, role_permissions, tier_column
from .loop import CHANGE, LEVEL_TIER, can_work, locked, record_event
from .requests import apply_rating

State = ServiceRequest.State
Outcome = ReturnVisit.Outcome


@transaction.atomic
def record_return_visit(*, user, request, outcome: str, note: str = "") -> ServiceRequest:
    """Record a phone return visit of a closed, unrated request: satisfied (5 stars),
    basically satisfied (4), unsatisfied (2: reopened for re-handling) or unreachable
    (no rating; the visit is kept and counted)."""
    request = locked(request)
    if not can_work(user, request):
        raise PermissionDenied(_("Return visits are made by the tier handling the request."))
    expect_state(request, State.CLOSED)
    if outcome not in Outcome.values:
        refuse({"outcome": _("Choose the answer of the resident.")})
    note = (note or "").replace("\x00", "").strip()[:500]
    ReturnVisit.objects.create(request=request, visited_by=user, outcome=outcome, note=note)
    label = str(Outcome(outcome).label)
    record_event(request, user, "visit", State.CLOSED, f"{label} {note}".strip())
    rating = ReturnVisit.RATINGS[outcome]
    if rating is not None:
        apply_rating(request, user, rating, note)
    return request


def can_visit(user, request) -> bool:
    return request.state == State.CLOSED and can_work(user, request)


def visits_due_before(now=None, calendar=None) -> datetime.datetime:
    """Requests closed before this moment are due for their visit: the start of the
    N-th last working day up to today, N the rule parameter
    ``requests.return_visit_after_working_days`` (default 1: a visit is due the next
    working day after closure)."""
    today = timezone.localdate(now or timezone.now())
    calendar = calendar or WorkCalendar.load(today - datetime.timedelta(days=60), days=61)
    wanted, day = rule(RETURN_VISIT_DAYS), today
    for _i in range(60):
        if calendar.is_workday(day):
            wanted -= 1
            if wanted == 0:
                break
        day -= datetime.timedelta(days=1)
    return start_of_day(day)


def workable(user) -> Q | None:
    """The requests ``user`` may work at their handling tier or above (the bulk form of
    ``can_work``): None for everything, an empty condition for nothing."""
    if getattr(user, "is_superuser", False):
        return None
    grants = role_permissions()
    condition = Q(pk__in=[])
    for holding in holdings(user):
        if CHANGE not in grants.get(holding.role, ()):
            continue
        depth = TIER_ORDER.index(holding.tier)
        levels = [level for level, tier in LEVEL_TIER.items() if TIER_ORDER.index(tier) >= depth]
        if holding.tier == Tier.COUNTY:
            return None
        column = tier_column(ServiceRequest, holding.tier)
        if column is None or holding.node_id is None or not levels:
            continue
        condition |= Q(**{column: holding.node_id, "level__in": levels})
    return condition


def visit_queue(user, now=None):
    """Closed requests the user's tier should call back: due, not rated, not visited."""
    queryset = ServiceRequest.objects.for_user(user, "change").due_for_visit(visits_due_before(now))
    condition = workable(user)
    if condition is not None:
        queryset = queryset.filter(condition)
    return queryset


def visit_counts(user, since) -> dict[str, int]:
    """Return visits made since ``since`` on the requests the user may work, per
    outcome (the unreachable ones included: they are counted, not rated)."""
    requests = ServiceRequest.objects.for_user(user, "change").values("pk")
    rows = (
        ReturnVisit.objects.filter(request__in=requests, at__gte=since)
        .order_by()
        .values_list("outcome")
        .annotate(n=Count("pk"))
    )
    counts = dict.fromkeys(Outcome.values, 0)
    counts.update(dict(rows))
    return counts
