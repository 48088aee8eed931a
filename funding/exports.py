"""Every funding list to Excel through ``core.exports``: funds, expenditures, projects,
disclosures, admission applications, tasks put on communities, reported burdens and
venture applications. Rows come from ``for_user`` querysets (a user exports only what
they may see; a list they may not see at all is a 404) and personal data is masked:
people by the family name only, an anonymous burden's reporter not at all (it is not
stored)."""

from decimal import Decimal

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views import View

from core.exports import Column, excel_response
from core.masking import mask_name
from grid.scoped_views import ScopedViewMixin

from .admission_dashboard import filtered_burdens, filtered_tasks, reporter_shown
from .models import (
    AdmissionApplication,
    BurdenReport,
    CommunityTask,
    Disclosure,
    Expenditure,
    Fund,
    Project,
    VentureApplication,
)
from .permissions import AdmissionPerm, DisclosurePerm, FundingPerm, VenturePerm


def _yuan(value) -> Decimal:
    return Decimal(int(value or 0)) / 100


def _person(user) -> str:
    if user is None:
        return ""
    return mask_name(user.get_full_name() or user.get_username())


def _node(row) -> str:
    community = getattr(row, "community", None)
    if community is not None:
        return community.name
    street = getattr(row, "street", None)
    return street.name if street is not None else ""


def _money(header, attribute):
    return Column(header, lambda row: _yuan(getattr(row, attribute)), 14, "#,##0.00")


def _date(header, attribute, width=12):
    return Column(header, attribute, width, "yyyy-mm-dd")


FUNDS = [
    Column(gettext_lazy("Community or street"), _node, 18),
    Column(gettext_lazy("Year"), "year", 8),
    Column(gettext_lazy("Source"), lambda f: f.get_source_display(), 16),
    Column(gettext_lazy("Name"), "name", 24),
    _money(gettext_lazy("Budget (yuan)"), "budget"),
    _money(gettext_lazy("Spent (yuan)"), "spent"),
    _money(gettext_lazy("Committed (yuan)"), "committed"),
    _money(gettext_lazy("Available (yuan)"), "available"),
]
EXPENDITURES = [
    _date(gettext_lazy("Requested on"), "created_at", 18),
    Column(gettext_lazy("Community or street"), _node, 18),
    Column(gettext_lazy("Fund"), "fund.name", 20),
    Column(gettext_lazy("Project"), "project.title", 20),
    Column(gettext_lazy("Category"), lambda e: e.get_category_display(), 14),
    Column(gettext_lazy("Payee"), "payee", 24),
    Column(gettext_lazy("Purpose"), "purpose", 30),
    _money(gettext_lazy("Amount (yuan)"), "amount"),
    Column(gettext_lazy("State"), lambda e: e.get_state_display(), 12),
    Column(gettext_lazy("Requested by"), lambda e: _person(e.requested_by), 10),
    Column(gettext_lazy("Invoice numbers"), "invoice_numbers", 20),
    _date(gettext_lazy("Paid on"), "paid_on"),
]
PROJECTS = [
    _date(gettext_lazy("Proposed on"), "created_at", 18),
    Column(gettext_lazy("Community"), _node, 18),
    Column(gettext_lazy("Title"), "title", 24),
    Column(gettext_lazy("Category"), lambda p: p.get_category_display(), 14),
    _money(gettext_lazy("Budget (yuan)"), "budget"),
    _money(gettext_lazy("Spent (yuan)"), "spent"),
    Column(gettext_lazy("State"), lambda p: p.get_state_display(), 12),
    Column(gettext_lazy("Filing number"), "filing_number", 16),
]
DISCLOSURES = [
    Column(gettext_lazy("Community"), _node, 18),
    Column(gettext_lazy("Area"), lambda d: d.get_area_display(), 12),
    Column(gettext_lazy("Cadence"), lambda d: d.get_cadence_display(), 10),
    Column(gettext_lazy("Title"), "title", 30),
    _date(gettext_lazy("Period from"), "period_start"),
    _date(gettext_lazy("Period to"), "period_end"),
    _date(gettext_lazy("Due on"), "due_on"),
    Column(gettext_lazy("State"), lambda d: d.get_state_display(), 10),
]
ADMISSIONS = [
    _date(gettext_lazy("Submitted on"), "submitted_at", 18),
    Column(gettext_lazy("Department"), "department", 20),
    Column(gettext_lazy("Title"), "title", 24),
    Column(gettext_lazy("Applicant"), lambda a: _person(a.applicant), 10),
    Column(gettext_lazy("Track"), lambda a: a.get_track_display(), 14),
    Column(gettext_lazy("Communities"), lambda a: len(a.targets.all()), 10),
    Column(gettext_lazy("Hours a year per community"), "hours_per_community", 12),
    _money(gettext_lazy("Funding per community (yuan)"), "funding_per_community"),
    Column(gettext_lazy("State"), lambda a: a.get_state_display(), 14),
    Column(gettext_lazy("Admission number"), "number", 18),
    _date(gettext_lazy("Review due"), "review_due"),
]
TASKS = [
    _date(gettext_lazy("Arrived on"), "created_at", 18),
    Column(gettext_lazy("Community"), _node, 18),
    Column(gettext_lazy("Department"), "department", 20),
    Column(gettext_lazy("Task"), "title", 24),
    Column(gettext_lazy("Admission number"), "number", 18),
    Column(gettext_lazy("Hours a year"), "hours", 10),
    _money(gettext_lazy("Funding (yuan)"), "funding"),
    Column(gettext_lazy("State"), lambda t: t.get_state_display(), 14),
    Column(gettext_lazy("Reason"), "reason", 24),
]
BURDENS = [
    _date(gettext_lazy("Reported on"), "reported_on"),
    Column(gettext_lazy("Community"), _node, 18),
    Column(gettext_lazy("Department"), "department", 20),
    Column(gettext_lazy("What was demanded"), "description", 40),
    Column(gettext_lazy("Reporter"), reporter_shown, 10),
]
VENTURE = [
    Column(gettext_lazy("Call"), "call.title", 20),
    Column(gettext_lazy("Organisation or team"), "organisation", 24),
    Column(gettext_lazy("Project"), "title", 24),
    Column(gettext_lazy("Applicant"), lambda a: _person(a.applicant), 10),
    _money(gettext_lazy("Amount asked (yuan)"), "amount"),
    Column(gettext_lazy("Months"), "months", 8),
    Column(gettext_lazy("Score"), "score", 8, "0.00"),
    Column(gettext_lazy("Rank"), "rank", 6),
    _money(gettext_lazy("Granted (yuan)"), "granted"),
    Column(gettext_lazy("State"), lambda a: a.get_state_display(), 14),
]


def _funds(user, params):
    return (
        Fund.objects.for_user(user)
        .select_related("community", "street")
        .order_by("-year", "community__name", "source", "id")
    )


def _expenditures(user, params):
    rows = Expenditure.objects.for_user(user).select_related(
        "fund", "project", "community", "street", "requested_by"
    )
    if params.get("state") in Expenditure.State.values:
        rows = rows.filter(state=params["state"])
    return rows.order_by("-created_at", "-id")


def _projects(user, params):
    return (
        Project.objects.for_user(user)
        .select_related("community", "street")
        .order_by("-created_at", "-id")
    )


def _disclosures(user, params):
    return (
        Disclosure.objects.for_user(user)
        .select_related("community", "street")
        .order_by("-period_end", "-id")
    )


def _admissions(user, params):
    rows = (
        AdmissionApplication.objects.for_user(user)
        .select_related("applicant")
        .prefetch_related("targets")
    )
    if params.get("state") in AdmissionApplication.State.values:
        rows = rows.filter(state=params["state"])
    department = (params.get("department") or "")[:100]
    if department:
        rows = rows.filter(department=department)
    return rows.order_by("-submitted_at", "-id")


def _venture(user, params):
    rows = VentureApplication.objects.for_user(user).select_related("call", "applicant")
    try:
        call = int(params.get("call", ""))
    except ValueError:
        call = None
    if call and 0 < call < 2**31:
        rows = rows.filter(call_id=call)
    return rows.order_by("call_id", "rank", "id")


def _tasks(user, params):
    return filtered_tasks(user, params)


def _burdens(user, params):
    return filtered_burdens(user, params)


# kind: (permission needed, rows, columns, sheet title, file name)
EXPORTS = {
    "funds": (FundingPerm.VIEW_FUND, _funds, FUNDS, gettext_lazy("Funds")),
    "expenditures": (
        FundingPerm.VIEW_EXPENDITURE,
        _expenditures,
        EXPENDITURES,
        gettext_lazy("Expenditures"),
    ),
    "projects": (FundingPerm.VIEW_PROJECT, _projects, PROJECTS, gettext_lazy("Projects")),
    "disclosures": (DisclosurePerm.VIEW, _disclosures, DISCLOSURES, gettext_lazy("Disclosures")),
    "admissions": (
        AdmissionPerm.VIEW_APPLICATION,
        _admissions,
        ADMISSIONS,
        gettext_lazy("Admission applications"),
    ),
    "tasks": (AdmissionPerm.VIEW_TASK, _tasks, TASKS, gettext_lazy("Tasks put on communities")),
    "burdens": (AdmissionPerm.VIEW_BURDEN, _burdens, BURDENS, gettext_lazy("Reported burdens")),
    "venture": (
        VenturePerm.VIEW_APPLICATION,
        _venture,
        VENTURE,
        gettext_lazy("Venture applications"),
    ),
}
MODELS = {
    "funds": Fund,
    "expenditures": Expenditure,
    "projects": Project,
    "disclosures": Disclosure,
    "admissions": AdmissionApplication,
    "tasks": CommunityTask,
    "burdens": BurdenReport,
    "venture": VentureApplication,
}


def may_export(user, kind: str) -> bool:
    if kind not in EXPORTS:
        return False
    if kind == "admissions":  # a department exports its own applications
        from .admission import is_department

        return user.has_perm(EXPORTS[kind][0]) or is_department(user)
    return user.has_perm(EXPORTS[kind][0])


class ExportView(ScopedViewMixin, View):
    """``/funding/export/<kind>.xlsx``: the list in scope, its filters as on the page."""

    model = Fund

    def get(self, request, kind):
        if not may_export(request.user, kind):
            raise Http404
        _perm, rows, columns, title = EXPORTS[kind]
        stamp = timezone.localdate().isoformat()
        return excel_response(
            rows=rows(request.user, request.GET),
            columns=columns,
            filename=f"{title}-{stamp}.xlsx",
            sheet_title=str(title),
        )
