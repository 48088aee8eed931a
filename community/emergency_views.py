"""Emergency pages: an office opens an emergency for a node and follows the roll call by
building; a household answers "safe" or "needs help" on the phone; building leaders and
grid members answer for the households of their buildings that have not answered."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic.detail import SingleObjectMixin

from core import mobilisation
from grid.models import Building, Community, Grid, Household, Street
from grid.scoped_views import ScopedViewMixin
from grid.scoping import filter_for_perm

from . import services
from .forms import CloseEmergencyForm, EmergencyForm, RollCallForm
from .models import Emergency, RollCallAnswer
from .permissions import EmergencyPerm
from .querysets import home_filter

MAX_GRID_CHOICES = 300


def opening_nodes(user) -> list:
    """The streets, communities and (when not too many) grids the user may open an
    emergency for."""
    perm = EmergencyPerm.ADD_EMERGENCY
    nodes = list(filter_for_perm(Street.objects.all(), user, perm)[:50])
    nodes += list(filter_for_perm(Community.objects.all(), user, perm).order_by("code")[:500])
    grids = filter_for_perm(Grid.objects.all(), user, perm).order_by("code")
    if grids[: MAX_GRID_CHOICES + 1].count() <= MAX_GRID_CHOICES:
        nodes += list(grids)
    return nodes


def add_errors(form, exc: ValidationError) -> None:
    """A service's refusal on the form: by field where it names one."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def visible_emergencies(user):
    visible = Emergency.objects.for_user(user).select_related(
        "street", "community", "grid", "building"
    )
    if not user.has_perm(EmergencyPerm.VIEW_EMERGENCY):
        mine = home_filter(user)
        visible = visible.filter(mine) if mine is not None else visible.none()
    return visible


class EmergencyListView(ScopedViewMixin, View):
    model = Emergency

    def get(self, request):
        emergencies = list(visible_emergencies(request.user)[:100])
        return render(
            request,
            "community/emergency_list.html",
            {
                "open": [e for e in emergencies if e.state == Emergency.State.OPEN],
                "closed": [e for e in emergencies if e.state != Emergency.State.OPEN],
                "may_open": request.user.has_perm(EmergencyPerm.ADD_EMERGENCY),
            },
        )


class EmergencyDetailView(ScopedViewMixin, SingleObjectMixin, View):
    model = Emergency

    def get_queryset(self):
        return visible_emergencies(self.request.user)

    def get(self, request, pk):
        return detail_page(request, self.get_object())


def detail_page(request, emergency, form=None, status=200):
    """The emergency's page: the household's roll-call form, and for the posts the
    coverage of their buildings, the calls for help and who has not answered."""
    user = request.user
    household = services.own_household(user)
    in_area = (
        household is not None and services.households_of(emergency).filter(pk=household.pk).exists()
    )
    context = {
        "emergency": emergency,
        "form": form or RollCallForm(),
        "household": household if in_area else None,
        "answer": RollCallAnswer.objects.filter(emergency=emergency, household=household).first()
        if in_area
        else None,
        "is_open": emergency.state == Emergency.State.OPEN,
        "may_close": user.has_perm(EmergencyPerm.CHANGE_EMERGENCY, emergency),
        "close_form": CloseEmergencyForm(),
        "events": emergency.events.select_related("actor"),
        "mobilisations": services.mobilisation_states(emergency, user),
        "mobilisation_refused": (
            mobilisation.refusals(emergency.mobilisation_links)
            if user.has_perm(EmergencyPerm.CHANGE_EMERGENCY, emergency)
            else {}
        ),
    }
    if user.has_perm(EmergencyPerm.VIEW_ANSWER):
        seen = services.coverage(emergency, buildings=Building.objects.for_user(user))
        context["coverage"] = seen
        context["may_answer_for"] = user.has_perm(EmergencyPerm.CHANGE_ANSWER)
        context["help_answers"] = (
            RollCallAnswer.objects.for_user(user)
            .filter(emergency=emergency, status=RollCallAnswer.Status.NEEDS_HELP)
            .select_related("household__building", "help_request")[:200]
        )
    return render(request, "community/emergency_detail.html", context, status=status)


class AnswerView(ScopedViewMixin, SingleObjectMixin, View):
    model = Emergency

    def get_queryset(self):
        return visible_emergencies(self.request.user)

    def post(self, request, pk):
        emergency = self.get_object()
        form = RollCallForm(request.POST)
        if form.is_valid():
            household = None
            if form.cleaned_data["household"]:
                household = Household.objects.filter(pk=form.cleaned_data["household"]).first()
                if household is None:
                    raise Http404
            try:
                services.answer_roll_call(
                    by=request.user,
                    emergency=emergency,
                    status=form.cleaned_data["status"],
                    note=form.cleaned_data["note"],
                    household=household,
                )
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("Thank you: the answer is recorded."))
                return redirect("community:emergency-detail", pk=emergency.pk)
        return detail_page(request, emergency, form=form, status=400)


class CloseView(ScopedViewMixin, SingleObjectMixin, View):
    model = Emergency

    def get_queryset(self):
        return visible_emergencies(self.request.user)

    def post(self, request, pk):
        emergency = self.get_object()
        form = CloseEmergencyForm(request.POST)
        if form.is_valid():
            try:
                services.close_emergency(
                    by=request.user, emergency=emergency, note=form.cleaned_data["note"]
                )
            except PermissionDenied as exc:
                messages.error(request, str(exc))
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(request, _("The emergency is closed and archived."))
        else:
            messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
        return redirect("community:emergency-detail", pk=emergency.pk)


class EmergencyCreateView(ScopedViewMixin, View):
    model = Emergency

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.has_perm(EmergencyPerm.ADD_EMERGENCY):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        form = EmergencyForm(nodes=opening_nodes(request.user))
        return render(request, "community/emergency_form.html", {"form": form})

    def post(self, request):
        form = EmergencyForm(request.POST, nodes=opening_nodes(request.user))
        if form.is_valid():
            try:
                emergency = services.open_emergency(
                    by=request.user,
                    node=form.cleaned_data["node"],
                    kind=form.cleaned_data["kind"],
                    title=form.cleaned_data["title"],
                    message=form.cleaned_data["message"],
                )
            except PermissionDenied:
                form.add_error("node", _("You cannot open an emergency on this part of the net."))
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("The emergency is open: every household is told."))
                return redirect("community:emergency-detail", pk=emergency.pk)
        return render(request, "community/emergency_form.html", {"form": form}, status=400)
