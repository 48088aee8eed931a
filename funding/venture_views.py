"""Public-benefit venture calls (公益创投) as pages, over ``funding.venture``: the calls
in scope with the call to open one on a venture fund; a call with its pool, cap per
project, period and criteria, the application form while it is open, for the office
its applications with reviewers to assign, closing and ranking, and once ranked the
public notice; an application with its reviews' totals, the agreement, tranches
requested as expenditures of the fund (approved and paid on the expenditure's page, so
in the ledger) and the mid-term and final evaluations; a reviewer's own assignments
and the scoring form. Outside one's scope everything is a 404."""

import datetime

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic.detail import SingleObjectMixin

from core.masking import mask_name
from core.timeline import refusal_text
from grid.scoped_views import ScopedViewMixin

from . import services, venture
from .models import Fund, Source, VentureApplication, VentureCall, VentureReview
from .permissions import VenturePerm
from .querysets import visible_calls

Call = VentureCall.State
App = VentureApplication.State


class CallForm(forms.Form):
    fund = forms.TypedChoiceField(label=gettext_lazy("Venture fund"), coerce=int)
    title = forms.CharField(label=gettext_lazy("Title"), max_length=100)
    pool = forms.CharField(label=gettext_lazy("Pool (yuan)"), max_length=20)
    cap = forms.CharField(label=gettext_lazy("Cap per project (yuan)"), max_length=20)
    months_min = forms.IntegerField(
        label=gettext_lazy("Shortest (months)"), min_value=1, max_value=60
    )
    months_max = forms.IntegerField(
        label=gettext_lazy("Longest (months)"), min_value=1, max_value=60
    )
    criteria = forms.CharField(
        label=gettext_lazy("Scoring criteria"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("One a line as name: points; the points add up to 100."),
    )
    apply_until = forms.DateField(
        label=gettext_lazy("Applications until"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, funds=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fund"].choices = [(f.pk, f"{f.name} {f.year}") for f in funds]


class ApplyForm(forms.Form):
    organisation = forms.CharField(label=gettext_lazy("Organisation or team"), max_length=100)
    title = forms.CharField(label=gettext_lazy("Project"), max_length=100)
    plan = forms.CharField(
        label=gettext_lazy("Plan"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )
    amount = forms.CharField(label=gettext_lazy("Amount asked (yuan)"), max_length=20)
    months = forms.IntegerField(label=gettext_lazy("Months"), min_value=1, max_value=60)


def _venture_funds(user):
    return [
        fund
        for fund in Fund.objects.for_user(user)
        .filter(source=Source.VENTURE, year__gte=timezone.localdate().year - 1)
        .select_related("community", "street")[:50]
        if user.has_perm(VenturePerm.ADD_CALL, fund)
    ]


def _fail(request, exc) -> None:
    messages.error(request, refusal_text(exc))


class VentureHomeView(ScopedViewMixin, View):
    model = VentureCall

    def context(self, form=None):
        user = self.request.user
        funds = _venture_funds(user)
        if funds and form is None:
            form = CallForm(
                funds=funds,
                initial={
                    "months_min": 6,
                    "months_max": 12,
                    "criteria": "需求迫切: 30\n方案可行: 30\n预算合理: 20\n团队能力: 20",
                    "apply_until": timezone.localdate() + datetime.timedelta(days=30),
                },
            )
        return {
            "calls": list(visible_calls(user).select_related("community", "street")[:50]),
            "assignments": list(
                VentureReview.objects.filter(reviewer=user)
                .select_related("application__call")
                .order_by("scored_at", "id")[:50]
            ),
            "mine": list(
                VentureApplication.objects.filter(applicant=user).select_related("call")[:50]
            ),
            "form": form if funds else None,
        }

    def get(self, request):
        return render(request, "funding/venture_home.html", self.context())

    def post(self, request):
        funds = _venture_funds(request.user)
        if not funds:
            raise Http404
        form = CallForm(request.POST, funds=funds)
        if form.is_valid():
            data = form.cleaned_data
            fund = next((f for f in funds if f.pk == data["fund"]), None)
            try:
                call = venture.open_call(
                    by=request.user,
                    fund=fund,
                    title=data["title"],
                    pool=services.yuan_to_fen(data["pool"]),
                    cap=services.yuan_to_fen(data["cap"]),
                    months_min=data["months_min"],
                    months_max=data["months_max"],
                    criteria=venture.parse_criteria(data["criteria"]),
                    apply_until=data["apply_until"],
                )
            except PermissionDenied:
                raise Http404 from None
            except ValidationError as exc:
                form.add_error(None, refusal_text(exc))
            else:
                messages.success(request, _("The call is open for applications."))
                return redirect("funding:venture-call", pk=call.pk)
        return render(request, "funding/venture_home.html", self.context(form), status=400)


def _manages(user, call) -> bool:
    return user.has_perm(VenturePerm.CHANGE_CALL, call)


def _applicant(application) -> str:
    user = application.applicant
    return mask_name(user.get_full_name() or user.get_username())


class CallView(ScopedViewMixin, SingleObjectMixin, View):
    model = VentureCall

    def get_queryset(self):
        return visible_calls(self.request.user).select_related("fund", "community", "street")

    def context(self, call, form=None):
        user = self.request.user
        manages = _manages(user, call)
        applications = call.applications.all()
        if not manages:
            applications = applications.filter(applicant=user)
        applications = list(applications.select_related("applicant").prefetch_related("reviews"))
        for application in applications:
            reviews = list(application.reviews.all())
            application.reviews_done = sum(1 for r in reviews if r.scored_at)
            application.reviews_count = len(reviews)
            application.applicant_shown = _applicant(application)
        noticed = call.state in (Call.NOTICED, Call.CLOSED)
        may_apply = call.state == Call.OPEN and call.apply_until >= timezone.localdate()
        return {
            "call": call,
            "manages": manages,
            "applications": applications,
            "ranking": list(call.applications.filter(rank__isnull=False).order_by("rank", "id"))
            if noticed
            else [],
            "form": (form or ApplyForm()) if may_apply else None,
            "may_close": manages and call.state == Call.OPEN,
            "may_rank": manages and call.state == Call.REVIEWING,
            "may_end": manages and call.state == Call.NOTICED,
        }

    def get(self, request, pk):
        call = self.get_object()
        return render(request, "funding/venture_call.html", self.context(call))

    def post(self, request, pk):
        call = self.get_object()
        form = ApplyForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                application = venture.apply(
                    by=request.user,
                    call=call,
                    organisation=data["organisation"],
                    title=data["title"],
                    plan=data["plan"],
                    amount=services.yuan_to_fen(data["amount"]),
                    months=data["months"],
                )
            except ValidationError as exc:
                form.add_error(None, refusal_text(exc))
            else:
                messages.success(request, _("Your application is submitted."))
                return redirect("funding:venture-application", pk=application.pk)
        return render(request, "funding/venture_call.html", self.context(call, form), status=400)


class CallStepView(ScopedViewMixin, SingleObjectMixin, View):
    model = VentureCall

    def post(self, request, pk, step):
        call = self.get_object()
        try:
            if step == "close":
                venture.close_applications(by=request.user, call=call)
                messages.success(request, _("Applications are closed: the reviewers score next."))
            elif step == "rank":
                ranked = venture.rank_and_notice(by=request.user, call=call)
                awarded = sum(1 for a in ranked if a.state == App.AWARDED)
                messages.success(
                    request,
                    _("Ranked and noticed: %(awarded)d of %(count)d awarded.")
                    % {"awarded": awarded, "count": len(ranked)},
                )
            elif step == "end":
                venture.close_call(by=request.user, call=call)
                messages.success(request, _("The call is closed."))
            else:
                raise Http404
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as exc:
            _fail(request, exc)
        return redirect("funding:venture-call", pk=call.pk)


class ApplicationView(ScopedViewMixin, SingleObjectMixin, View):
    model = VentureApplication

    def get_queryset(self):
        return super().get_queryset().select_related("call__fund", "applicant")

    def get(self, request, pk):
        application = self.get_object()
        manages = _manages(request.user, application.call)
        tranches = list(application.tranches.select_related("expenditure"))
        reviews = list(application.reviews.select_related("reviewer")) if manages else []
        for review in reviews:
            user = review.reviewer
            review.reviewer_shown = mask_name(user.get_full_name() or user.get_username())
        return render(
            request,
            "funding/venture_application.html",
            {
                "application": application,
                "call": application.call,
                "applicant": _applicant(application),
                "manages": manages,
                "reviews": reviews,
                "tranches": tranches,
                "may_assign": manages and application.state == App.SUBMITTED,
                "may_agree": manages and application.state == App.AWARDED,
                "may_tranche": manages and application.state in (App.AGREED, App.MID_EVALUATED),
                "may_mid": manages and application.state == App.AGREED,
                "may_final": manages and application.state in (App.AGREED, App.MID_EVALUATED),
            },
        )


def _application_step(request, application, step) -> str:
    by, post = request.user, request.POST
    if step == "assign":
        username = (post.get("reviewer") or "").strip()[:150]
        reviewer = get_user_model().objects.filter(username=username, is_active=True).first()
        if reviewer is None:
            raise ValidationError({"reviewer": _("No such user: give the reviewer's user name.")})
        venture.assign_reviewer(by=by, application=application, reviewer=reviewer)
        return _("The reviewer is assigned.")
    if step == "agree":
        venture.sign_agreement(by=by, application=application)
        return _("The agreement is signed: tranches may be paid.")
    if step == "tranche":
        expenditure = venture.request_tranche(
            by=by, application=application, amount=services.yuan_to_fen(post.get("amount", ""))
        )
        return _("Tranche of ¥%(amount)s requested: it is approved and paid as an expenditure.") % {
            "amount": expenditure.amount_yuan
        }
    if step in ("mid", "final"):
        venture.evaluate(
            by=by, application=application, stage=step, text=post.get("text", "")[:500]
        )
        return _("The evaluation is recorded.")
    raise Http404


class ApplicationStepView(ScopedViewMixin, SingleObjectMixin, View):
    model = VentureApplication

    def post(self, request, pk, step):
        application = self.get_object()
        try:
            message = _application_step(request, application, step)
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as exc:
            _fail(request, exc)
        else:
            messages.success(request, message)
        return redirect("funding:venture-application", pk=application.pk)


class ReviewView(ScopedViewMixin, SingleObjectMixin, View):
    """A reviewer's own assignment: the application and a score per criterion."""

    model = VentureReview

    def get_queryset(self):
        return VentureReview.objects.filter(reviewer=self.request.user).select_related(
            "application__call"
        )

    def render_page(self, review, status=200, errors=""):
        call = review.application.call
        criteria = [
            {**criterion, "score": review.scores.get(criterion["name"], "")}
            for criterion in call.criteria
        ]
        return render(
            self.request,
            "funding/venture_review.html",
            {
                "review": review,
                "application": review.application,
                "call": call,
                "criteria": criteria,
                "may_score": call.state == Call.REVIEWING,
                "errors": errors,
            },
            status=status,
        )

    def get(self, request, pk):
        return self.render_page(self.get_object())

    def post(self, request, pk):
        review = self.get_object()
        call = review.application.call
        scores = {}
        for index, criterion in enumerate(call.criteria):
            raw = (request.POST.get(f"score-{index}") or "").strip()
            try:
                scores[criterion["name"]] = int(raw)
            except ValueError:
                scores[criterion["name"]] = None
        try:
            venture.score(by=request.user, review=review, scores=scores)
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as exc:
            return self.render_page(review, status=400, errors=refusal_text(exc))
        messages.success(request, _("Your scores are saved."))
        return redirect("funding:venture")


def url_patterns():
    """The venture pages' routes (built once the ``id`` converter is registered)."""
    return [
        path("venture/", VentureHomeView.as_view(), name="venture"),
        path("venture/calls/<id:pk>/", CallView.as_view(), name="venture-call"),
        *[
            path(
                f"venture/calls/<id:pk>/{step}/",
                CallStepView.as_view(),
                {"step": step},
                name=f"venture-call-{step}",
            )
            for step in ("close", "rank", "end")
        ],
        path(
            "venture/applications/<id:pk>/", ApplicationView.as_view(), name="venture-application"
        ),
        *[
            path(
                f"venture/applications/<id:pk>/{step}/",
                ApplicationStepView.as_view(),
                {"step": step},
                name=f"venture-application-{step}",
            )
            for step in ("assign", "agree", "tranche", "mid", "final")
        ],
        path("venture/reviews/<id:pk>/", ReviewView.as_view(), name="venture-review"),
    ]
