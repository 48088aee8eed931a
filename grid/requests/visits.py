"""The return-visit queue (回访) and recording a visit."""

import datetime

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import ListView

from .. import services
from ..models import ReturnVisit, ServiceRequest
from ..scoped_views import ScopedViewMixin
from ..services.visits import visit_counts

State = ServiceRequest.State


class VisitForm(forms.Form):
    outcome = forms.ChoiceField(
        label=gettext_lazy("The resident's answer"),
        choices=ReturnVisit.Outcome.choices,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=gettext_lazy("Note"), max_length=500, required=False)


def visit_context(user, item) -> dict:
    """What ``grid/_request_visit.html`` needs on a request's page."""
    worker = services.can_work(user, item)
    return {
        "can_visit": worker and item.state == State.CLOSED,
        "visit_form": VisitForm(),
        "visits": list(item.visits.select_related("visited_by")) if worker else [],
    }


class VisitQueueView(ScopedViewMixin, ListView):
    """Closed requests due for their phone return visit: closed before the last working
    day began, not rated, not visited since closing."""

    model = ServiceRequest
    scope_action = "change"
    template_name = "grid/request_visits.html"
    context_object_name = "requests"
    paginate_by = 50

    def get_queryset(self):
        return (
            services.visit_queue(self.request.user)
            .select_related("category__parent", "building", "grid")
            .order_by("closed_at", "id")
        )

    def paginate_queryset(self, queryset, page_size):
        paginator = Paginator(queryset, page_size)
        page = paginator.get_page(self.request.GET.get("page"))
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        since = timezone.now() - datetime.timedelta(days=30)
        counts = visit_counts(self.request.user, since)
        context["visit_counts"] = [
            (label, counts[value]) for value, label in ReturnVisit.Outcome.choices
        ]
        return context


class RecordVisitView(ScopedViewMixin, ListView):
    model = ServiceRequest
    http_method_names = ["post"]

    def post(self, request, pk):
        item = self.get_queryset().filter(pk=pk).first()
        if item is None:
            raise Http404
        form = VisitForm(request.POST)
        try:
            if not form.is_valid():
                raise ValidationError(_("Choose the answer of the resident."))
            services.record_return_visit(
                user=request.user,
                request=item,
                outcome=form.cleaned_data["outcome"],
                note=form.cleaned_data["note"],
            )
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [])) or str(exc))
        else:
            messages.success(request, _("The return visit is recorded."))
        return redirect("grid:request-detail", pk=item.pk)
