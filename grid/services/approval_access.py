"""Who may do what with the applications to the tier above and the transfers (转办)
of a request: the checks that the approval services, pages and API share."""

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from guardian.shortcuts import get_user_perms

from ..models import (
    HandlingUnit,
    Post,
    RequestApplication,
    ServiceRequest,
)
from ..permissions import TIER_ORDER, Role, Tier
from ..scoping import holding_tiers, holdings, role_permissions, tier_column
from .loop import (
    CHANGE,
    LEVEL_TIER,
    can_work,
)

State = ServiceRequest.State
Level = ServiceRequest.Level
Kind = RequestApplication.Kind
AppState = RequestApplication.State

# The states of the request from which each kind may be applied for and approved.
ALLOWED_FROM = {
    Kind.TRANSFER: (State.REGISTERED, State.DISPATCHED, State.IN_PROGRESS),
    Kind.EXTENSION: (State.REGISTERED, State.DISPATCHED, State.IN_PROGRESS),
    Kind.RETURN: (State.DISPATCHED, State.IN_PROGRESS),
    Kind.SUSPENSION: (State.REGISTERED, State.DISPATCHED, State.IN_PROGRESS),
}
TIER_APPROVED = (Kind.EXTENSION, Kind.RETURN, Kind.SUSPENSION)


# --- who may do what ---------------------------------------------------------------------


def unit_staff(unit):
    """The users holding an active staff post of ``unit``."""
    return [
        post.user
        for post in Post.objects.filter(
            handling_unit=unit, role=Role.UNIT_STAFF, is_active=True, user__is_active=True
        ).select_related("user")
    ]


def is_unit_staff(user, unit_id) -> bool:
    return bool(
        unit_id
        and getattr(user, "is_authenticated", False)
        and Post.objects.filter(
            user_id=user.pk, handling_unit_id=unit_id, role=Role.UNIT_STAFF, is_active=True
        ).exists()
    )


def is_tier_above(user, request) -> bool:
    """The user holds a post that may change the request at a tier above its handling
    tier (grid → community and up, community → street and up, street → county)."""
    depth = TIER_ORDER.index(LEVEL_TIER[Level(request.level)])
    return any(TIER_ORDER.index(tier) < depth for tier in holding_tiers(user, CHANGE, request))


def is_dispatched_handler(user, request) -> bool:
    """The person or a staff member of the unit the request was dispatched to (they
    hold the per-request grant of the dispatch)."""
    if request.handler_user_id is None and request.handler_unit_id is None:
        return False
    return "change_servicerequest" in get_user_perms(user, request)


def serves(unit, request) -> bool:
    """A unit serves the place of a request when every node it is attached to is one of
    the request's nodes (a county-wide unit serves everywhere)."""
    return all(
        getattr(unit, column) is None or getattr(unit, column) == getattr(request, column)
        for column in ("street_id", "community_id", "grid_id", "building_id")
    )


def transfer_targets(request):
    """The handling units a request may be transferred to: serving its place, with
    someone on the portal to accept it, not the unit handling it now."""
    staffed = Post.objects.filter(
        handling_unit=OuterRef("pk"), role=Role.UNIT_STAFF, is_active=True
    )
    condition = Q()
    for column in ("street", "community", "grid", "building"):
        condition &= Q(**{f"{column}__isnull": True}) | Q(
            **{f"{column}_id": getattr(request, f"{column}_id")}
        )
    return (
        HandlingUnit.objects.filter(condition)
        .filter(Exists(staffed))
        .exclude(pk=request.handler_unit_id or 0)
        .order_by("name")
    )


def can_decide(user, application) -> bool:
    if application.kind == Kind.TRANSFER:
        return is_unit_staff(user, application.target_unit_id)
    return application.applicant_id != user.pk and is_tier_above(user, application.request)


def may_apply(user, request) -> dict:
    """What the user may apply for on the request now (for the pages)."""
    kinds = dict.fromkeys(Kind.values, False)
    if not getattr(user, "is_authenticated", False):
        return kinds
    worker = can_work(user, request)
    handler = worker or "change_servicerequest" in get_user_perms(user, request)
    suspended = bool(request.suspended_until and request.suspended_until > timezone.now())
    kinds[Kind.TRANSFER] = worker and request.state in ALLOWED_FROM[Kind.TRANSFER]
    kinds[Kind.EXTENSION] = handler and request.state in ALLOWED_FROM[Kind.EXTENSION]
    kinds[Kind.RETURN] = request.state in ALLOWED_FROM[Kind.RETURN] and is_dispatched_handler(
        user, request
    )
    kinds[Kind.SUSPENSION] = (
        handler and not suspended and request.state in ALLOWED_FROM[Kind.SUSPENSION]
    )
    return kinds


def applications_to_decide(user):
    """The pending applications ``user`` may decide, as one queryset: transfers to a
    unit they are staff of, and the applications of requests handled below a tier they
    hold (never their own), within the requests they may see."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return RequestApplication.objects.none()
    unit_ids = Post.objects.filter(user_id=user.pk, role=Role.UNIT_STAFF, is_active=True).values(
        "handling_unit_id"
    )
    grants = role_permissions()
    above = Q(pk__in=[])
    for holding in holdings(user):
        if CHANGE not in grants.get(holding.role, ()):
            continue
        depth = TIER_ORDER.index(holding.tier)
        levels = [level for level, tier in LEVEL_TIER.items() if TIER_ORDER.index(tier) > depth]
        if not levels:
            continue
        if holding.tier == Tier.COUNTY:
            above |= Q(request__level__in=levels)
        else:
            column = tier_column(ServiceRequest, holding.tier)
            if column is None or holding.node_id is None:
                continue
            above |= Q(**{f"request__{column}": holding.node_id, "request__level__in": levels})
    condition = Q(kind=Kind.TRANSFER, target_unit_id__in=unit_ids) | (
        Q(kind__in=TIER_APPROVED) & above & ~Q(applicant_id=user.pk)
    )
    return RequestApplication.objects.filter(
        condition,
        state=AppState.PENDING,
        request__in=ServiceRequest.objects.for_user(user, "view").values("pk"),
    )
