"""Admission of departments' work into communities (社区工作准入, 费随事转).

A department applies with the deliverables, the target communities, the workload and
the funding per community with its transfer plan: no funding, no application. The list
decides the track (listed → fast, prohibited → rejected with the citation, a duplicate
of an admitted item flagged); the joint meeting decides within the rule's working days
(later only with an extension); an approved item reaches every target community with
its number, and each community confirms the money into its ledger ("funds following
admitted work"). A community refuses any task without a number or without funding and
reports unapproved burdens, anonymously if it wishes."""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from core.notify.services import in_site_language, notify
from core.rules import rule
from core.timeline import Conflict, expect_state, refuse
from grid.models import Community, Post
from grid.permissions import Role
from grid.scoping import OutOfScope, holding_tiers

from . import notices
from . import rules as keys
from .disclosure import working_days_after
from .models import (
    AdmissionApplication,
    AdmissionEvent,
    AdmissionItem,
    AdmissionList,
    BurdenReport,
    CommunityTask,
    Deliverable,
    Fund,
    Source,
    yuan,
)
from .permissions import AdmissionPerm
from .services import book_income, fen

State = AdmissionApplication.State
Track = AdmissionApplication.Track
MAX_TARGETS = 500


def is_department(user) -> bool:
    """A department's user: a department-staff post, or staff of a department unit."""
    if not getattr(user, "is_authenticated", False):
        return False
    return Post.objects.filter(
        Q(role=Role.DEPARTMENT_STAFF) | Q(role=Role.UNIT_STAFF, handling_unit__kind="department"),
        user_id=user.pk,
        is_active=True,
    ).exists()


def current_list(on: datetime.date | None = None) -> AdmissionList | None:
    on = on or timezone.localdate()
    return AdmissionList.objects.filter(in_force_from__lte=on).order_by("-number").first()


def match_item(title: str, description: str, deliverable: str) -> AdmissionItem | None:
    """The item of the list in force that the application names: a prohibited item
    first, then the listed duties and assisting work (by keywords)."""
    listed = current_list()
    if listed is None:
        return None
    text = f"{title} {description}"
    found = []
    for item in listed.items.all():
        words = [w.strip() for w in item.keywords.split(",") if w.strip()]
        hits = sum(1 for w in words if w in text)
        if hits and (not item.deliverable or item.deliverable == deliverable or hits > 1):
            found.append((item.kind != AdmissionItem.Kind.PROHIBITED, -hits, item.code, item))
    return sorted(found)[0][3] if found else None


def _record(application, by, action, from_state, note=""):
    AdmissionEvent.record(
        application=application, actor=by, action=action, from_state=from_state, note=note
    )


@transaction.atomic
def submit_application(
    *,
    by,
    department: str,
    title: str,
    description: str,
    deliverable: str,
    targets: list[Community],
    frequency: str,
    months: int,
    hours_per_community: int,
    funding_per_community,
    transfer_plan: str,
    starts_on: datetime.date,
) -> AdmissionApplication:
    """A department's application. Refused at submission without funding, without a
    transfer plan, or with less lead time than the rule's working days; a prohibited
    item is rejected at once with its citation."""
    if not is_department(by):
        raise OutOfScope(_("Only a department's users apply for admission of work."))
    if funding_per_community in (None, "", 0, "0"):
        refuse(
            {
                "funding_per_community": _(
                    "No funding, no application: give the funding per community that "
                    "follows the work (费随事转)."
                )
            }
        )
    funding = fen(funding_per_community, "funding_per_community")
    transfer_plan = (transfer_plan or "").strip()
    if not transfer_plan:
        refuse({"transfer_plan": _("Give the plan of the transfers to the communities.")})
    title, description = (title or "").strip(), (description or "").strip()
    department = (department or "").strip()
    if not title or not description or not department:
        refuse(_("Name the department, the work and what it asks of the communities."))
    if deliverable not in Deliverable.values:
        refuse({"deliverable": _("Choose one of the deliverables.")})
    if frequency not in AdmissionApplication.Frequency.values:
        refuse({"frequency": _("Choose one of the frequencies.")})
    if not 1 <= int(months) <= 60:
        refuse({"months": _("The work lasts from 1 to 60 months.")})
    if not 0 <= int(hours_per_community) <= 10000:
        refuse({"hours_per_community": _("Estimate the hours from 0 to 10000 a year.")})
    targets = list(dict.fromkeys(targets))
    if not targets:
        refuse({"targets": _("Choose the target communities.")})
    if len(targets) > MAX_TARGETS:
        refuse({"targets": _("At most %(max)d communities.") % {"max": MAX_TARGETS}})
    lead = int(rule(keys.ADMISSION_LEAD_WORKDAYS))
    earliest = working_days_after(timezone.localdate(), lead)
    if starts_on < earliest:
        refuse(
            {
                "starts_on": _(
                    "Apply at least %(days)d working days ahead: the work starts on "
                    "%(earliest)s at the earliest."
                )
                % {"days": lead, "earliest": earliest.isoformat()}
            }
        )
    item = match_item(title, description, deliverable)
    if item is not None and item.kind in (
        AdmissionItem.Kind.PROHIBITED,
        AdmissionItem.Kind.CANCELLED,
    ):
        track = Track.PROHIBITED
    elif item is not None:
        track = Track.FAST
    else:
        track = Track.NORMAL
    duplicate = (
        AdmissionApplication.objects.filter(
            state__in=[State.APPROVED, State.CONDITIONAL], deliverable=deliverable
        )
        .filter(Q(title=title) | Q(item=item) if item is not None else Q(title=title))
        .first()
    )
    review_days = int(rule(keys.ADMISSION_REVIEW_WORKDAYS))
    application = AdmissionApplication.objects.create(
        applicant=by,
        department=department[:100],
        title=title[:100],
        description=description[:4000],
        deliverable=deliverable,
        frequency=frequency,
        months=int(months),
        hours_per_community=int(hours_per_community),
        funding_per_community=funding,
        transfer_plan=transfer_plan[:500],
        starts_on=starts_on,
        track=track,
        item=item,
        duplicate_of=duplicate,
        review_due=working_days_after(timezone.localdate(), review_days),
    )
    application.targets.set(targets)
    _record(application, by, "submit", "", track)
    if track == Track.PROHIBITED:
        application.state = State.REJECTED
        application.decision_note = _("A prohibited item of the list: %(item)s (%(citation)s).") % {
            "item": item.title,
            "citation": item.citation,
        }
        application.decided_at = timezone.now()
        application.save(update_fields=["state", "decision_note", "decided_at"])
        _record(application, None, "reject", State.IN_REVIEW, application.decision_note)
    return application


def _deciding(by) -> None:
    if not by.has_perm(AdmissionPerm.DECIDE):
        raise OutOfScope(_("Admission is decided by the county's joint meeting."))


@transaction.atomic
def extend_review(*, by, application: AdmissionApplication, days: int, reason: str):
    _deciding(by)
    application = AdmissionApplication.objects.select_for_update(of=("self",)).get(
        pk=application.pk
    )
    expect_state(application, State.IN_REVIEW)
    reason = (reason or "").strip()
    if not reason:
        refuse({"reason": _("Give the reason for the extension.")})
    if not 1 <= int(days) <= 30:
        refuse({"days": _("Extend by 1 to 30 working days.")})
    application.review_due = working_days_after(
        max(application.review_due, timezone.localdate()), int(days)
    )
    application.extended_reason = reason[:200]
    application.save(update_fields=["review_due", "extended_reason"])
    _record(application, by, "extend", State.IN_REVIEW, reason)
    return application


def _number(application) -> str:
    year = timezone.localdate().year
    return f"ZR-{year}-{application.pk:04d}"


DECISIONS = {
    "approve": State.APPROVED,
    "conditional": State.CONDITIONAL,
    "return": State.RETURNED,
    "reject": State.REJECTED,
}


@transaction.atomic
def decide(
    *, by, application: AdmissionApplication, decision: str, note: str, conditions: str = ""
) -> AdmissionApplication:
    """The joint meeting's decision: approve, approve with conditions, return or reject,
    within the review period (or its extension). An approval gives the admission number
    and puts the task on every target community."""
    _deciding(by)
    application = AdmissionApplication.objects.select_for_update(of=("self",)).get(
        pk=application.pk
    )
    expect_state(application, State.IN_REVIEW)
    if decision not in DECISIONS:
        refuse({"decision": _("Choose approve, approve with conditions, return or reject.")})
    note = (note or "").strip()
    if not note:
        refuse({"note": _("Write the decision.")})
    if timezone.localdate() > application.review_due:
        raise Conflict(
            _("The review period ended on %(due)s: extend it before deciding.")
            % {"due": application.review_due.isoformat()}
        )
    conditions = (conditions or "").strip()
    if decision == "conditional" and not conditions:
        refuse({"conditions": _("State the conditions.")})
    application.state = DECISIONS[decision]
    application.decision_note = note[:1000]
    application.conditions = conditions[:500]
    application.decided_by = by
    application.decided_at = timezone.now()
    if application.state in (State.APPROVED, State.CONDITIONAL):
        application.number = _number(application)
    application.save()
    _record(application, by, decision, State.IN_REVIEW, note)
    if application.number:
        for community in application.targets.all():
            task, _created = CommunityTask.objects.get_or_create(
                application=application,
                community=community,
                defaults={
                    "department": application.department,
                    "title": application.title,
                    "number": application.number,
                    "funding": application.funding_per_community,
                    "hours": application.hours_per_community,
                    "state": CommunityTask.State.ADMITTED,
                },
            )
        offices = Post.objects.filter(
            community__in=application.targets.all(),
            role=Role.COMMUNITY_SECRETARY,
            is_active=True,
        ).select_related("user")
        notify(
            key=f"funding.admitted:{application.pk}",
            kind=notices.ADMITTED,
            recipients=[post.user for post in offices],
            subject=application,
            context={
                "number": application.number,
                "title": in_site_language(application.title),
                "amount": application.funding_yuan,
            },
            url="/funding/tasks/",
            actor=by,
        )
    return application


def _admitted_fund(community, year: int) -> Fund:
    fund = (
        Fund.objects.select_for_update(of=("self",))
        .filter(community=community, source=Source.ADMITTED, year=year)
        .first()
    )
    if fund is None:
        try:
            with transaction.atomic():
                fund = Fund.objects.create(
                    community=community,
                    source=Source.ADMITTED,
                    year=year,
                    name=in_site_language(Source.ADMITTED.label),
                )
        except IntegrityError:
            fund = Fund.objects.get(community=community, source=Source.ADMITTED, year=year)
    return fund


@transaction.atomic
def confirm_transfer(*, by, task: CommunityTask, on: datetime.date | None = None):
    """The community confirms the department's money received: it is booked into its
    ledger as funds following admitted work."""
    task = CommunityTask.objects.select_for_update(of=("self",)).get(pk=task.pk)
    if not by.has_perm(AdmissionPerm.CHANGE_TASK, task):
        raise OutOfScope(_("You may not confirm this community's transfers."))
    expect_state(task, CommunityTask.State.ADMITTED)
    on = on or timezone.localdate()
    fund = _admitted_fund(task.community, on.year)
    entry = book_income(
        by=None,
        fund=fund,
        amount=task.funding,
        counterparty=task.department,
        memo=f"{task.number} {task.title}",
        on=on,
    )
    task.entry = entry
    task.state = CommunityTask.State.FUNDED
    task.save(update_fields=["entry", "state"])
    return task


@transaction.atomic
def register_task(
    *, by, community: Community, department: str, title: str, number: str = "", hours: int = 0
) -> CommunityTask:
    """A task that reached the community outside the admission (a demand by phone, a
    form): recorded so that it can be refused and counted."""
    if not holding_tiers(by, AdmissionPerm.ADD_TASK, community):
        raise OutOfScope(_("You may not record tasks here."))
    department, title = (department or "").strip(), (title or "").strip()
    if not department or not title:
        refuse(_("Name the department and the task."))
    admitted = (
        AdmissionApplication.objects.filter(
            number=(number or "").strip(), targets=community
        ).first()
        if number
        else None
    )
    task = CommunityTask(
        community=community,
        department=department[:100],
        title=title[:100],
        number=admitted.number if admitted else "",
        funding=admitted.funding_per_community if admitted else 0,
        hours=max(0, min(int(hours or 0), 10000)),
        application=admitted,
        state=CommunityTask.State.ADMITTED if admitted else CommunityTask.State.ARRIVED,
    )
    task.save()
    if not CommunityTask.objects.for_user(by, "view").filter(pk=task.pk).exists():
        raise OutOfScope(_("You may not record tasks here."))
    return task


@transaction.atomic
def refuse_task(*, by, task: CommunityTask, reason: str = "") -> CommunityTask:
    """A community refuses a task that has no admission number or no funding."""
    task = CommunityTask.objects.select_for_update(of=("self",)).get(pk=task.pk)
    if not by.has_perm(AdmissionPerm.CHANGE_TASK, task):
        raise OutOfScope(_("You may not refuse this community's tasks."))
    if task.state == CommunityTask.State.REFUSED:
        raise Conflict(_("This task has been refused already."))
    if task.number and task.funding:
        raise Conflict(
            _("This task is admitted (%(number)s) with funding: it cannot be refused.")
            % {"number": task.number}
        )
    task.state = CommunityTask.State.REFUSED
    task.reason = (reason or _("No admission number or no funding."))[:200]
    task.save(update_fields=["state", "reason"])
    return task


@transaction.atomic
def report_burden(
    *,
    by,
    community: Community,
    department: str,
    description: str,
    anonymous: bool = False,
    task: CommunityTask | None = None,
) -> BurdenReport:
    """Report an unapproved burden; when anonymous, who reported it is not stored."""
    if not holding_tiers(by, AdmissionPerm.ADD_BURDEN, community):
        raise OutOfScope(_("You may not report for this community."))
    department, description = (department or "").strip(), (description or "").strip()
    if not department or not description:
        refuse(_("Name the department and what it demanded."))
    report = BurdenReport(
        community=community,
        department=department[:100],
        description=description[:1000],
        anonymous=bool(anonymous),
        reporter=None if anonymous else by,
        task=task,
    )
    report.save()
    if not BurdenReport.objects.for_user(by, "view").filter(pk=report.pk).exists() and not (
        by.has_perm(AdmissionPerm.ADD_BURDEN, report)
    ):
        raise OutOfScope(_("You may not report for this community."))
    county = Post.objects.filter(role=Role.COUNTY_ADMIN, is_active=True).select_related("user")
    notify(
        key=f"funding.burden:{report.pk}",
        kind=notices.BURDEN,
        recipients=[post.user for post in county],
        subject=report,
        context={"title": in_site_language(department)},
        url="/funding/admission/dashboard/",
        actor=None if anonymous else by,
    )
    return report


def dashboard(year: int | None = None) -> dict:
    """The county's view: admitted items and funds per department, the workload put on
    each community (hours a year), refusals and reported burdens."""
    admitted = AdmissionApplication.objects.filter(state__in=[State.APPROVED, State.CONDITIONAL])
    per_department = list(
        admitted.values("department")
        .annotate(items=Count("id", distinct=True), targets=Count("targets"))
        .order_by("department")
    )
    for row in per_department:
        funds = CommunityTask.objects.filter(
            application__department=row["department"], application__in=admitted
        ).aggregate(total=Sum("funding"), confirmed=Sum("funding", filter=Q(state="funded")))
        row["funding"] = yuan(funds["total"] or 0)
        row["confirmed"] = yuan(funds["confirmed"] or 0)
    workload = list(
        CommunityTask.objects.exclude(state=CommunityTask.State.REFUSED)
        .values("community_id", "community__name")
        .annotate(hours=Sum("hours"), tasks=Count("id"))
        .order_by("-hours")[:100]
    )
    return {
        "per_department": per_department,
        "workload": workload,
        "refusals": CommunityTask.objects.filter(state=CommunityTask.State.REFUSED).count(),
        "burdens": BurdenReport.objects.count(),
        "by_state": dict(
            AdmissionApplication.objects.values_list("state").annotate(n=Count("id")).order_by()
        ),
    }
