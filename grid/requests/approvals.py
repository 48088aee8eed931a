"""Pages of transfers (转办) and of the applications the tier above decides (延期, 回退,
缓办): the forms in a request's side column, and the list of what waits for my
decision."""

import datetime

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import DetailView, ListView

from core.pagination import PortalPaginationMixin

from .. import services
from ..models import HandlingUnit, RequestApplication, ServiceRequest
from ..models.approvals import EXTENSION_MAX_DAYS, REASON_MAX_LENGTH, SUSPENSION_MAX_DAYS
from ..scoped_views import ScopedViewMixin

Kind = RequestApplication.Kind


class TransferForm(forms.Form):
    unit = forms.ModelChoiceField(
        label=gettext_lazy("Handling unit"), queryset=HandlingUnit.objects.none()
    )
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=REASON_MAX_LENGTH)

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, prefix="transfer", **kwargs)
        if units is not None:
            self.fields["unit"].queryset = units


class ApplyForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Apply for"),
        choices=[(k.value, k.label) for k in (Kind.EXTENSION, Kind.SUSPENSION, Kind.RETURN)],
    )
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=REASON_MAX_LENGTH)
    days = forms.IntegerField(
        label=gettext_lazy("Working days (extension)"),
        min_value=1,
        max_value=EXTENSION_MAX_DAYS,
        required=False,
    )
    resume_on = forms.DateField(
        label=gettext_lazy("Resume on (suspension)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args, kinds=None, **kwargs):
        super().__init__(*args, prefix="apply", **kwargs)
        if kinds is not None:
            self.fields["kind"].choices = [
                choice for choice in self.fields["kind"].choices if choice[0] in kinds
            ]
        today = timezone.localdate()
        self.fields["resume_on"].widget.attrs.update(
            min=(today + datetime.timedelta(days=1)).isoformat(),
            max=(today + datetime.timedelta(days=SUSPENSION_MAX_DAYS)).isoformat(),
        )


class DecisionForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("Note or reason"), max_length=REASON_MAX_LENGTH, required=False
    )


# What each decision button says, by kind.
DECISION_LABELS = {
    "accept": gettext_lazy("Accept the transfer"),
    "return": gettext_lazy("Return it"),
    "approve": gettext_lazy("Approve"),
    "refuse": gettext_lazy("Refuse"),
    "withdraw": gettext_lazy("Withdraw"),
}

ACTION_LABELS = {
    "transfer": gettext_lazy("Transfer proposed"),
    "transfer_accept": gettext_lazy("Transfer accepted"),
    "transfer_return": gettext_lazy("Transfer returned"),
    "transfer_withdraw": gettext_lazy("Transfer withdrawn"),
    "extension_apply": gettext_lazy("Extension applied for"),
    "extension_approve": gettext_lazy("Extension approved"),
    "extension_refuse": gettext_lazy("Extension refused"),
    "extension_withdraw": gettext_lazy("Extension withdrawn"),
    "return_apply": gettext_lazy("Return applied for"),
    "return_approve": gettext_lazy("Return approved"),
    "return_refuse": gettext_lazy("Return refused"),
    "return_withdraw": gettext_lazy("Return withdrawn"),
    "suspension_apply": gettext_lazy("Suspension applied for"),
    "suspension_approve": gettext_lazy("Suspension approved"),
    "suspension_refuse": gettext_lazy("Suspension refused"),
    "suspension_withdraw": gettext_lazy("Suspension withdrawn"),
}


def decisions_for(user, application) -> list:
    """The decisions the user may take on a pending application: [(value, label)]."""
    if not application.is_pending:
        return []
    options = []
    if services.can_decide(user, application):
        values = (
            ("accept", "return") if application.kind == Kind.TRANSFER else ("approve", "refuse")
        )
        options += [(value, DECISION_LABELS[value]) for value in values]
    if application.applicant_id == user.pk:
        options.append(("withdraw", DECISION_LABELS["withdraw"]))
    return options


def approval_context(request, item) -> dict:
    """The context of ``grid/_request_approvals.html`` on a request's page."""
    user = request.user
    applications = list(
        item.applications.select_related("applicant", "target_unit", "decided_by")[:20]
    )
    pending = next((a for a in applications if a.is_pending), None)
    allowed = services.may_apply(user, item) if pending is None else {}
    kinds = [k for k in (Kind.EXTENSION, Kind.SUSPENSION, Kind.RETURN) if allowed.get(k)]
    units = services.transfer_targets(item) if allowed.get(Kind.TRANSFER) else None
    suspended = item.suspended_until and item.suspended_until > timezone.now()
    return {
        "applications": applications,
        "decided_applications": [a for a in applications if not a.is_pending],
        "pending_application": pending,
        "decisions": decisions_for(user, pending) if pending else [],
        "decision_form": DecisionForm(),
        "apply_form": ApplyForm(kinds=kinds) if kinds else None,
        "transfer_form": TransferForm(units=units) if units is not None and units else None,
        "suspended_until": item.suspended_until if suspended else None,
    }


def _message(request, exc):
    if isinstance(exc, ValidationError):
        text = " ".join(exc.messages)
    else:
        text = str(exc) or _("You may not do this.")
    messages.error(request, text)


def _form_errors(request, form):
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else error)


class RequestTransferView(ScopedViewMixin, DetailView):
    """A worker of the handling tier asks another unit to take the request."""

    model = ServiceRequest
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        item = self.get_object()
        form = TransferForm(request.POST, units=services.transfer_targets(item))
        if not form.is_valid():
            _form_errors(request, form)
        else:
            try:
                services.propose_transfer(
                    user=request.user,
                    request=item,
                    unit=form.cleaned_data["unit"],
                    reason=form.cleaned_data["reason"],
                )
            except (ValidationError, PermissionDenied) as exc:
                _message(request, exc)
            else:
                messages.success(request, _("The unit is asked to take the request."))
        return redirect("grid:request-detail", pk=item.pk)


class RequestApplyView(ScopedViewMixin, DetailView):
    """The handler applies to the tier above for an extension, return or suspension."""

    model = ServiceRequest
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        item = self.get_object()
        form = ApplyForm(request.POST)
        if not form.is_valid():
            _form_errors(request, form)
        else:
            data = form.cleaned_data
            try:
                services.apply_for(
                    user=request.user,
                    request=item,
                    kind=data["kind"],
                    reason=data["reason"],
                    days=data["days"],
                    resume_on=data["resume_on"],
                )
            except (ValidationError, PermissionDenied) as exc:
                _message(request, exc)
            else:
                messages.success(request, _("Your application waits for a decision."))
        return redirect("grid:request-detail", pk=item.pk)


def _visible_applications(user):
    requests = ServiceRequest.objects.for_user(user, "view").values("pk")
    return RequestApplication.objects.filter(request__in=requests)


class ApplicationDecideView(LoginRequiredMixin, View):
    """Approve, refuse, accept, return or withdraw; back to where the form was."""

    http_method_names = ["post"]

    def post(self, request, pk, decision):
        if decision not in services.approvals.DECISIONS:
            raise Http404
        application = _visible_applications(request.user).filter(pk=pk).first()
        if application is None:
            raise Http404
        form = DecisionForm(request.POST)
        if not form.is_valid():
            _form_errors(request, form)
        else:
            try:
                services.decide_application(
                    user=request.user,
                    application=application,
                    decision=decision,
                    note=form.cleaned_data["note"],
                )
            except (ValidationError, PermissionDenied) as exc:
                _message(request, exc)
            else:
                messages.success(request, _("Done."))
        target = request.POST.get("next", "")
        if target and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return redirect(target)
        if _visible_applications(request.user).filter(pk=pk).exists():
            return redirect("grid:request-detail", pk=application.request_id)
        return redirect("grid:approval-queue")


class ApprovalQueueView(LoginRequiredMixin, PortalPaginationMixin, ListView):
    """The applications waiting for my decision, oldest first."""

    template_name = "grid/approval_queue.html"
    context_object_name = "applications"
    paginate_by = 30

    def get_queryset(self):
        return (
            services.applications_to_decide(self.request.user)
            .select_related("request__category__parent", "applicant", "target_unit")
            .order_by("created_at", "id")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # Every row is one the user may decide (``applications_to_decide``): no check
        # per row, so the page costs the same queries for 1 row or 30.
        context["rows"] = [
            (
                application,
                [
                    (value, DECISION_LABELS[value])
                    for value in (
                        ("accept", "return")
                        if application.kind == Kind.TRANSFER
                        else ("approve", "refuse")
                    )
                ],
            )
            for application in context["applications"]
        ]
        context["decision_form"] = DecisionForm()
        return context
