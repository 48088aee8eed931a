"""Units on the net (共驻共建) as pages, phone first: the community's directory of units
and property companies with their resources, projects and commitments; the needs list;
a resident's or team's request for a resource; the unit's staff (or the office) answer
requests, claim needs and record what was delivered; the office claims offers."""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic.detail import SingleObjectMixin

from core.masking import mask_phone
from core.timeline import refusal_text
from grid.models import Community
from grid.scoped_views import ScopedViewMixin
from grid.scoping import filter_for_perm

from . import services
from .models import (
    Commitment,
    CommunityNeed,
    ResourceRequest,
    Unit,
    UnitProject,
    UnitResource,
)
from .permissions import UnitPerm
from .querysets import requests_to_answer, visible_requests


def local_time(text: str):
    """A ``datetime-local`` input as an aware time, or None if it is not one."""
    if not isinstance(text, str) or len(text) > 40 or "\x00" in text:
        return None
    try:
        value = parse_datetime(text.strip())
    except ValueError:
        return None
    if value is None:
        return None
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def small_int(text, default=0):
    text = (text or "").strip()
    return int(text) if text.isdigit() and len(text) < 10 else (default if not text else -1)


def show_refusal(request, exc) -> None:
    if isinstance(exc, ValidationError):
        messages.error(request, refusal_text(exc))
    else:
        messages.error(request, str(exc) or _("You may not do this."))


class UnitListView(ScopedViewMixin, View):
    model = Unit

    def get(self, request):
        user = request.user
        units = list(
            Unit.objects.for_user(user)
            .filter(is_active=True)
            .select_related("community")
            .prefetch_related(
                Prefetch("resources", queryset=UnitResource.objects.filter(is_active=True))
            )[:200]
        )
        needs = CommunityNeed.objects.for_user(user).filter(state=CommunityNeed.State.OPEN)
        communities = list(
            filter_for_perm(Community.objects.all(), user, UnitPerm.ADD_NEED).order_by("code")[:50]
        )
        return render(
            request,
            "community/unit_list.html",
            {
                "units": units,
                "needs": list(needs.select_related("community")[:100]),
                "need_communities": communities,
                "my_units": list(services.acting_units(user)[:20]),
                "to_answer": requests_to_answer(user)
                .filter(state=ResourceRequest.State.REQUESTED)
                .count(),
            },
        )

    def post(self, request):
        """The office puts a need on its community's list."""
        community = (
            filter_for_perm(Community.objects.all(), request.user, UnitPerm.ADD_NEED)
            .filter(pk=small_int(request.POST.get("community")))
            .first()
        )
        try:
            if community is None:
                raise ValidationError({"community": _("Choose the community.")})
            services.post_need(
                by=request.user,
                community=community,
                title=request.POST.get("title", ""),
                description=request.POST.get("description", ""),
            )
        except (ValidationError, PermissionDenied) as exc:
            show_refusal(request, exc)
        else:
            messages.success(request, _("The need is on the community's list."))
        return redirect("community:units")


class UnitDetailView(ScopedViewMixin, SingleObjectMixin, View):
    model = Unit

    def get(self, request, pk):
        unit = self.get_object()
        user = request.user
        acts = services.may_act_for(user, unit)
        commitments = (
            Commitment.objects.for_user(user)
            .filter(unit=unit)
            .select_related("need", "offer")
            .prefetch_related("deliveries")[:100]
        )
        claimable = (
            CommunityNeed.objects.for_user(user).filter(
                community_id=unit.community_id, state=CommunityNeed.State.OPEN
            )[:100]
            if acts
            else []
        )
        office = user.has_perm(UnitPerm.CHANGE_COMMITMENT, unit)
        resources = list(UnitResource.objects.for_user(user).filter(unit=unit, is_active=True))
        return render(
            request,
            "community/unit_detail.html",
            {
                "unit": unit,
                "phone": unit.contact_phone if office or acts else mask_phone(unit.contact_phone),
                "resources": resources,
                "projects": list(UnitProject.objects.for_user(user).filter(unit=unit)),
                "commitments": list(commitments),
                "claimable": list(claimable),
                "acts": acts,
                "office": office,
                "may_request": bool(resources) and services.may_request(user, resources[0]),
                "today": timezone.localdate(),
            },
        )


class UnitActionView(ScopedViewMixin, SingleObjectMixin, View):
    """Request a resource, claim a need (the unit), claim an offer (the office), record
    a delivery on a commitment."""

    model = Unit

    def post(self, request, pk, step):
        unit = self.get_object()
        user, data = request.user, request.POST
        try:
            if step == "request":
                resource = self.resource(unit, data)
                services.request_resource(
                    by=user,
                    resource=resource,
                    purpose=data.get("purpose", ""),
                    for_group=data.get("for_group", ""),
                    starts_at=local_time(data.get("starts_at", "")),
                    ends_at=local_time(data.get("ends_at", "")),
                )
                done = _("Your request is sent to the unit.")
            elif step == "claim-need":
                need = (
                    CommunityNeed.objects.for_user(user)
                    .filter(pk=small_int(data.get("need")))
                    .first()
                )
                if need is None:
                    raise ValidationError({"need": _("Choose a need of the list.")})
                services.claim_need(by=user, unit=unit, need=need, title=data.get("title", ""))
                done = _("The need is claimed: the commitment is signed.")
            elif step == "claim-offer":
                services.claim_offer(
                    by=user, offer=self.resource(unit, data), title=data.get("title", "")
                )
                done = _("The offer is claimed: the commitment is signed.")
            else:
                commitment = (
                    Commitment.objects.for_user(user)
                    .filter(unit=unit, pk=small_int(data.get("commitment")))
                    .first()
                )
                if commitment is None:
                    raise ValidationError({"commitment": _("Choose a commitment of this unit.")})
                day = data.get("delivered_on", "").strip()
                try:
                    delivered_on = parse_date(day) if day and len(day) <= 10 else None
                except ValueError:
                    delivered_on = None
                if day and delivered_on is None:
                    raise ValidationError({"delivered_on": _("Enter a valid date.")})
                services.record_delivery(
                    by=user,
                    commitment=commitment,
                    what=data.get("what", ""),
                    delivered_on=delivered_on or timezone.localdate(),
                    people=small_int(data.get("people")),
                    done=data.get("done") == "1",
                )
                done = _("The delivery is recorded.")
        except (ValidationError, PermissionDenied) as exc:
            show_refusal(request, exc)
        else:
            messages.success(request, done)
        return redirect("community:unit-detail", pk=unit.pk)

    def resource(self, unit, data) -> UnitResource:
        resource = (
            UnitResource.objects.for_user(self.request.user)
            .filter(unit=unit, pk=small_int(data.get("resource")))
            .select_related("unit")
            .first()
        )
        if resource is None:
            raise ValidationError({"resource": _("Choose a resource of this unit.")})
        return resource


class RequestListView(ScopedViewMixin, View):
    model = ResourceRequest

    def get(self, request):
        user = request.user
        rows = visible_requests(user).select_related("resource__unit")
        return render(
            request,
            "community/unit_requests.html",
            {
                "mine": list(rows.filter(requested_by=user)[:100]),
                "to_answer": list(
                    requests_to_answer(user)
                    .select_related("resource__unit")
                    .exclude(state=ResourceRequest.State.CANCELLED)[:200]
                ),
                "now": timezone.now(),
                "soon": timezone.now() + datetime.timedelta(days=1),
            },
        )


class RequestActionView(ScopedViewMixin, SingleObjectMixin, View):
    model = ResourceRequest

    def get_queryset(self):
        return visible_requests(self.request.user).select_related("resource__unit")

    def post(self, request, pk, step):
        asked = self.get_object()
        answer = request.POST.get("answer", "")
        try:
            if step == "accept":
                services.accept_request(by=request.user, request=asked, answer=answer)
                done = _("Accepted: the requester is told.")
            elif step == "decline":
                services.decline_request(by=request.user, request=asked, answer=answer)
                done = _("Declined with your reason.")
            elif step == "deliver":
                services.deliver_request(by=request.user, request=asked, answer=answer)
                done = _("Recorded as delivered.")
            else:
                services.cancel_request(by=request.user, request=asked)
                done = _("Your request is cancelled.")
        except (ValidationError, PermissionDenied) as exc:
            show_refusal(request, exc)
        else:
            messages.success(request, done)
        return redirect("community:unit-requests")
