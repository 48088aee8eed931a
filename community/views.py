"""Appointment pages: a resident books a slot with the community office on the phone;
the office opens slots, sees the day's list, records who came, closes a slot."""

import datetime
from itertools import groupby

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic.detail import SingleObjectMixin

from core.rules import rule
from core.timeline import refusal_text
from grid.models import Community, Resident
from grid.scoped_views import ScopedViewMixin
from grid.scoping import filter_for_perm

from . import rules as keys
from . import services
from .forms import BookForm, DayForm, OpenSlotsForm, ReasonForm
from .models import Appointment, AppointmentSlot
from .permissions import AppointmentPerm


def works_at_office(user) -> bool:
    return user.has_perm(AppointmentPerm.VIEW_APPOINTMENT)


class HomeView(ScopedViewMixin, View):
    """The resident's booking page; the office's day list for a post that keeps them."""

    model = AppointmentSlot

    def get(self, request):
        if works_at_office(request.user):
            return redirect("community:day")
        now = timezone.now()
        resident = (
            Resident.objects.filter(user=request.user, state=Resident.State.LIVING)
            .select_related("household__community")
            .first()
        )
        mine = list(
            Appointment.objects.for_user(request.user)
            .filter(user=request.user, slot__starts_at__gte=now - datetime.timedelta(days=30))
            .select_related("slot__community")
            .order_by("-slot__starts_at")[:20]
        )
        days = []
        if resident is not None:
            community = resident.household.community
            horizon = timezone.localdate() + datetime.timedelta(
                days=int(rule(keys.DAYS_AHEAD, node=community))
            )
            booked = {a.slot_id for a in mine if a.state == Appointment.State.BOOKED}
            slots = list(
                AppointmentSlot.objects.for_user(request.user)
                .filter(
                    community=community,
                    is_open=True,
                    starts_at__gt=now,
                    starts_at__date__lte=horizon,
                )
                .order_by("starts_at", "service")[:300]
            )
            for slot in slots:
                slot.mine = slot.pk in booked
            days = [
                (day, list(items))
                for day, items in groupby(
                    slots, key=lambda s: timezone.localtime(s.starts_at).date()
                )
            ]
        return render(
            request,
            "community/home.html",
            {"resident": resident, "mine": mine, "days": days, "book_form": BookForm(), "now": now},
        )


class BookView(ScopedViewMixin, SingleObjectMixin, View):
    model = AppointmentSlot

    def post(self, request, pk):
        slot = self.get_object()
        form = BookForm(request.POST)
        note = form.cleaned_data["note"] if form.is_valid() else ""
        if not form.is_valid():
            messages.error(request, _("What it is about is at most 200 characters."))
            return redirect("community:home")
        try:
            services.book_appointment(user=request.user, slot=slot, note=note)
        except ValidationError as exc:
            messages.error(request, refusal_text(exc))
        else:
            local = timezone.localtime(slot.starts_at)
            messages.success(
                request,
                _("Booked: %(service)s on %(when)s. A reminder comes before it.")
                % {"service": slot.get_service_display(), "when": local.strftime("%Y-%m-%d %H:%M")},
            )
        return redirect("community:home")


class CancelView(ScopedViewMixin, SingleObjectMixin, View):
    model = Appointment

    def post(self, request, pk):
        appointment = self.get_object()
        form = ReasonForm(request.POST)
        reason = form.cleaned_data["reason"] if form.is_valid() else ""
        try:
            services.cancel_appointment(by=request.user, appointment=appointment, reason=reason)
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as exc:
            messages.error(request, refusal_text(exc))
        else:
            messages.success(request, _("The booking is cancelled."))
        return redirect(request.POST.get("back") == "day" and "community:day" or "community:home")


class DayView(ScopedViewMixin, View):
    """The office's list of one day: every booking in the post's scope, by time."""

    model = Appointment

    def get(self, request):
        if not works_at_office(request.user):
            raise Http404
        form = DayForm(request.GET or None)
        day = timezone.localdate()
        if form.is_bound and form.is_valid() and form.cleaned_data["date"]:
            day = form.cleaned_data["date"]
        start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
        end = start + datetime.timedelta(days=1)
        slots = list(
            AppointmentSlot.objects.for_user(request.user)
            .filter(starts_at__gte=start, starts_at__lt=end)
            .select_related("community")
            .order_by("starts_at", "service")[:500]
        )
        appointments = (
            Appointment.objects.for_user(request.user)
            .filter(slot__in=[s.pk for s in slots])
            .exclude(state=Appointment.State.CANCELLED)
            .select_related("resident", "slot")
            .order_by("slot__starts_at", "id")
        )
        by_slot: dict[int, list] = {}
        for appointment in appointments:
            by_slot.setdefault(appointment.slot_id, []).append(appointment)
        for slot in slots:
            slot.bookings = by_slot.get(slot.pk, [])
        return render(
            request,
            "community/day.html",
            {
                "form": form if form.is_bound else DayForm(initial={"date": day}),
                "day": day,
                "previous": day - datetime.timedelta(days=1),
                "next": day + datetime.timedelta(days=1),
                "slots": slots,
                "count": sum(len(s.bookings) for s in slots),
                "now": timezone.now(),
                "may_open": request.user.has_perm(AppointmentPerm.ADD_SLOT),
            },
        )


def office_communities(user):
    """The communities where the user's posts may open slots."""
    communities = filter_for_perm(Community.objects.all(), user, AppointmentPerm.ADD_SLOT)
    return communities.select_related("street").order_by("code")


class OpenSlotsView(ScopedViewMixin, View):
    model = AppointmentSlot

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.has_perm(AppointmentPerm.ADD_SLOT):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        form = OpenSlotsForm(communities=office_communities(request.user))
        return render(request, "community/open_slots.html", {"form": form})

    def post(self, request):
        form = OpenSlotsForm(request.POST, communities=office_communities(request.user))
        if form.is_valid():
            try:
                slots = services.open_slots(by=request.user, **form.cleaned_data)
            except PermissionDenied:
                form.add_error("community", _("You cannot open slots in this community."))
            except ValidationError as exc:
                if hasattr(exc, "error_dict"):
                    for field, errors in exc.message_dict.items():
                        form.add_error(field if field in form.fields else None, errors)
                else:
                    form.add_error(None, exc.messages)
            else:
                messages.success(request, _("%(count)d slots opened.") % {"count": len(slots)})
                day = form.cleaned_data["day"].isoformat()
                return redirect(f"{redirect('community:day').url}?date={day}")
        return render(request, "community/open_slots.html", {"form": form}, status=400)


class CloseSlotView(ScopedViewMixin, SingleObjectMixin, View):
    model = AppointmentSlot

    def post(self, request, pk):
        slot = self.get_object()
        form = ReasonForm(request.POST)
        reason = form.cleaned_data["reason"] if form.is_valid() else ""
        try:
            services.close_slot(by=request.user, slot=slot, reason=reason)
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as exc:
            messages.error(request, refusal_text(exc))
        else:
            messages.success(request, _("The slot is closed and its bookings cancelled."))
        day = timezone.localtime(slot.starts_at).date().isoformat()
        return redirect(f"{redirect('community:day').url}?date={day}")


class OutcomeView(ScopedViewMixin, SingleObjectMixin, View):
    model = Appointment

    def post(self, request, pk, outcome):
        appointment = self.get_object()
        try:
            services.record_outcome(
                by=request.user, appointment=appointment, attended=outcome == "attended"
            )
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as exc:
            messages.error(request, refusal_text(exc))
        day = timezone.localtime(appointment.slot.starts_at).date().isoformat()
        return redirect(f"{redirect('community:day').url}?date={day}")
