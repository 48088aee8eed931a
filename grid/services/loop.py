"""What every transition of the request loop shares (grid/services/requests.py,
approvals.py, visits.py): the refusals, the row lock, the state check, the timeline
entry with its notices, and who may work on a request."""

from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import get_user_perms

from core.rules import rule
from core.workdays.calendar import WorkCalendar

from ..models import RequestEvent, ServiceRequest, ServiceRequestUserGrant
from ..permissions import TIER_ORDER, Tier
from ..rules import REGISTER_LIMIT_HOURS
from ..scoping import holding_tiers
from .notices import notify_event

State = ServiceRequest.State
Level = ServiceRequest.Level
LEVEL_TIER = {Level.GRID: Tier.GRID, Level.COMMUNITY: Tier.COMMUNITY, Level.STREET: Tier.STREET}
CHANGE = "grid.change_servicerequest"


def work_calendar():
    return WorkCalendar.load(timezone.localdate() - timezone.timedelta(days=1))


def rule_node(request):
    """The node whose rule parameters a request follows, before or after its tier
    columns are filled: its building, grid, community or street."""
    return request.building or request.grid or request.community or request.street


def register_due(request, now):
    """When a new report must be registered (立案) at the latest: the registration
    limit of its place (a rule parameter) in working hours from ``now``."""
    hours = rule(REGISTER_LIMIT_HOURS, node=rule_node(request))
    return work_calendar().add_working_hours(now, hours)


def record_event(request, actor, action, from_state, note=""):
    # the people concerned hear of it (outbox, same transaction)
    event = RequestEvent.record(
        request=request, actor=actor, action=action, from_state=from_state, note=note
    )
    notify_event(event)


def locked(request) -> ServiceRequest:
    return ServiceRequest.objects.select_for_update().get(pk=request.pk)


def can_work(user, request) -> bool:
    """A post that may change the request, at its handling tier or above."""
    tiers = holding_tiers(user, CHANGE, request)
    depth = TIER_ORDER.index(LEVEL_TIER[Level(request.level)])
    return any(TIER_ORDER.index(tier) <= depth for tier in tiers)


def require_worker(user, request):
    if not can_work(user, request):
        raise PermissionDenied(_("This request is handled at another tier."))


def require_handler(user, request):
    """The tier handling the request, or whoever it was dispatched to: the dispatch
    gave them a grant on this one request (a django-guardian object permission)."""
    if can_work(user, request) or "change_servicerequest" in get_user_perms(user, request):
        return
    raise PermissionDenied(_("Only the handler of this request may do this."))


def grant_handler(request, users):
    permissions = Permission.objects.filter(
        content_type__app_label="grid",
        codename__in=["view_servicerequest", "change_servicerequest"],
    )
    ServiceRequestUserGrant.objects.bulk_create(
        [
            ServiceRequestUserGrant(user=u, permission=p, content_object=request)
            for u in users
            for p in permissions
        ],
        ignore_conflicts=True,
    )
