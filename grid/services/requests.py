"""The closed loop of a service request. Every transition is one function here: it
checks who may do it, refuses an illegal one with a clear message and changes
nothing, and leaves a timeline entry."""

import uuid

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.timeline import expect_state, refuse

from ..models import (
    Category,
    Post,
    Resident,
    ServiceRequest,
)
from ..permissions import Role
from .loop import (
    grant_handler,
    locked,
    record_event,
    register_due,
    require_handler,
    require_worker,
    work_calendar,
)
from .photos import Stage as PhotoStage
from .photos import attach_step_photos, prepare_photos

State = ServiceRequest.State
Level = ServiceRequest.Level
LEVEL_UP = {Level.GRID: Level.COMMUNITY, Level.COMMUNITY: Level.STREET}


@transaction.atomic
def submit_request(
    *,
    user,
    category: Category,
    description: str,
    building=None,
    grid=None,
    is_public=None,
    reporter=None,
    photos=(),
) -> ServiceRequest:
    """A resident reports a problem, or a post holder records one on a resident's
    behalf (代办, naming the resident), with up to 6 photos (all checked first)."""
    if category is None or not category.is_leaf or not category.is_active:
        refuse({"category": _("Choose a category of the second level.")})
    description = (description or "").strip()
    if not description:
        refuse({"description": _("Describe the problem.")})
    if len(description) > 4000:
        refuse({"description": _("The description is longer than 4,000 characters.")})
    own = (
        Resident.objects.filter(user=user, state=Resident.State.LIVING)
        .select_related("household__building")
        .first()
    )
    request = ServiceRequest(
        category=category,
        description=description,
        is_public=category.public_by_default if is_public is None else is_public,
    )
    if reporter is not None:  # recorded on behalf
        if not user.has_perm("grid.add_servicerequest", reporter):
            raise PermissionDenied(_("You may not record requests for this resident."))
        request.reporter, request.reporter_user, request.recorded_by = reporter, reporter.user, user
        home = reporter.household.building
    elif own is not None:
        request.reporter, request.reporter_user = own, user
        home = own.household.building
    else:
        raise PermissionDenied(
            _("Only verified residents and posts on the net can submit requests.")
        )
    place = building or (None if grid else home)
    if place is not None:
        if place.community_id != home.community_id:
            refuse({"building": _("The place must be in the resident's community.")})
        request.building = place
    else:
        if grid.community_id != home.community_id:
            refuse({"grid": _("The place must be in the resident's community.")})
        request.grid = grid
    photos = prepare_photos(photos)
    now = timezone.now()
    request.number = uuid.uuid4().hex[:20]
    request.due_register_at = register_due(request, now)
    request.save()
    request.number = f"{timezone.localtime(now):%Y%m%d}{request.pk:08d}"[:20]
    request.save(update_fields=["number"])
    record_event(request, user, "submit", "")
    attach_step_photos(request=request, stage=PhotoStage.REPORT, photos=photos, user=user)
    return request


@transaction.atomic
def register_request(*, user, request, building=None):
    """Register (立案). A request whose place matched nothing is placed here: the
    worker names the building (within their part of the net and the request's node),
    and the request goes to that building's grid."""
    request = locked(request)
    require_worker(user, request)
    expect_state(request, State.SUBMITTED)
    if request.place_unmatched:
        place_request(user=user, request=request, building=building)
    elif building is not None and building.pk != request.building_id:
        refuse({"building": _("This request has its place already.")})
    now = timezone.now()
    request.state = State.REGISTERED
    request.registered_at = now
    request.register_overdue = bool(request.due_register_at and now > request.due_register_at)
    category = request.category
    request.due_handle_at = work_calendar().add(now, category.handle_limit, category.handle_unit)
    request.save()
    record_event(request, user, "register", State.SUBMITTED)
    return request


def place_request(*, user, request, building):
    """Put an unmatched request on a building (inside ``register_request``)."""
    if building is None:
        refuse({"building": _("The place was not matched: choose the building first.")})
    in_node = all(
        getattr(request, column) in (None, getattr(building, column))
        for column in ("street_id", "community_id")
    )
    if not in_node or not user.has_perm("grid.view_building", building):
        refuse({"building": _("Choose a building within your part of the net.")})
    request.building, request.grid = building, None
    request.place_unmatched = False
    request.level = Level.GRID
    request.fill_tier_columns()
    record_event(
        request,
        user,
        "place",
        request.state,
        _("Placed on %(building)s (reported: %(text)s)")
        % {"building": building, "text": request.place_text},
    )


@transaction.atomic
def reject_request(*, user, request, reason: str):
    request = locked(request)
    require_worker(user, request)
    expect_state(request, State.SUBMITTED)
    if not (reason or "").strip():
        refuse({"reason": _("Say why the request is not accepted.")})
    request.state, request.reason = State.REJECTED, reason.strip()[:200]
    request.closed_at = timezone.now()
    request.save()
    record_event(request, user, "reject", State.SUBMITTED, reason)
    return request


@transaction.atomic
def mark_duplicate(*, user, request, original):
    request = locked(request)
    require_worker(user, request)
    expect_state(request, State.SUBMITTED)
    if original.pk == request.pk or original.community_id != request.community_id:
        refuse({"original": _("The original must be another request of the same community.")})
    request.state, request.duplicate_of = State.DUPLICATE, original
    request.closed_at = timezone.now()
    request.save()
    record_event(request, user, "duplicate", State.SUBMITTED, original.number)
    return request


@transaction.atomic
def dispatch_request(*, user, request, handler_user=None, handler_unit=None, note=""):
    """Send the request to a person on the net or a handling unit; they get a grant on
    this one request."""
    request = locked(request)
    require_worker(user, request)
    expect_state(request, State.REGISTERED)
    if (handler_user is None) == (handler_unit is None):
        refuse(_("Dispatch to one person or one handling unit."))
    request.state = State.DISPATCHED
    request.handler_user, request.handler_unit = handler_user, handler_unit
    request.save()
    if handler_user is not None:
        grant_handler(request, [handler_user])
    else:
        staff = [
            p.user
            for p in Post.objects.filter(
                handling_unit=handler_unit, role=Role.UNIT_STAFF, is_active=True
            ).select_related("user")
        ]
        grant_handler(request, staff)
    record_event(
        request, user, "dispatch", State.REGISTERED, note or str(handler_user or handler_unit)
    )
    return request


@transaction.atomic
def start_request(*, user, request):
    request = locked(request)
    require_handler(user, request)
    expect_state(request, State.DISPATCHED)
    request.state = State.IN_PROGRESS
    request.save()
    record_event(request, user, "start", State.DISPATCHED)
    return request


@transaction.atomic
def handle_request(*, user, request, result: str, photos=()):
    request = locked(request)
    require_handler(user, request)
    expect_state(request, State.IN_PROGRESS)
    if not (result or "").strip():
        refuse({"result": _("Describe how the problem was handled.")})
    photos = prepare_photos(photos)
    now = timezone.now()
    request.state, request.result, request.handled_at = State.HANDLED, result.strip()[:4000], now
    request.handle_overdue = request.handle_overdue or bool(
        request.due_handle_at and now > request.due_handle_at
    )
    request.save()
    record_event(request, user, "handle", State.IN_PROGRESS, result)
    attach_step_photos(request=request, stage=PhotoStage.RESULT, photos=photos, user=user)
    return request


@transaction.atomic
def close_request(*, user, request, note=""):
    """Verify the result on the net and close the request (核查结案)."""
    request = locked(request)
    require_worker(user, request)
    expect_state(request, State.HANDLED)
    request.state, request.closed_at = State.CLOSED, timezone.now()
    request.save()
    record_event(request, user, "close", State.HANDLED, note)
    return request


@transaction.atomic
def evaluate_request(*, user, request, rating: int, comment: str = ""):
    """The reporter rates a closed request; 1 or 2 stars reopen it for re-handling."""
    request = locked(request)
    if request.reporter_user_id != user.pk:
        raise PermissionDenied(_("Only the reporter can rate this request."))
    expect_state(request, State.CLOSED)
    if not isinstance(rating, int) or not 1 <= rating <= 5:
        refuse({"rating": _("Rate from 1 to 5 stars.")})
    return apply_rating(request, user, rating, comment)


def apply_rating(request, actor, rating: int, comment: str = ""):
    """Record a rating of a locked, closed request (by the reporter, or taken on a
    return visit): 1 or 2 stars reopen it for re-handling (重办)."""
    request.rating, request.rating_comment = rating, (comment or "").strip()[:500]
    if rating <= 2:
        request.state = State.IN_PROGRESS
        request.rework_count += 1
        request.closed_at = request.handled_at = None
        request.due_handle_at = work_calendar().add(
            timezone.now(), request.category.handle_limit, request.category.handle_unit
        )
        action = "reopen"
    else:
        request.state = State.EVALUATED
        action = "evaluate"
    request.save()
    record_event(request, actor, action, State.CLOSED, f"{rating}★ {comment}".strip())
    return request


@transaction.atomic
def escalate_request(*, user, request, reason: str):
    """Move the request up one tier (grid → community → street), with a reason."""
    request = locked(request)
    require_worker(user, request)
    expect_state(request, State.SUBMITTED, State.REGISTERED, State.DISPATCHED, State.IN_PROGRESS)
    if not (reason or "").strip():
        refuse({"reason": _("Say why the request goes up a tier.")})
    up = LEVEL_UP.get(Level(request.level))
    if up is None:
        refuse(_("A street-level request cannot go further up here; transfer it instead."))
    from_state = request.state
    request.level = up
    request.save()
    record_event(request, user, "escalate", from_state, reason)
    return request


@transaction.atomic
def cancel_request(*, user, request, reason: str = ""):
    request = locked(request)
    if request.reporter_user_id != user.pk:
        raise PermissionDenied(_("Only the reporter can withdraw this request."))
    expect_state(request, State.SUBMITTED, State.REGISTERED)
    from_state = request.state
    request.state, request.closed_at = State.CANCELLED, timezone.now()
    request.save()
    record_event(request, user, "cancel", from_state, reason)
    return request


@transaction.atomic
def submit_partner_request(
    *,
    key,
    category: Category,
    description: str,
    building=None,
    grid=None,
    is_public=None,
    media_url: str = "",
    contact: str = "",
    device_id: str = "",
    account_id: str = "",
    place_text: str = "",
) -> ServiceRequest:
    """An Open311 partner app submits a request with its key. Partners are not
    residents: the request has no reporter; the place must be within the key's node.
    Without a building or grid (an address or coordinates that match none), the report
    is kept all the same: in the intake of the key's node, marked unmatched with the
    place as reported (``place_text``), for the registering worker to place."""
    from ..models import Open311Submission

    if key is None or not key.is_active:
        raise PermissionDenied(_("This key is not valid."))
    if category is None or not category.is_leaf or not category.is_active:
        refuse({"service_code": _("Choose a category of the second level.")})
    description = (description or "").strip()
    if not description:
        refuse({"description": _("Describe the problem.")})
    if len(description) > 4000:
        refuse({"description": _("The description is longer than 4,000 characters.")})
    place = building or grid
    place_text = (place_text or "").strip()[:300]
    if place is None and not place_text:
        refuse({"address": _("Give the place: a building or a grid.")})
    if place is not None and not key.covers(place):
        raise PermissionDenied(_("This place is outside the part of the net this key serves."))
    request = ServiceRequest(
        category=category,
        description=description,
        is_public=category.public_by_default if is_public is None else is_public,
        place_text=place_text,
    )
    if building is not None:
        request.building = building
    elif grid is not None:
        request.grid = grid
    else:  # the intake of the key's node: its community, its street or the county
        request.place_unmatched = True
        request.community, request.street = key.community, key.street
        request.level = Level.COMMUNITY if key.community_id else Level.STREET
    now = timezone.now()
    request.number = uuid.uuid4().hex[:20]
    request.due_register_at = register_due(request, now)
    request.save()
    request.number = f"{timezone.localtime(now):%Y%m%d}{request.pk:08d}"[:20]
    request.save(update_fields=["number"])
    Open311Submission.objects.create(
        request=request,
        key=key,
        token=uuid.uuid4().hex,
        media_url=media_url[:500],
        contact=contact[:300],
        device_id=device_id[:100],
        account_id=account_id[:100],
    )
    record_event(
        request,
        None,
        "submit",
        "",
        _("Submitted through Open311 by %(partner)s") % {"partner": key.name},
    )
    return request
