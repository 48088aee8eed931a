"""Admission of departments' work, as pages: the applications a user may see (a
department its own, the county's joint meeting all of them) with the decision form for
the meeting, and the decision letter of a decided application (PDF)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic.detail import SingleObjectMixin

from core.exports import content_disposition
from core.timeline import refusal_text
from grid.scoped_views import ScopedViewMixin

from . import admission
from .decision_letter import decision_letter_pdf
from .models import AdmissionApplication
from .permissions import AdmissionPerm

PAGE = 100


class ApplicationsView(ScopedViewMixin, View):
    """The applications in scope, the newest first; the meeting decides those in review."""

    model = AdmissionApplication

    def get(self, request):
        state = request.GET.get("state", "")
        applications = AdmissionApplication.objects.for_user(request.user).prefetch_related(
            "targets"
        )
        if state in AdmissionApplication.State.values:
            applications = applications.filter(state=state)
        return render(
            request,
            "funding/admissions.html",
            {
                "applications": applications.order_by("-submitted_at", "-id")[:PAGE],
                "states": AdmissionApplication.State.choices,
                "state": state,
                "decided": AdmissionApplication.DECIDED,
                "may_decide": request.user.has_perm(AdmissionPerm.DECIDE),
                "decisions": [
                    ("approve", _("Approve")),
                    ("conditional", _("Approve with conditions")),
                    ("return", _("Return")),
                    ("reject", _("Reject")),
                ],
            },
        )


class DecideView(ScopedViewMixin, SingleObjectMixin, View):
    model = AdmissionApplication

    def post(self, request, pk):
        application = self.get_object()
        try:
            decided = admission.decide(
                by=request.user,
                application=application,
                decision=request.POST.get("decision", "")[:16],
                note=request.POST.get("note", "")[:1000],
                conditions=request.POST.get("conditions", "")[:500],
            )
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as exc:
            messages.error(request, refusal_text(exc))
        else:
            messages.success(
                request,
                _("Decided: %(state)s.") % {"state": decided.get_state_display()}
                + (f" {decided.number}" if decided.number else ""),
            )
        return redirect("funding:admissions")


class DecisionLetterView(ScopedViewMixin, SingleObjectMixin, View):
    """The decision letter, for the department and the meeting; none before a decision."""

    model = AdmissionApplication

    def get(self, request, pk):
        application = self.get_object()
        if application.state not in AdmissionApplication.DECIDED:
            raise Http404
        response = HttpResponse(decision_letter_pdf(application), content_type="application/pdf")
        name = f"{application.number or application.title}-审查决定书.pdf"
        response["Content-Disposition"] = content_disposition(name).replace(
            "attachment", "inline", 1
        )
        return response
