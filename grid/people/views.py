"""Workbench pages for the people on the net: residents, households, the roster in and
out, and the queue of household verification requests."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, FormView, ListView

from yuyao_portal.audit import record_export

from .. import services
from ..forms import DeclineForm, RosterUploadForm
from ..models import Building, Community, Grid, Household, Resident, Street, VerificationRequest
from ..scoped_views import ScopedViewMixin
from . import roster_export, roster_import

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ResidentListView(ScopedViewMixin, ListView):
    model = Resident
    template_name = "grid/resident_list.html"
    context_object_name = "residents"
    paginate_by = 30

    def get_queryset(self):
        queryset = super().get_queryset().select_related("household__building")
        params = self.request.GET
        queryset = queryset.search(params.get("q", "")[:64])
        state = params.get("state", "living")
        if state in Resident.State.values:
            queryset = queryset.filter(state=state)
        political = params.get("political_status")
        if political in Resident.PoliticalStatus.values:
            queryset = queryset.filter(political_status=political)
        return queryset.order_by("household_id", "id")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context.update(
            q=self.request.GET.get("q", "")[:64],
            state=self.request.GET.get("state", "living"),
            states=Resident.State.choices,
            political_statuses=Resident.PoliticalStatus.choices,
            political_status=self.request.GET.get("political_status", ""),
            can_import=user.has_perm("grid.import_roster"),
        )
        return context


class ResidentDetailView(ScopedViewMixin, DetailView):
    model = Resident
    template_name = "grid/resident_detail.html"
    context_object_name = "resident"

    def get_queryset(self):
        return super().get_queryset().select_related("household__building", "user")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        resident = self.object
        context.update(
            can_reveal=services.can_reveal(self.request.user, resident),
            revealed=kwargs.get("revealed", {}),
            movements=resident.movements.select_related("from_household", "to_household"),
            membership=getattr(resident, "party_membership", None)
            if hasattr(resident, "party_membership")
            else None,
        )
        return context


class ResidentRevealView(ResidentDetailView):
    """The "show" button: the whole value of one field, logged."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        field = request.POST.get("field", "")
        try:
            revealed = services.reveal_personal_data(
                user=request.user,
                resident=self.object,
                fields=[field],
                address=request.META.get("REMOTE_ADDR"),
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("grid:resident-detail", pk=self.object.pk)
        response = self.render_to_response(self.get_context_data(revealed=revealed))
        response["Cache-Control"] = "no-store"
        return response


class HouseholdDetailView(ScopedViewMixin, DetailView):
    model = Household
    template_name = "grid/household_detail.html"
    context_object_name = "household"

    def get_queryset(self):
        return super().get_queryset().select_related("building", "head").prefetch_related("tags")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        household = self.object
        user = self.request.user
        context["members"] = Resident.objects.for_user(user).filter(household=household)
        context["movements"] = (
            (household.movements_in.all() | household.movements_out.all())
            .select_related("resident")
            .order_by("-date", "-id")
        )
        return context


class RosterImportView(LoginRequiredMixin, FormView):
    form_class = RosterUploadForm
    template_name = "grid/roster_import.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.has_perm("grid.import_roster"):
            raise PermissionDenied(_("Your post may not import rosters."))
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            report = roster_import.import_roster(form.cleaned_data["file"], self.request.user)
        except ValidationError as exc:
            form.add_error("file", exc)
            return self.form_invalid(form)
        if report.ok:
            messages.success(
                self.request,
                _(
                    "Imported %(rows)s rows: %(households)s new households, %(created)s new "
                    "residents, %(updated)s updated, %(unchanged)s unchanged."
                )
                % {
                    "rows": report.rows,
                    "households": report.households_created,
                    "created": report.residents_created,
                    "updated": report.residents_updated,
                    "unchanged": report.residents_unchanged,
                },
            )
        return self.render_to_response(
            self.get_context_data(form=form, report=report), status=200 if report.ok else 400
        )


class RosterTemplateView(LoginRequiredMixin, View):
    def get(self, request):
        response = HttpResponse(roster_export.roster_template(), content_type=XLSX)
        response["Content-Disposition"] = 'attachment; filename="roster-template.xlsx"'
        return response


NODE_MODELS = {"street": Street, "community": Community, "grid": Grid, "building": Building}


class RosterExportView(LoginRequiredMixin, View):
    """The roster of one node as .xlsx: masked unless the post may see it whole."""

    def get(self, request):
        user = request.user
        tier = next((t for t in NODE_MODELS if t in request.GET), None)
        if tier is None:
            raise Http404(_("Choose a street, community, grid or building."))
        try:
            node_id = int(request.GET[tier])
        except ValueError as exc:
            raise Http404(_("No such node.")) from exc
        node = NODE_MODELS[tier].objects.for_user(user).filter(pk=node_id).first()
        if node is None or node_id > 2**62:
            raise Http404(_("No such node."))
        if not user.has_perm("grid.export_roster", node):
            raise PermissionDenied(_("Your post may not export this roster."))
        whole = user.has_perm("grid.reveal_resident_pii", node)
        residents = Resident.objects.for_user(user).filter(**{tier: node}, state="living")
        if whole:
            services.log_export(
                user=user,
                detail=f"{tier}:{node.code} {residents.count()}",
                address=request.META.get("REMOTE_ADDR"),
            )
        record_export(request, node, whole=whole, what="roster")
        handle = roster_export.export_roster(residents, whole=whole)
        stamp = timezone.localdate().isoformat()
        response = FileResponse(
            handle, as_attachment=True, filename=f"roster-{node.code}-{stamp}.xlsx"
        )
        response["Content-Type"] = XLSX
        response["Cache-Control"] = "no-store"
        return response


class VerificationQueueView(ScopedViewMixin, ListView):
    """Pending requests of residents to be linked to their household, for the grid
    members and building leaders who may decide them."""

    model = VerificationRequest
    scope_action = "change"
    template_name = "grid/verification_queue.html"
    context_object_name = "requests"
    paginate_by = 30

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .filter(state=VerificationRequest.State.PENDING)
            .select_related("building")
            .order_by("created_at")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["decline_form"] = DeclineForm()
        return context


class VerificationDecideView(ScopedViewMixin, DetailView):
    model = VerificationRequest
    scope_action = "change"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        if kwargs["decision"] not in ("confirm", "decline"):
            raise Http404
        verification = self.get_object()
        try:
            if kwargs["decision"] == "confirm":
                services.confirm_household_verification(user=request.user, request=verification)
                messages.success(
                    request, _("%(name)s is linked to the household.") % {"name": verification.name}
                )
            else:
                form = DeclineForm(request.POST)
                if not form.is_valid():
                    raise ValidationError(_("Say why the request is declined."))
                services.decline_household_verification(
                    user=request.user, request=verification, reason=form.cleaned_data["reason"]
                )
                messages.success(request, _("The request is declined."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("grid:verification-queue")


def household_of(user):
    """The household of a verified resident, through the one mechanism."""
    return (
        Household.objects.for_user(user)
        .filter(residents__user=user, residents__state=Resident.State.LIVING)
        .select_related("building__grid__community__street")
        .first()
    )


class ResidentHomeView(LoginRequiredMixin, View):
    """A resident's home page: their household, contacts and what their community
    publishes; before confirmation, the state of their request."""

    def get(self, request):
        from ..models import Post

        user = request.user
        household = household_of(user)
        context = {"household": household}
        if household is not None:
            context.update(
                members=Resident.objects.for_user(user).filter(
                    household=household, state=Resident.State.LIVING
                ),
                community=household.building.grid.community,
                contacts=Post.objects.serving(household),
            )
        context["verification"] = (
            VerificationRequest.objects.for_user(user).filter(user=user).first()
        )
        return render(request, "grid/resident_home.html", context)
