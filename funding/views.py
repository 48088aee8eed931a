"""Funding pages: the office's workbench (its funds with what is left, expenditures to
approve, to pay and to reconcile, projects under way, disclosures falling due), a
fund's ledger with the request to spend from it, an expenditure from request to
reconciliation with its invoices and timeline, a project, and a disclosure with its
statement and the residents' questions. Residents see their community's funds and
published disclosures and ask questions on them. Every step goes through the services."""

import datetime
from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic.detail import SingleObjectMixin

from core.exports import Column, content_disposition, excel_response
from core.timeline import refusal_text
from grid.scoped_views import ScopedViewMixin
from grid.services.photos import prepare_photos

from . import disclosure as disclosures
from . import services
from .admission import is_department
from .admission_dashboard import may_see_dashboard
from .forms import (
    AcceptForm,
    AnswerForm,
    AskForm,
    DecisionForm,
    ExpenditureForm,
    InvoiceForm,
    NoteForm,
    PayForm,
    ProjectForm,
    PublishForm,
    ReasonForm,
)
from .models import (
    Disclosure,
    DisclosureQuestion,
    Expenditure,
    Fund,
    LedgerEntry,
    Project,
    Source,
)
from .permissions import AdmissionPerm, DisclosurePerm, FundingPerm
from .poster import poster_pdf
from .statements import statement_rows


def form_errors(form) -> str:
    """A form's errors as one line, each after its field's label."""
    parts = []
    for name, errors in form.errors.items():
        field = form.fields.get(name)
        text = " ".join(errors)
        parts.append(f"{field.label}: {text}" if field is not None and field.label else text)
    return " ".join(parts)


ACTIONS = {
    "request": gettext_lazy("Requested"),
    "approve": gettext_lazy("Approved"),
    "refuse": gettext_lazy("Refused"),
    "withdraw": gettext_lazy("Withdrawn"),
    "pay": gettext_lazy("Paid"),
    "reconcile": gettext_lazy("Reconciled"),
    "reverse": gettext_lazy("Reversed"),
    "propose": gettext_lazy("Proposed"),
    "decide": gettext_lazy("Decided by the committees"),
    "file": gettext_lazy("Filed by the street"),
    "reject": gettext_lazy("Rejected"),
    "start": gettext_lazy("Work started"),
    "accept": gettext_lazy("Accepted"),
    "notice": gettext_lazy("Publicly noticed"),
}


def _onto_form(form, exc: ValidationError) -> None:
    """A service's refusal shown on the form: by the field it names, else above it."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _events(rows):
    return [
        {
            "when": e.at,
            "title": ACTIONS.get(e.action, e.action),
            "who": e.actor.get_username() if e.actor else "",
            "note": e.note,
        }
        for e in rows
    ]


class HomeView(ScopedViewMixin, View):
    """The office's workbench, or a resident's view of their community's accounts."""

    model = Fund

    def get(self, request):
        user = request.user
        year = timezone.localdate().year
        funds = list(
            Fund.objects.for_user(user)
            .filter(year__gte=year - 1)
            .select_related("community", "street")[:60]
        )
        office = user.has_perm(FundingPerm.VIEW_EXPENDITURE)
        context = {
            "funds": funds,
            "office": office,
            "year": year,
            "admissions": is_department(user) or user.has_perm(AdmissionPerm.VIEW_APPLICATION),
            "dashboard": may_see_dashboard(user),
        }
        if office:
            spending = Expenditure.objects.for_user(user).select_related("fund", "project")
            context.update(
                to_approve=list(spending.filter(state=Expenditure.State.REQUESTED)[:30]),
                to_pay=list(spending.filter(state=Expenditure.State.APPROVED)[:30]),
                to_reconcile=list(spending.filter(state=Expenditure.State.PAID)[:30]),
                projects=list(
                    Project.objects.for_user(user)
                    .exclude(state__in=[Project.State.NOTICED, Project.State.REJECTED])
                    .select_related("fund", "community")[:30]
                ),
                due=list(
                    Disclosure.objects.for_user(user)
                    .filter(
                        state=Disclosure.State.DUE,
                        due_on__lte=timezone.localdate() + datetime.timedelta(days=30),
                    )
                    .select_related("community")
                    .order_by("due_on", "id")[:30]
                ),
            )
        context["published"] = list(
            Disclosure.objects.for_user(user)
            .filter(state=Disclosure.State.PUBLISHED)
            .select_related("community")
            .order_by("-period_end", "-id")[:30]
        )
        return render(request, "funding/home.html", context)


class FundView(ScopedViewMixin, SingleObjectMixin, View):
    """A fund: its counters, its ledger (every entry, reversals shown), its open
    expenditures and projects, and the request to spend from it."""

    model = Fund

    def context(self, fund, form=None, project_form=None):
        user = self.request.user
        may_spend = user.has_perm(FundingPerm.ADD_EXPENDITURE, fund)
        projects = list(
            Project.objects.for_user(user).filter(
                fund=fund, state__in=[Project.State.FILED, Project.State.IMPLEMENTING]
            )
        )
        if may_spend and form is None:
            form = ExpenditureForm(projects=[(p.pk, p.title) for p in projects])
        may_propose = fund.source == Source.SPECIAL and user.has_perm(FundingPerm.ADD_PROJECT, fund)
        if may_propose and project_form is None:
            project_form = ProjectForm()
        return {
            "project_form": project_form if may_propose else None,
            "fund": fund,
            "entries": list(
                fund.entries.select_related("project").order_by("-booked_on", "-id")[:100]
            ),
            "expenditures": list(
                Expenditure.objects.for_user(user).filter(fund=fund).select_related("project")[:50]
            ),
            "projects": list(Project.objects.for_user(user).filter(fund=fund)[:50]),
            "form": form if may_spend else None,
        }

    def get(self, request, pk):
        fund = self.get_object()
        return render(request, "funding/fund.html", self.context(fund))

    def post(self, request, pk):
        fund = self.get_object()
        if not request.user.has_perm(FundingPerm.ADD_EXPENDITURE, fund):
            raise Http404
        projects = Project.objects.for_user(request.user).filter(
            fund=fund, state__in=[Project.State.FILED, Project.State.IMPLEMENTING]
        )
        form = ExpenditureForm(request.POST, projects=[(p.pk, p.title) for p in projects])
        if form.is_valid():
            data = form.cleaned_data
            project = (
                projects.filter(pk=data.get("project")).first() if data.get("project") else None
            )
            try:
                expenditure = services.request_expenditure(
                    by=request.user,
                    fund=fund,
                    amount=services.yuan_to_fen(data["amount"]),
                    category=data["category"],
                    payee=data["payee"],
                    purpose=data["purpose"],
                    project=project,
                )
            except PermissionDenied:
                raise Http404 from None
            except ValidationError as exc:
                _onto_form(form, exc)
            else:
                messages.success(
                    request,
                    _("Requested ¥%(amount)s: it waits for approval.")
                    % {"amount": expenditure.amount_yuan},
                )
                return redirect("funding:expenditure", pk=expenditure.pk)
        context = self.context(fund, form)
        return render(request, "funding/fund.html", context, status=400)


class ExpenditureView(ScopedViewMixin, SingleObjectMixin, View):
    model = Expenditure

    def get_queryset(self):
        return super().get_queryset().select_related("fund", "project", "requested_by")

    def get(self, request, pk):
        expenditure = self.get_object()
        user = request.user
        state = expenditure.state
        S = Expenditure.State
        may_change = user.has_perm(FundingPerm.CHANGE_EXPENDITURE, expenditure)
        return render(
            request,
            "funding/expenditure.html",
            {
                "expenditure": expenditure,
                "fund": expenditure.fund,
                "invoices": list(expenditure.invoices.all()),
                "events": _events(expenditure.events.select_related("actor").order_by("at", "id")),
                "needed_tier": services.required_tier(expenditure).label,
                "may_approve": state == S.REQUESTED
                and user.has_perm(FundingPerm.APPROVE_EXPENDITURE, expenditure),
                "may_withdraw": state == S.REQUESTED and may_change,
                "may_attach": state in (S.REQUESTED, S.APPROVED, S.PAID) and may_change,
                "may_pay": state == S.APPROVED and may_change,
                "may_reconcile": state == S.PAID
                and user.has_perm(FundingPerm.RECONCILE_EXPENDITURE, expenditure),
                "note_form": NoteForm(),
                "reason_form": ReasonForm(),
                "invoice_form": InvoiceForm(),
                "pay_form": PayForm(initial={"paid_on": timezone.localdate()}),
            },
        )


def _expenditure_step(request, expenditure, step) -> str:
    by = request.user
    if step == "approve":
        form = NoteForm(request.POST)
        form.is_valid()
        services.approve_expenditure(
            by=by, expenditure=expenditure, note=form.cleaned_data.get("note", "")
        )
        return _("Approved.")
    if step in ("refuse", "withdraw"):
        form = ReasonForm(request.POST)
        if not form.is_valid():
            raise ValidationError(_("Give the reason."))
        action = services.refuse_expenditure if step == "refuse" else services.withdraw_expenditure
        action(by=by, expenditure=expenditure, reason=form.cleaned_data["reason"])
        return _("Refused: the money is released.") if step == "refuse" else _("Withdrawn.")
    if step == "invoices":
        form = InvoiceForm(request.POST, request.FILES)
        if not form.is_valid():
            raise ValidationError(form_errors(form))
        photos = prepare_photos(form.cleaned_data["photos"])
        if not photos:
            raise ValidationError(_("Choose a photo of each invoice."))
        saved = services.attach_invoices(by=by, expenditure=expenditure, photos=photos)
        return _("%(count)d invoice photos attached.") % {"count": len(saved)}
    if step == "pay":
        form = PayForm(request.POST)
        if not form.is_valid():
            raise ValidationError(form_errors(form))
        services.pay_expenditure(
            by=by,
            expenditure=expenditure,
            invoice_numbers=form.cleaned_data["invoice_numbers"],
            paid_on=form.cleaned_data.get("paid_on"),
        )
        return _("Paid and booked in the ledger.")
    if step == "reconcile":
        form = NoteForm(request.POST)
        form.is_valid()
        services.reconcile_expenditure(
            by=by, expenditure=expenditure, note=form.cleaned_data.get("note", "")
        )
        return _("Reconciled.")
    raise Http404


class ExpenditureStepView(ScopedViewMixin, SingleObjectMixin, View):
    """A step posted from the expenditure page: the service decides, the page says what."""

    model = Expenditure

    def post(self, request, pk, step):
        expenditure = self.get_object()
        try:
            message = _expenditure_step(request, expenditure, step)
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as exc:
            messages.error(request, refusal_text(exc))
        else:
            messages.success(request, message)
        return redirect("funding:expenditure", pk=expenditure.pk)


class ProjectView(ScopedViewMixin, SingleObjectMixin, View):
    model = Project

    def get_queryset(self):
        return super().get_queryset().select_related("fund", "community")

    def get(self, request, pk):
        project = self.get_object()
        return render(
            request,
            "funding/project.html",
            {
                "project": project,
                "expenditures": list(
                    Expenditure.objects.for_user(request.user).filter(project=project)[:50]
                ),
                "events": _events(project.events.select_related("actor").order_by("at", "id")),
                "steps": project_steps(request.user, project),
                "decision_form": DecisionForm(initial={"votes_abstain": 0}),
                "note_form": NoteForm(),
                "reason_form": ReasonForm(),
                "accept_form": AcceptForm(),
            },
        )


def project_steps(user, project) -> set[str]:
    """The steps the page offers (the services decide again when one is posted)."""
    S = Project.State
    change = user.has_perm(FundingPerm.CHANGE_PROJECT, project)
    file = user.has_perm(FundingPerm.FILE_PROJECT, project)
    offered = {
        "decide": project.state == S.PROPOSED and change,
        "file": project.state == S.DECIDED and file,
        "reject": project.state in (S.PROPOSED, S.DECIDED) and file,
        "start": project.state == S.FILED and change,
        "accept": project.state == S.IMPLEMENTING
        and (file or user.has_perm(FundingPerm.APPROVE_EXPENDITURE, project.fund)),
        "notice": project.state == S.ACCEPTED and change,
    }
    return {step for step, shown in offered.items() if shown}


def _project_step(request, project, step) -> str:
    by, post = request.user, request.POST
    if step == "decide":
        form = DecisionForm(post)
        if not form.is_valid():
            raise ValidationError(form_errors(form))
        data = form.cleaned_data
        data["votes_abstain"] = data.get("votes_abstain") or 0
        project = services.record_decision(by=by, project=project, **data)
        if project.state == Project.State.REJECTED:
            return _("The vote did not carry it: the project is rejected.")
        return _("The decision is recorded: the street reviews and files it next.")
    if step == "file":
        form = NoteForm(post)
        form.is_valid()
        services.file_project(by=by, project=project, note=form.cleaned_data.get("note", ""))
        return _("Filed: the budget is granted to the project.")
    if step == "reject":
        form = ReasonForm(post)
        if not form.is_valid():
            raise ValidationError(_("Give the reason."))
        services.reject_project(by=by, project=project, reason=form.cleaned_data["reason"])
        return _("Rejected.")
    if step == "start":
        services.start_project(by=by, project=project)
        return _("Work started.")
    if step == "accept":
        form = AcceptForm(post)
        if not form.is_valid():
            raise ValidationError(form_errors(form))
        services.accept_project(by=by, project=project, note=form.cleaned_data["note"])
        return _("Accepted.")
    if step == "notice":
        services.notice_project(by=by, project=project)
        return _("Publicly noticed.")
    raise Http404


class ProjectStepView(ScopedViewMixin, SingleObjectMixin, View):
    model = Project

    def post(self, request, pk, step):
        project = self.get_object()
        try:
            message = _project_step(request, project, step)
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as exc:
            messages.error(request, refusal_text(exc))
        else:
            messages.success(request, message)
        return redirect("funding:project", pk=project.pk)


class ProjectProposeView(ScopedViewMixin, SingleObjectMixin, View):
    """A project of the special fund proposed from the fund's page."""

    model = Fund

    def post(self, request, pk):
        fund = self.get_object()
        if not request.user.has_perm(FundingPerm.ADD_PROJECT, fund):
            raise Http404
        form = ProjectForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                project = services.propose_project(
                    by=request.user,
                    fund=fund,
                    title=data["title"],
                    category=data["category"],
                    needs=data["needs"],
                    need_refs=data["need_refs"],
                    budget=services.yuan_to_fen(data["budget"]),
                )
            except PermissionDenied:
                raise Http404 from None
            except ValidationError as exc:
                if hasattr(exc, "error_dict") and "amount" in exc.error_dict:
                    exc = ValidationError({"budget": exc.error_dict["amount"]})
                _onto_form(form, exc)
            else:
                messages.success(request, _("Proposed: the two committees decide it next."))
                return redirect("funding:project", pk=project.pk)
        view = FundView()
        view.request = request
        return render(
            request, "funding/fund.html", view.context(fund, project_form=form), status=400
        )


class DisclosureView(ScopedViewMixin, SingleObjectMixin, View):
    """A disclosure: its latest published version (with the statement for a financial
    one), the earlier versions, the questions and their public answers."""

    model = Disclosure

    def get_queryset(self):
        return super().get_queryset().select_related("community")

    def get(self, request, pk):
        item = self.get_object()
        user = request.user
        may_publish = user.has_perm(DisclosurePerm.CHANGE, item)
        if item.state != Disclosure.State.PUBLISHED and not may_publish:
            raise Http404  # residents see only what has been published
        versions = list(item.versions.order_by("-number"))
        latest = versions[0] if versions else None
        questions = list(item.questions.order_by("asked_at", "id"))
        return render(
            request,
            "funding/disclosure.html",
            {
                "item": item,
                "latest": latest,
                "rows": statement_rows(latest.statement) if latest and latest.statement else [],
                "earlier": versions[1:],
                "questions": questions,
                "may_publish": may_publish,
                "may_ask": item.state == Disclosure.State.PUBLISHED and not may_publish,
                "publish_form": PublishForm(initial={"body": latest.body if latest else ""}),
                "ask_form": AskForm(),
            },
        )


class DisclosureStepView(ScopedViewMixin, SingleObjectMixin, View):
    model = Disclosure

    def post(self, request, pk, step):
        item = self.get_object()
        try:
            message = self._step(request, item, step)
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as exc:
            messages.error(request, refusal_text(exc))
        else:
            messages.success(request, message)
        return redirect("funding:disclosure", pk=item.pk)

    def _step(self, request, item, step) -> str:
        if step == "publish":
            form = PublishForm(request.POST)
            if not form.is_valid():
                raise ValidationError(form_errors(form))
            version = disclosures.publish(by=request.user, disclosure=item, **form.cleaned_data)
            return _("Version %(number)d published.") % {"number": version.number}
        if step == "ask":
            form = AskForm(request.POST)
            if not form.is_valid():
                raise ValidationError(form_errors(form))
            disclosures.ask(user=request.user, disclosure=item, text=form.cleaned_data["text"])
            return _("Your question is sent; the answer will be shown here.")
        if step == "answer":
            form = AnswerForm(request.POST)
            if not form.is_valid():
                raise ValidationError(form_errors(form))
            question = DisclosureQuestion.objects.filter(
                disclosure=item, pk=form.cleaned_data["question"]
            ).first()
            if question is None:
                raise Http404
            disclosures.answer(by=request.user, question=question, text=form.cleaned_data["text"])
            return _("Answered.")
        raise Http404


class DisclosurePosterView(ScopedViewMixin, SingleObjectMixin, View):
    """The latest published version as an A3 notice-board poster (PDF)."""

    model = Disclosure

    def get(self, request, pk):
        item = self.get_object()
        version = item.versions.select_related("disclosure__community").order_by("-number").first()
        if version is None:
            raise Http404
        response = HttpResponse(poster_pdf(version, request), content_type="application/pdf")
        name = f"{item.title}-v{version.number}.pdf"
        response["Content-Disposition"] = content_disposition(name).replace(
            "attachment", "inline", 1
        )
        return response


LEDGER_COLUMNS = [
    Column(gettext_lazy("Date"), "booked_on", width=12, number_format="yyyy-mm-dd"),
    Column(gettext_lazy("Kind"), lambda e: e.get_kind_display(), width=10),
    Column(gettext_lazy("Memo"), "memo", width=40),
    Column(gettext_lazy("Project"), "project.title", width=24),
    Column(gettext_lazy("Category"), lambda e: e.get_category_display(), width=16),
    Column(
        gettext_lazy("Amount (yuan)"),
        lambda e: Decimal(e.signed) / 100,
        width=16,
        number_format="#,##0.00",
    ),
]


class FundLedgerExportView(ScopedViewMixin, SingleObjectMixin, View):
    """A fund's ledger to Excel: every entry, signed as it moves the fund."""

    model = Fund

    def get(self, request, pk):
        fund = self.get_object()
        entries = LedgerEntry.objects.filter(fund=fund).select_related("project")
        return excel_response(
            rows=entries.order_by("booked_on", "id"),
            columns=LEDGER_COLUMNS,
            filename=f"{fund.name}-{fund.year}.xlsx",
            sheet_title=fund.name,
        )
