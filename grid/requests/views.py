"""Pages of service requests: a resident submits, follows and rates; the net works its
queue with one-tap steps."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, Count, IntegerField, Value, When
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import DetailView, ListView

from core.ratelimit import submission_limit

from .. import services
from ..forms import HandleStepForm, PlaceForm, RatingForm, RequestStepForm, SubmitRequestForm
from ..models import Building, Category, Resident, ServiceRequest
from ..scoped_views import ScopedViewMixin
from ..services.photos import prepare_photos
from . import approvals, visits

State = ServiceRequest.State


class MyRequestsView(LoginRequiredMixin, View):
    """A resident's own requests, newest first."""

    def get(self, request):
        mine = (
            ServiceRequest.objects.for_user(request.user)
            .filter(reporter_user=request.user)
            .select_related("category__parent")
        )
        return render(request, "grid/request_mine.html", {"requests": mine[:100]})


class SubmitRequestView(LoginRequiredMixin, View):
    """A verified resident reports a problem from the phone."""

    template_name = "grid/request_submit.html"

    def _form(self, request, resident, data=None, files=None):
        categories = (
            Category.objects.filter(is_active=True, parent__isnull=False)
            .select_related("parent")
            .order_by("parent__code", "code")
        )
        buildings = Building.objects.filter(community_id=resident.household.building.community_id)
        initial = {"building": resident.household.building_id}
        return SubmitRequestForm(
            data, files, categories=categories, buildings=buildings, initial=initial
        )

    def _resident(self, request):
        resident = (
            Resident.objects.filter(user=request.user, state=Resident.State.LIVING)
            .select_related("household__building")
            .first()
        )
        if resident is None:
            messages.info(request, _("Link your account to your household first."))
        return resident

    def get(self, request):
        resident = self._resident(request)
        if resident is None:
            return redirect("grid:resident-home")
        return render(request, self.template_name, {"form": self._form(request, resident)})

    @submission_limit
    def post(self, request):
        resident = self._resident(request)
        if resident is None:
            return redirect("grid:resident-home")
        form = self._form(request, resident, request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                photos = prepare_photos(data["photos"])  # decoded before the transaction
                created = services.submit_request(
                    photos=photos,
                    user=request.user,
                    category=data["category"],
                    description=data["description"],
                    building=data["building"],
                    is_public=data["is_public"],
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(
                    request, _("Your request %(number)s was sent.") % {"number": created.number}
                )
                return redirect("grid:request-detail", pk=created.pk)
        return render(request, self.template_name, {"form": form}, status=400)


class RequestQueueView(ScopedViewMixin, ListView):
    """What waits for my tier: open requests, overdue first, then by due time."""

    model = ServiceRequest
    scope_action = "change"
    template_name = "grid/request_queue.html"
    context_object_name = "requests"
    paginate_by = 50

    def get_queryset(self):
        queryset = super().get_queryset().filter(state__in=ServiceRequest.OPEN_STATES)
        state = self.request.GET.get("state")
        if state in ServiceRequest.OPEN_STATES:
            queryset = queryset.filter(state=state)
        return (
            queryset.select_related("category__parent", "building", "grid")
            .annotate(
                late=Case(
                    When(handle_overdue=True, then=Value(0)),
                    When(register_overdue=True, then=Value(0)),
                    default=Value(1),
                    output_field=IntegerField(),
                )
            )
            .order_by("late", "due_handle_at", "due_register_at", "id")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        counts = dict(
            super()
            .get_queryset()
            .filter(state__in=ServiceRequest.OPEN_STATES)
            .order_by()
            .values_list("state")
            .annotate(n=Count("pk"))
        )
        context["state_counts"] = [
            (value, label, counts.get(value, 0))
            for value, label in State.choices
            if value in ServiceRequest.OPEN_STATES
        ]
        context["state"] = self.request.GET.get("state", "")
        return context


# The steps a page offers: (action, label, who: worker | handler | reporter, from states).
STEPS = [
    ("register", gettext_lazy("Register"), "worker", {State.SUBMITTED}),
    ("reject", gettext_lazy("Do not accept"), "worker", {State.SUBMITTED}),
    ("start", gettext_lazy("Start handling"), "handler", {State.DISPATCHED}),
    ("handle", gettext_lazy("Report the result"), "handler", {State.IN_PROGRESS}),
    ("close", gettext_lazy("Verify and close"), "worker", {State.HANDLED}),
    (
        "escalate",
        gettext_lazy("Escalate one tier"),
        "worker",
        {State.SUBMITTED, State.REGISTERED, State.DISPATCHED, State.IN_PROGRESS},
    ),
    ("cancel", gettext_lazy("Withdraw"), "reporter", {State.SUBMITTED, State.REGISTERED}),
]

ACTION_LABELS = {
    "submit": gettext_lazy("Submitted"),
    "register": gettext_lazy("Registered"),
    "place": gettext_lazy("Placed on a building"),
    "reject": gettext_lazy("Not accepted"),
    "duplicate": gettext_lazy("Marked as a duplicate"),
    "dispatch": gettext_lazy("Dispatched"),
    "start": gettext_lazy("Handling started"),
    "handle": gettext_lazy("Handled"),
    "close": gettext_lazy("Verified and closed"),
    "evaluate": gettext_lazy("Rated"),
    "reopen": gettext_lazy("Rated unsatisfied: re-handling"),
    "escalate": gettext_lazy("Escalated one tier"),
    "cancel": gettext_lazy("Withdrawn"),
    **approvals.ACTION_LABELS,
    "visit": gettext_lazy("Return visit"),
}


class RequestDetailView(ScopedViewMixin, DetailView):
    model = ServiceRequest
    template_name = "grid/request_detail.html"
    context_object_name = "item"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("category__parent", "building", "grid", "handler_unit", "reporter")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        item, user = self.object, self.request.user
        worker = services.can_work(user, item)
        handler = worker or user.has_perm("grid.change_servicerequest", item)
        reporter = item.reporter_user_id == user.pk
        allowed = {"worker": worker, "handler": handler, "reporter": reporter}
        context["steps"] = [
            (action, label)
            for action, label, who, states in STEPS
            if item.state in states and allowed[who]
        ]
        context["can_dispatch"] = worker and item.state == State.REGISTERED
        context["can_rate"] = reporter and item.state == State.CLOSED
        context["show_reporter"] = worker or handler
        context["events"] = [
            {
                "when": event.at,
                "title": ACTION_LABELS.get(event.action, event.action),
                "who": str(event.actor) if event.actor_id else "",
                "note": event.note,
                "tone": "success" if event.to_state in ("closed", "evaluated") else "info",
            }
            for event in item.events.select_related("actor")
        ]
        context["step_form"] = RequestStepForm()
        if item.place_unmatched and item.state == State.SUBMITTED:
            context["place_form"] = PlaceForm(user=user, request=item, auto_id="place-%s")
        context["handle_form"] = HandleStepForm(auto_id="handle-%s")
        context["rating_form"] = RatingForm()
        context.update(approvals.approval_context(self.request, item))
        context.update(visits.visit_context(user, item))
        return context


class RequestStepView(ScopedViewMixin, DetailView):
    """One tap: a transition of the loop through its service."""

    model = ServiceRequest
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        item = self.get_object()
        action = kwargs["action"]
        note = request.POST.get("note", "")[:4000]
        calls = {
            "register": lambda: self._register(item),
            "reject": lambda: services.reject_request(user=request.user, request=item, reason=note),
            "start": lambda: services.start_request(user=request.user, request=item),
            "handle": lambda: self._handle(item, note),
            "close": lambda: services.close_request(user=request.user, request=item, note=note),
            "escalate": lambda: services.escalate_request(
                user=request.user, request=item, reason=note
            ),
            "cancel": lambda: services.cancel_request(user=request.user, request=item, reason=note),
            "dispatch": lambda: self._dispatch(item),
            "evaluate": lambda: self._rate(item),
        }
        if action not in calls:
            raise Http404
        try:
            calls[action]()
        except (ValidationError, PermissionDenied) as exc:
            text = " ".join(getattr(exc, "messages", [])) or str(exc)
            messages.error(request, text)
        else:
            messages.success(request, _("Done."))
        return redirect("grid:request-detail", pk=item.pk)

    def _register(self, item):
        building = None
        if item.place_unmatched:
            form = PlaceForm(self.request.POST, user=self.request.user, request=item)
            if not form.is_valid():
                raise ValidationError(_("The place was not matched: choose the building first."))
            building = form.cleaned_data["building"]
        return services.register_request(user=self.request.user, request=item, building=building)

    def _dispatch(self, item):
        unit = item.building.property_company if item.building_id else None
        unit = unit or item.category.default_unit
        if unit is None:
            return services.dispatch_request(
                user=self.request.user, request=item, handler_user=self.request.user
            )
        return services.dispatch_request(user=self.request.user, request=item, handler_unit=unit)

    def _handle(self, item, note):
        form = HandleStepForm(self.request.POST, self.request.FILES)
        if not form.is_valid():
            raise ValidationError([e for errors in form.errors.values() for e in errors])
        photos = prepare_photos(form.cleaned_data["photos"])
        return services.handle_request(
            user=self.request.user, request=item, result=note, photos=photos
        )

    def _rate(self, item):
        form = RatingForm(self.request.POST)
        if not form.is_valid():
            raise ValidationError(_("Rate from 1 to 5 stars."))
        return services.evaluate_request(
            user=self.request.user,
            request=item,
            rating=form.cleaned_data["rating"],
            comment=form.cleaned_data["comment"],
        )
