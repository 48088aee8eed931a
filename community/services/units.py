"""Units and property companies on the net (共驻共建): the community office keeps the
directory (a unit, its resources and projects; a property company reuses the grid's
handling unit), the two-way claiming of the community's needs and the units' offers
(双向认领), the record of what was delivered, and residents' and teams' requests for a
unit's resource: requested -> the unit accepts or declines -> delivered.

Invariants held by the database: one commitment in force per need and per offer
(partial unique indexes; a need is claimed by a conditional update), and no two
accepted requests of one room or venue overlap in time (checked under the resource's
row lock, so two staff accepting at once cannot both win)."""

from __future__ import annotations

import datetime

from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.timeline import Conflict, refuse
from grid.models import Resident
from grid.permissions import Role
from grid.scoping import save_in_scope

from ..models import (
    Commitment,
    CommunityNeed,
    Delivery,
    ResourceRequest,
    Unit,
    UnitKind,
    UnitResource,
    UnitUserGrant,
)
from ..permissions import UNIT_STAFF_GRANT, UnitPerm

MAX_REQUEST_HOURS = 24
MAX_DAYS_AHEAD = 366


def clean(value, *, field: str, limit: int, required: bool = True) -> str:
    text = (value or "").strip() if isinstance(value, str) else ""
    if "\x00" in text:
        refuse({field: _("The text contains characters that are not allowed.")})
    if required and not text:
        refuse({field: _("This field is required.")})
    if len(text) > limit:
        refuse({field: _("At most %(limit)d characters.") % {"limit": limit}})
    return text


def signed_in(user) -> None:
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied(_("Sign in first."))


def acting_units(user):
    """The units ``user`` acts for: every unit of the nodes an office holds and units
    granted to their staff (the one mechanism), and the unit that is the grid's
    handling unit their unit-staff post belongs to."""
    staff_of = Unit.objects.filter(
        handling_unit__posts__user_id=getattr(user, "pk", None),
        handling_unit__posts__role=Role.UNIT_STAFF,
        handling_unit__posts__is_active=True,
    )
    return Unit.objects.filter(
        Q(pk__in=Unit.objects.for_user(user, "change").values("pk"))
        | Q(pk__in=staff_of.values("pk"))
    )


def may_act_for(user, unit: Unit) -> bool:
    """The unit's own staff (a post of the grid's handling unit it is, or a guardian
    grant on it) or an office holding the unit's node."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.has_perm(UnitPerm.CHANGE_UNIT, unit):
        return True
    return acting_units(user).filter(pk=unit.pk).exists()


def is_office(user, obj) -> bool:
    """A post holding the community's side (not a unit's staff member)."""
    return bool(getattr(user, "is_authenticated", False)) and user.has_perm(
        UnitPerm.CHANGE_COMMITMENT, obj
    )


# --- the directory ---------------------------------------------------------------------


@transaction.atomic
def register_unit(
    *,
    by,
    community,
    name: str,
    kind: str,
    description: str = "",
    address: str = "",
    contact_name: str = "",
    contact_phone: str = "",
    handling_unit=None,
) -> Unit:
    """The office puts a unit of its community on the net; a property company or a unit
    that already receives dispatched requests is linked to its handling unit."""
    signed_in(by)
    if kind not in UnitKind.values:
        refuse({"kind": _("Choose the kind of unit.")})
    unit = Unit(
        community=community,
        name=clean(name, field="name", limit=100),
        kind=kind,
        description=clean(description, field="description", limit=1000, required=False),
        address=clean(address, field="address", limit=200, required=False),
        contact_name=clean(contact_name, field="contact_name", limit=40, required=False),
        contact_phone=clean(contact_phone, field="contact_phone", limit=32, required=False),
        handling_unit=handling_unit,
    )
    if handling_unit is not None and handling_unit.community_id not in (None, community.pk):
        refuse({"handling_unit": _("This handling unit serves another community.")})
    if not by.has_perm(UnitPerm.ADD_UNIT):
        raise PermissionDenied(_("Only the community office puts units on the net."))
    try:
        with transaction.atomic():
            save_in_scope(by, unit, "add")
    except IntegrityError:
        raise Conflict(_("A unit of this name is on the net already.")) from None
    return unit


@transaction.atomic
def grant_unit_staff(*, by, unit: Unit, user) -> None:
    """The office lets ``user`` act for the unit (answer requests, claim needs)."""
    if not by.has_perm(UnitPerm.ADD_UNIT) or not by.has_perm(UnitPerm.CHANGE_UNIT, unit):
        raise PermissionDenied(_("Only the community office names a unit's staff."))
    for perm in UNIT_STAFF_GRANT:
        app_label, codename = str(perm).split(".")
        permission = Permission.objects.get(content_type__app_label=app_label, codename=codename)
        UnitUserGrant.objects.get_or_create(user=user, permission=permission, content_object=unit)


@transaction.atomic
def add_resource(
    *, by, unit: Unit, kind: str, name: str, description="", capacity=None, is_offered=False
) -> UnitResource:
    if not may_act_for(by, unit):
        raise PermissionDenied(_("Only the unit or the community office changes its list."))
    if kind not in UnitResource.Kind.values:
        refuse({"kind": _("Choose room, venue or service.")})
    if capacity is not None and not (isinstance(capacity, int) and 1 <= capacity <= 100000):
        refuse({"capacity": _("Give a number of people from 1 to 100,000.")})
    resource = UnitResource(
        unit=unit,
        kind=kind,
        name=clean(name, field="name", limit=100),
        description=clean(description, field="description", limit=1000, required=False),
        capacity=capacity,
        is_offered=bool(is_offered),
    )
    resource.save()
    return resource


# --- two-way claiming (双向认领) --------------------------------------------------------


@transaction.atomic
def post_need(*, by, community, title: str, description: str) -> CommunityNeed:
    """The office puts an item on the community's needs list."""
    signed_in(by)
    need = CommunityNeed(
        community=community,
        title=clean(title, field="title", limit=100),
        description=clean(description, field="description", limit=1000),
        posted_by=by,
    )
    if not by.has_perm(UnitPerm.ADD_NEED):
        raise PermissionDenied(_("Only the community office writes the needs list."))
    save_in_scope(by, need, "add")
    return need


@transaction.atomic
def claim_need(*, by, unit: Unit, need: CommunityNeed, title: str = "") -> Commitment:
    """The unit claims an open need of its community: a signed commitment."""
    if not may_act_for(by, unit):
        raise PermissionDenied(_("Only the unit's staff or the office claim for it."))
    if need.community_id != unit.community_id:
        refuse({"need": _("The need is of another community.")})
    title = clean(title, field="title", limit=200, required=False) or need.title
    claimed = CommunityNeed.objects.filter(pk=need.pk, state=CommunityNeed.State.OPEN).update(
        state=CommunityNeed.State.CLAIMED
    )
    if not claimed:
        raise Conflict(_("This need has been claimed already."))
    try:
        with transaction.atomic():
            return Commitment.objects.create(
                unit=unit, side=Commitment.Side.UNIT, need=need, title=title, signed_by=by
            )
    except IntegrityError:
        raise Conflict(_("This need has been claimed already.")) from None


@transaction.atomic
def claim_offer(*, by, offer: UnitResource, title: str = "") -> Commitment:
    """The community office claims an item of a unit's offers list."""
    if not is_offered(offer):
        refuse({"offer": _("This is not on the unit's offers list.")})
    if not is_office(by, offer):
        raise PermissionDenied(_("Only the community office claims a unit's offer."))
    title = clean(title, field="title", limit=200, required=False) or offer.name
    try:
        with transaction.atomic():
            return Commitment.objects.create(
                unit=offer.unit,
                side=Commitment.Side.COMMUNITY,
                offer=offer,
                title=title,
                signed_by=by,
            )
    except IntegrityError:
        raise Conflict(_("The community has claimed this offer already.")) from None


def is_offered(resource: UnitResource) -> bool:
    return resource.is_offered and resource.is_active and resource.unit.is_active


@transaction.atomic
def record_delivery(
    *, by, commitment: Commitment, what: str, delivered_on=None, people=0, done: bool = False
) -> Delivery:
    """What the unit delivered on the commitment; ``done`` meets it (and its need)."""
    if not may_act_for(by, commitment.unit):
        raise PermissionDenied(_("Only the unit or the community office records deliveries."))
    commitment = Commitment.objects.select_for_update().get(pk=commitment.pk)
    if commitment.state != Commitment.State.SIGNED:
        raise Conflict(_("This commitment is no longer in force."))
    delivered_on = delivered_on or timezone.localdate()
    if not isinstance(delivered_on, datetime.date) or delivered_on > timezone.localdate():
        refuse({"delivered_on": _("A delivery is recorded on or after the day it happened.")})
    if not isinstance(people, int) or not 0 <= people <= 100000:
        refuse({"people": _("Give a number of people from 0 to 100,000.")})
    delivery = Delivery.objects.create(
        commitment=commitment,
        what=clean(what, field="what", limit=300),
        delivered_on=delivered_on,
        people=people,
        recorded_by=by,
    )
    if done:
        commitment.state = Commitment.State.DELIVERED
        commitment.save(update_fields=["state"])
        if commitment.need_id:
            CommunityNeed.objects.filter(pk=commitment.need_id).update(
                state=CommunityNeed.State.DONE
            )
    return delivery


# --- requests for a resource -----------------------------------------------------------


def shown_name(user) -> str:
    resident = Resident.objects.filter(user_id=user.pk, state=Resident.State.LIVING).first()
    name = resident.name if resident is not None else (user.get_full_name() or user.username)
    return f"{name[:1]}*" if name else _("Resident")


def may_request(user, resource: UnitResource) -> bool:
    """A resident of the resource's community, or a post that holds it."""
    if not getattr(user, "is_authenticated", False):
        return False
    lives_here = Resident.objects.filter(
        user_id=user.pk, state=Resident.State.LIVING, community_id=resource.community_id
    ).exists()
    return lives_here or user.has_perm(UnitPerm.VIEW_RESOURCE, resource)


def overlapping(resource: UnitResource, starts_at, ends_at, *, exclude=None):
    found = ResourceRequest.objects.filter(
        resource=resource,
        state__in=(ResourceRequest.State.ACCEPTED, ResourceRequest.State.DELIVERED),
        starts_at__lt=ends_at,
        ends_at__gt=starts_at,
    )
    return found.exclude(pk=exclude) if exclude else found


@transaction.atomic
def request_resource(
    *, by, resource: UnitResource, purpose: str, for_group: str = "", starts_at=None, ends_at=None
) -> ResourceRequest:
    signed_in(by)
    purpose = clean(purpose, field="purpose", limit=300)
    for_group = clean(for_group, field="for_group", limit=100, required=False)
    if not (resource.is_active and resource.unit.is_active):
        raise Conflict(_("This resource is not available now."))
    if not may_request(by, resource):
        raise PermissionDenied(_("Only the residents of the community request its units' help."))
    if resource.is_booked_by_time:
        if starts_at is None or ends_at is None:
            refuse({"starts_at": _("Say from when until when you need it.")})
        now = timezone.now()
        if starts_at <= now:
            refuse({"starts_at": _("Ask for a time in the future.")})
        if ends_at <= starts_at:
            refuse({"ends_at": _("The end comes after the start.")})
        if ends_at - starts_at > datetime.timedelta(hours=MAX_REQUEST_HOURS):
            refuse({"ends_at": _("Ask for at most %(hours)d hours.") % {"hours": 24}})
        if starts_at > now + datetime.timedelta(days=MAX_DAYS_AHEAD):
            refuse({"starts_at": _("Ask at most a year ahead.")})
        if overlapping(resource, starts_at, ends_at).exists():
            raise Conflict(_("It is taken at this time; choose another."))
    else:
        starts_at = ends_at = None
    return ResourceRequest.objects.create(
        resource=resource,
        requested_by=by,
        requester_name=shown_name(by),
        for_group=for_group,
        purpose=purpose,
        starts_at=starts_at,
        ends_at=ends_at,
    )


def _answerable(by, request: ResourceRequest) -> ResourceRequest:
    if not may_act_for(by, request.resource.unit):
        raise PermissionDenied(_("Only the unit or the community office answers."))
    # The resource's row lock orders every answer of its requests: two accepts of
    # overlapping times cannot both see the time free.
    UnitResource.objects.select_for_update().filter(pk=request.resource_id).first()
    return ResourceRequest.objects.select_for_update().get(pk=request.pk)


@transaction.atomic
def accept_request(*, by, request: ResourceRequest, answer: str = "") -> ResourceRequest:
    answer = clean(answer, field="answer", limit=300, required=False)
    request = _answerable(by, request)
    if request.state != ResourceRequest.State.REQUESTED:
        raise Conflict(_("This request has been answered already."))
    if (
        request.starts_at is not None
        and overlapping(
            request.resource, request.starts_at, request.ends_at, exclude=request.pk
        ).exists()
    ):
        raise Conflict(_("Another request has this time already: decline this one."))
    return answered(request, by, ResourceRequest.State.ACCEPTED, answer)


@transaction.atomic
def decline_request(*, by, request: ResourceRequest, answer: str) -> ResourceRequest:
    answer = clean(answer, field="answer", limit=300)
    request = _answerable(by, request)
    if request.state != ResourceRequest.State.REQUESTED:
        raise Conflict(_("This request has been answered already."))
    return answered(request, by, ResourceRequest.State.DECLINED, answer)


@transaction.atomic
def deliver_request(*, by, request: ResourceRequest, answer: str = "") -> ResourceRequest:
    answer = clean(answer, field="answer", limit=300, required=False)
    request = _answerable(by, request)
    if request.state != ResourceRequest.State.ACCEPTED:
        raise Conflict(_("Only an accepted request is delivered."))
    return answered(request, by, ResourceRequest.State.DELIVERED, answer or request.answer)


@transaction.atomic
def cancel_request(*, by, request: ResourceRequest) -> ResourceRequest:
    signed_in(by)
    request = ResourceRequest.objects.select_for_update().get(pk=request.pk)
    if request.requested_by_id != by.pk:
        raise PermissionDenied(_("Only the requester cancels a request."))
    if request.state not in (ResourceRequest.State.REQUESTED, ResourceRequest.State.ACCEPTED):
        raise Conflict(_("This request can no longer be cancelled."))
    request.state = ResourceRequest.State.CANCELLED
    request.save(update_fields=["state"])
    return request


def answered(request: ResourceRequest, by, state: str, answer: str) -> ResourceRequest:
    request.state, request.answer, request.answered_by = state, answer, by
    request.answered_at = timezone.now()
    request.save(update_fields=["state", "answer", "answered_by", "answered_at"])
    return request
