"""The funds' part of a dashboard: this year's budgets and spending, public disclosures
due, published and late, the work admitted onto the communities (tasks arrived, funded,
refused, the hours a year they cost) and the burdens reported; spending by month and per
part. Funds and disclosures link to the funding page (``funding:home``), admissions to
the applications (``funding:admissions``, county only: a department's application
hangs on no street)."""

from __future__ import annotations

from decimal import Decimal
from functools import partial

from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from funding.models import (
    AdmissionApplication,
    BurdenReport,
    CommunityTask,
    Disclosure,
    Expenditure,
    Fund,
)

from .caching import cached
from .sections import (
    Column,
    Metric,
    Section,
    by_month,
    by_part,
    link,
    part_rows,
    parts_title,
    trend_rows,
)

KEY = "funding"
SPENT = (Expenditure.State.PAID, Expenditure.State.RECONCILED)


def yuan(fen) -> Decimal:
    return (Decimal(fen or 0) / 100).quantize(Decimal("0.01"))


def funds(scope, year):
    return scope.narrow(Fund.objects.for_user(scope.user)).filter(year=year)


def disclosures(scope):
    return scope.narrow(Disclosure.objects.for_user(scope.user))


def tasks(scope):
    return scope.narrow(CommunityTask.objects.for_user(scope.user))


def compute(scope) -> dict:
    today = timezone.localdate()
    money = funds(scope, today.year).aggregate(budget=Sum("budget"), spent=Sum("spent"))
    shown = disclosures(scope).aggregate(
        published=Count("pk", filter=Q(state=Disclosure.State.PUBLISHED)),
        due=Count("pk", filter=Q(state=Disclosure.State.DUE)),
        late=Count("pk", filter=Q(state=Disclosure.State.DUE, due_on__lt=today)),
    )
    work = tasks(scope).aggregate(
        tasks=Count("pk"),
        funded=Count("pk", filter=Q(state=CommunityTask.State.FUNDED)),
        refused=Count("pk", filter=Q(state=CommunityTask.State.REFUSED)),
        burden_hours=Sum("hours", filter=~Q(state=CommunityTask.State.REFUSED)),
    )
    admissions = None
    if scope.node is None:
        admissions = AdmissionApplication.objects.for_user(scope.user).aggregate(
            applications=Count("pk"),
            approved=Count("pk", filter=Q(state=AdmissionApplication.State.APPROVED)),
        )
    spending = scope.narrow(Expenditure.objects.for_user(scope.user)).filter(state__in=SPENT)
    return {
        "budget": yuan(money["budget"]),
        "spent": yuan(money["spent"]),
        **shown,
        **{k: v or 0 for k, v in work.items()},
        "burdens": scope.narrow(BurdenReport.objects.for_user(scope.user)).count(),
        "admissions": admissions,
        "months": {
            k: yuan(v) for k, v in by_month(spending, "paid_on", partial(Sum, "amount")).items()
        },
        "parts": {
            pk: {"budget": yuan(v["budget"]), "spent": yuan(v["spent"])}
            for pk, v in by_part(
                funds(scope, today.year), scope, budget=Sum("budget"), spent=Sum("spent")
            ).items()
        },
        "part_tasks": by_part(
            tasks(scope),
            scope,
            tasks=Count("pk"),
            refused=Count("pk", filter=Q(state=CommunityTask.State.REFUSED)),
        ),
    }


def section(scope) -> Section:
    data = cached(KEY, scope, lambda: compute(scope))
    home = link("funding:home")
    metrics = [
        Metric("budget", _("Budgets this year"), data["budget"], home, "money"),
        Metric("spent", _("Spent this year"), data["spent"], home, "money"),
        Metric("published", _("Disclosures published"), data["published"], home),
        Metric("due", _("Disclosures due"), data["due"], home),
        Metric("late", _("Disclosures late"), data["late"], home),
        Metric("tasks", _("Admitted work on communities"), data["tasks"], home),
        Metric("funded", _("Work admitted and funded"), data["funded"], home),
        Metric("refused", _("Work refused by communities"), data["refused"], home),
        Metric(
            "burden_hours",
            _("Workload put on communities (hours a year)"),
            data["burden_hours"],
            home,
        ),
        Metric("burdens", _("Burdens reported"), data["burdens"], home),
    ]
    if data["admissions"] is not None:
        admissions = link("funding:admissions")
        metrics += [
            Metric(
                "applications",
                _("Admission applications"),
                data["admissions"]["applications"],
                admissions,
            ),
            Metric(
                "approved",
                _("Applications approved"),
                data["admissions"]["approved"],
                link("funding:admissions", state=AdmissionApplication.State.APPROVED),
            ),
        ]
    parts = {pk: dict(values) for pk, values in data["parts"].items()}
    for pk, values in data["part_tasks"].items():
        parts.setdefault(pk, {}).update(values)
    trend = trend_rows(data["months"], home)
    return Section(
        key=KEY,
        title=_("Funds and admitted work"),
        metrics=metrics,
        trend_title=_("Spending by month (yuan)"),
        trend=trend,
        columns=[
            Column("budget", _("Budget"), "money"),
            Column("spent", _("Spent"), "money"),
            Column("tasks", _("Admitted work")),
            Column("refused", _("Refused")),
        ],
        parts=part_rows(scope, parts, lambda pk: home),
        compare_key="spent",
        compare_title=_("Spent this year: %(parts)s") % {"parts": parts_title(scope)},
        export_name=_("Funds"),
    )
