"""The county's admission dashboard (准入看板) and the lists its numbers link to.

Every number is counted in the database from ``for_user`` querysets, so a county admin
sees the county, a street admin their street and nobody anything outside their scope:
admitted items and funds per department, the workload put on each community (hours a
year, refused tasks left out), refusals and reported burdens (an anonymous reporter is
never stored, so nobody sees who it was), and the applications by state. Charts are
server-rendered SVG bars (``portal_ui.bar_chart``) with the numbers in tables beside
them, each a link to the list it counts."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q, Sum
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic.detail import SingleObjectMixin

from core.masking import mask_name
from core.timeline import refusal_text
from grid.scoped_views import ScopedViewMixin

from . import admission
from .models import AdmissionApplication, BurdenReport, CommunityTask, yuan
from .permissions import AdmissionPerm

Task = CommunityTask.State
ADMITTED = (Task.ADMITTED, Task.FUNDED)
PAGE = 200


def may_see_dashboard(user) -> bool:
    return user.is_authenticated and (
        user.has_perm(AdmissionPerm.VIEW_TASK) or user.has_perm(AdmissionPerm.VIEW_BURDEN)
    )


def _link(name: str, **params) -> str:
    query = urlencode({key: value for key, value in params.items() if value not in ("", None)})
    return reverse(name) + (f"?{query}" if query else "")


def dashboard_numbers(user) -> dict:
    """The dashboard's numbers for ``user``, each with the link to what it counts."""
    tasks = CommunityTask.objects.for_user(user)
    per_department = list(
        tasks.filter(state__in=ADMITTED)
        .values("department")
        .annotate(
            items=Count("application", distinct=True),
            communities=Count("community", distinct=True),
            funds=Sum("funding"),
            confirmed=Sum("funding", filter=Q(state=Task.FUNDED)),
        )
        .order_by("-funds", "department")[:50]
    )
    for row in per_department:
        row["funding_yuan"] = yuan(row["funds"] or 0)
        row["confirmed_yuan"] = yuan(row["confirmed"] or 0)
        row["url"] = _link("funding:tasks", department=row["department"], admitted=1)
    workload = list(
        tasks.exclude(state=Task.REFUSED)
        .values("community_id", "community__name")
        .annotate(workload=Sum("hours"), count=Count("id"))
        .order_by("-workload", "community__name")[:50]
    )
    for row in workload:
        row["url"] = _link("funding:tasks", community=row["community_id"])
    refusals = list(
        tasks.filter(state=Task.REFUSED)
        .values("department")
        .annotate(count=Count("id"))
        .order_by("-count", "department")[:50]
    )
    for row in refusals:
        row["url"] = _link("funding:tasks", department=row["department"], state=Task.REFUSED)
    burdens = list(
        BurdenReport.objects.for_user(user)
        .values("department")
        .annotate(count=Count("id"), unnamed=Count("id", filter=Q(anonymous=True)))
        .order_by("-count", "department")[:50]
    )
    for row in burdens:
        row["url"] = _link("funding:burdens", department=row["department"])
    labels = dict(AdmissionApplication.State.choices)
    by_state = [
        {
            "state": state,
            "label": labels.get(state, state),
            "count": count,
            "url": _link("funding:admissions", state=state),
        }
        for state, count in AdmissionApplication.objects.for_user(user)
        .values_list("state")
        .annotate(n=Count("id"))
        .order_by("state")
    ]
    totals = tasks.aggregate(
        tasks=Count("id"),
        refused=Count("id", filter=Q(state=Task.REFUSED)),
        workload=Sum("hours", filter=~Q(state=Task.REFUSED)),
        funds=Sum("funding", filter=Q(state__in=ADMITTED)),
    )
    return {
        "per_department": per_department,
        "workload": workload,
        "refusals": refusals,
        "burdens": burdens,
        "by_state": by_state,
        "totals": {
            "tasks": totals["tasks"],
            "refused": totals["refused"],
            "hours": totals["workload"] or 0,
            "funding_yuan": yuan(totals["funds"] or 0),
            "burdens": sum(row["count"] for row in burdens),
        },
    }


class DashboardView(ScopedViewMixin, View):
    model = CommunityTask

    def get(self, request):
        if not may_see_dashboard(request.user):
            raise Http404
        numbers = dashboard_numbers(request.user)
        return render(
            request,
            "funding/admission_dashboard.html",
            {
                **numbers,
                "funding_chart": [
                    (row["department"], (row["funds"] or 0) / 100)
                    for row in numbers["per_department"][:12]
                ],
                "hours_chart": [
                    (row["community__name"], row["workload"] or 0)
                    for row in numbers["workload"][:12]
                ],
                "burden_chart": [
                    (row["department"], row["count"]) for row in numbers["burdens"][:12]
                ],
            },
        )


def _int(value) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**31 else None


def filtered_tasks(user, params):
    """The tasks in scope under the list's filters (department, community, state,
    admitted); unknown values are ignored, never an error."""
    tasks = CommunityTask.objects.for_user(user).select_related("community", "application")
    department = (params.get("department") or "")[:100]
    if department:
        tasks = tasks.filter(department=department)
    community = _int(params.get("community"))
    if community:
        tasks = tasks.filter(community_id=community)
    state = params.get("state", "")
    if state in Task.values:
        tasks = tasks.filter(state=state)
    elif params.get("admitted") == "1":
        tasks = tasks.filter(state__in=ADMITTED)
    return tasks.order_by("-created_at", "-id")


def filtered_burdens(user, params):
    burdens = BurdenReport.objects.for_user(user).select_related("community", "reporter")
    department = (params.get("department") or "")[:100]
    if department:
        burdens = burdens.filter(department=department)
    return burdens.order_by("-reported_on", "-id")


def reporter_shown(report) -> str:
    """Anonymous: said so (the reporter is not stored); otherwise the masked name."""
    if report.anonymous or report.reporter is None:
        return _("Anonymous")
    user = report.reporter
    return mask_name(user.get_full_name() or user.get_username())


class TasksView(ScopedViewMixin, View):
    """Tasks put on communities in scope, filtered as the dashboard's links say."""

    model = CommunityTask

    def get(self, request):
        if not request.user.has_perm(AdmissionPerm.VIEW_TASK):
            raise Http404
        tasks = filtered_tasks(request.user, request.GET)
        may_change = request.user.has_perm(AdmissionPerm.CHANGE_TASK)
        return render(
            request,
            "funding/tasks.html",
            {
                "tasks": tasks[:PAGE],
                "may_change": may_change,
                "count": tasks.count(),
                "query": request.GET.urlencode(),
                "department": request.GET.get("department", "")[:100],
            },
        )


class BurdensView(ScopedViewMixin, View):
    model = BurdenReport

    def get(self, request):
        if not request.user.has_perm(AdmissionPerm.VIEW_BURDEN):
            raise Http404
        burdens = filtered_burdens(request.user, request.GET)
        rows = [{"report": report, "reporter": reporter_shown(report)} for report in burdens[:PAGE]]
        return render(
            request,
            "funding/burdens.html",
            {
                "rows": rows,
                "count": burdens.count(),
                "query": request.GET.urlencode(),
                "department": request.GET.get("department", "")[:100],
            },
        )


class TaskStepView(ScopedViewMixin, SingleObjectMixin, View):
    """The community's answer to a task: confirm the money received (booked into its
    ledger), or refuse a task without an admission number or funding."""

    model = CommunityTask

    def post(self, request, pk, step):
        task = self.get_object()
        try:
            if step == "confirm":
                admission.confirm_transfer(by=request.user, task=task)
                messages.success(request, _("The transfer is confirmed and booked."))
            elif step == "refuse":
                reason = (request.POST.get("reason") or "").strip()[:200]
                admission.refuse_task(by=request.user, task=task, reason=reason)
                messages.success(request, _("The task is refused."))
            else:
                raise Http404
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as exc:
            messages.error(request, refusal_text(exc))
        return redirect(reverse("funding:tasks") + f"#task-{task.pk}")
