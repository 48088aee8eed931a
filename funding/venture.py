"""Public-benefit venture calls (公益创投): a call with a pool on a venture fund, a cap
per project, 6–12 months of implementation (rule parameters) and scoring criteria;
organisations apply, reviewers score their own assignments, the call is ranked and
noticed, agreements signed, tranches paid as expenditures of the fund (the ledger),
mid-term and final evaluations recorded."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Avg
from django.utils import timezone
from django.utils.translation import gettext as _

from core.rules import rule
from core.timeline import Conflict, expect_state, refuse
from grid.scoping import OutOfScope, save_in_scope

from . import rules as keys
from . import services
from .models import (
    Category,
    Expenditure,
    Fund,
    Source,
    VentureApplication,
    VentureCall,
    VentureReview,
    VentureTranche,
)
from .permissions import VenturePerm

App = VentureApplication.State


def _criteria(criteria) -> list[dict]:
    if not isinstance(criteria, list) or not 1 <= len(criteria) <= 10:
        refuse({"criteria": _("Give from 1 to 10 scoring criteria.")})
    clean, total = [], 0
    for item in criteria:
        if not isinstance(item, dict):
            refuse({"criteria": _("Each criterion has a name and the most points.")})
        name, points = str(item.get("name", "")).strip()[:50], item.get("points")
        if (
            not name
            or not isinstance(points, int)
            or isinstance(points, bool)
            or not (1 <= points <= 100)
        ):
            refuse({"criteria": _("Each criterion has a name and from 1 to 100 points.")})
        clean.append({"name": name, "points": points})
        total += points
    if total != 100:
        refuse({"criteria": _("The criteria's points add up to 100.")})
    return clean


@transaction.atomic
def open_call(
    *,
    by,
    fund: Fund,
    title: str,
    pool,
    cap,
    months_min: int,
    months_max: int,
    criteria,
    apply_until: datetime.date,
) -> VentureCall:
    pool, cap = services.fen(pool, "pool"), services.fen(cap, "cap")
    if fund.source != Source.VENTURE:
        refuse({"fund": _("A call is paid from a public-benefit venture fund.")})
    title = (title or "").strip()
    if not title:
        refuse({"title": _("Give the call a title.")})
    if cap > pool:
        refuse({"cap": _("The cap per project is within the pool.")})
    if cap > services.limit_fen(keys.VENTURE_PROJECT_CAP, fund):
        refuse(
            {
                "cap": _("The cap per project is at most ¥%(cap)s (rule %(rule)s).")
                % {
                    "cap": f"{int(rule(keys.VENTURE_PROJECT_CAP, node=fund)):,}",
                    "rule": keys.VENTURE_PROJECT_CAP,
                }
            }
        )
    if pool > fund.available:
        refuse({"pool": _("The fund has only ¥%(left)s left.") % {"left": fund.available_yuan}})
    low, high = (
        int(rule(keys.VENTURE_MIN_MONTHS, node=fund)),
        int(rule(keys.VENTURE_MAX_MONTHS, node=fund)),
    )
    if not low <= int(months_min) <= int(months_max) <= high:
        refuse(
            {
                "months_min": _("Projects last from %(low)d to %(high)d months.")
                % {"low": low, "high": high}
            }
        )
    if apply_until < timezone.localdate():
        refuse({"apply_until": _("The closing date has passed.")})
    call = VentureCall(
        fund=fund,
        title=title[:100],
        pool=pool,
        cap=cap,
        months_min=int(months_min),
        months_max=int(months_max),
        criteria=_criteria(criteria),
        apply_until=apply_until,
    )
    return save_in_scope(by, call, "add")


@transaction.atomic
def apply(
    *, by, call: VentureCall, organisation: str, title: str, plan: str, amount, months: int
) -> VentureApplication:
    """A social organisation or team applies (any signed-in user, for their body)."""
    if not getattr(by, "is_authenticated", False):
        refuse(_("Sign in to apply."))
    call = VentureCall.objects.select_for_update(of=("self",)).get(pk=call.pk)
    if call.state != VentureCall.State.OPEN or call.apply_until < timezone.localdate():
        raise Conflict(_("The call is closed for applications."))
    amount = services.fen(amount)
    if amount > call.cap:
        refuse({"amount": _("At most ¥%(cap)s per project.") % {"cap": f"{call.cap / 100:,.2f}"}})
    if not call.months_min <= int(months) <= call.months_max:
        refuse(
            {
                "months": _("Projects last from %(low)d to %(high)d months.")
                % {"low": call.months_min, "high": call.months_max}
            }
        )
    organisation, title, plan = (
        (organisation or "").strip(),
        (title or "").strip(),
        (plan or "").strip(),
    )
    if not organisation or not title or not plan:
        refuse(_("Name the organisation, the project and its plan."))
    return VentureApplication.objects.create(
        call=call,
        applicant=by,
        organisation=organisation[:100],
        title=title[:100],
        plan=plan[:4000],
        amount=amount,
        months=int(months),
    )


def _manage(by, call) -> None:
    if not by.has_perm(VenturePerm.CHANGE_CALL, call):
        raise OutOfScope(_("You may not manage this call."))


@transaction.atomic
def assign_reviewer(*, by, application: VentureApplication, reviewer) -> VentureReview:
    _manage(by, application.call)
    if reviewer.pk == application.applicant_id:
        refuse({"reviewer": _("An applicant does not review their own application.")})
    try:
        with transaction.atomic():
            return VentureReview.objects.create(application=application, reviewer=reviewer)
    except IntegrityError:
        raise Conflict(_("This reviewer is assigned already.")) from None


@transaction.atomic
def score(*, by, review: VentureReview, scores: dict) -> VentureReview:
    """A reviewer scores their own assignment, criterion by criterion."""
    review = VentureReview.objects.select_for_update(of=("self",)).get(pk=review.pk)
    if review.reviewer_id != by.pk:
        raise OutOfScope(_("You score only the applications assigned to you."))
    call = review.application.call
    if call.state != VentureCall.State.REVIEWING:
        raise Conflict(_("The call is not being scored."))
    if not isinstance(scores, dict):
        refuse({"scores": _("Give a score for each criterion.")})
    clean, total = {}, 0
    for criterion in call.criteria:
        value = scores.get(criterion["name"])
        if (
            not isinstance(value, int)
            or isinstance(value, bool)
            or not (0 <= value <= criterion["points"])
        ):
            refuse(
                {
                    "scores": _("%(name)s: a whole score from 0 to %(points)d.")
                    % {"name": criterion["name"], "points": criterion["points"]}
                }
            )
        clean[criterion["name"]] = value
        total += value
    review.scores = clean
    review.total = Decimal(total)
    review.scored_at = timezone.now()
    review.save(update_fields=["scores", "total", "scored_at"])
    return review


@transaction.atomic
def close_applications(*, by, call: VentureCall) -> VentureCall:
    _manage(by, call)
    expect_state(call, VentureCall.State.OPEN)
    call.state = VentureCall.State.REVIEWING
    call.save(update_fields=["state"])
    return call


@transaction.atomic
def rank_and_notice(*, by, call: VentureCall) -> list[VentureApplication]:
    """Rank by the mean of the reviewers' totals; award in order while the pool lasts;
    the results are noticed publicly."""
    _manage(by, call)
    call = VentureCall.objects.select_for_update(of=("self",)).get(pk=call.pk)
    expect_state(call, VentureCall.State.REVIEWING)
    applications = list(call.applications.filter(state=App.SUBMITTED))
    for application in applications:
        if application.reviews.filter(scored_at=None).exists() or not application.reviews.exists():
            raise Conflict(
                _("%(title)s is not scored by every reviewer yet.") % {"title": application.title}
            )
        application.score = application.reviews.aggregate(mean=Avg("total"))["mean"]
    applications.sort(key=lambda a: (-a.score, a.submitted_at))
    left = call.pool
    for rank, application in enumerate(applications, start=1):
        application.rank = rank
        if application.amount <= left:
            application.state, application.granted = App.AWARDED, application.amount
            left -= application.amount
        else:
            application.state = App.NOT_AWARDED
        application.save(update_fields=["rank", "score", "state", "granted"])
    call.state = VentureCall.State.NOTICED
    call.save(update_fields=["state"])
    return applications


@transaction.atomic
def sign_agreement(*, by, application: VentureApplication) -> VentureApplication:
    _manage(by, application.call)
    expect_state(application, App.AWARDED)
    application.state = App.AGREED
    application.save(update_fields=["state"])
    return application


@transaction.atomic
def request_tranche(*, by, application: VentureApplication, amount) -> Expenditure:
    """A tranche of the grant, requested as an expenditure of the call's fund: approved
    and paid like any other, never more in all than the grant."""
    _manage(by, application.call)
    application = VentureApplication.objects.select_for_update(of=("self",)).get(pk=application.pk)
    if application.state not in (App.AGREED, App.MID_EVALUATED):
        raise Conflict(_("Tranches are paid after the agreement is signed."))
    amount = services.fen(amount)
    paid = sum(
        t.expenditure.amount
        for t in application.tranches.select_related("expenditure")
        if t.expenditure.state not in ("refused", "withdrawn", "reversed")
    )
    if paid + amount > application.granted:
        refuse(
            {
                "amount": _("The grant has only ¥%(left)s left to pay.")
                % {"left": f"{(application.granted - paid) / 100:,.2f}"}
            }
        )
    expenditure = services.request_expenditure(
        by=by,
        fund=application.call.fund,
        amount=amount,
        category=Category.SERVICES,
        payee=application.organisation,
        purpose=f"{application.call.title}: {application.title}"[:200],
    )
    VentureTranche.objects.create(
        application=application, expenditure=expenditure, number=application.tranches.count() + 1
    )
    return expenditure


@transaction.atomic
def evaluate(*, by, application: VentureApplication, stage: str, text: str):
    _manage(by, application.call)
    text = (text or "").strip()
    if not text:
        refuse({"text": _("Write the evaluation.")})
    if stage == "mid":
        expect_state(application, App.AGREED)
        application.state, application.mid_evaluation = App.MID_EVALUATED, text[:500]
    elif stage == "final":
        expect_state(application, App.AGREED, App.MID_EVALUATED)
        application.state, application.final_evaluation = App.FINISHED, text[:500]
    else:
        refuse({"stage": _("The evaluation is mid-term or final.")})
    application.save()
    return application


@transaction.atomic
def close_call(*, by, call: VentureCall) -> VentureCall:
    """The call is closed once its results are noticed (the projects run on under their
    agreements); a closed call takes nothing more but the evaluations and tranches."""
    _manage(by, call)
    call = VentureCall.objects.select_for_update(of=("self",)).get(pk=call.pk)
    expect_state(call, VentureCall.State.NOTICED)
    call.state = VentureCall.State.CLOSED
    call.save(update_fields=["state"])
    return call


def parse_criteria(text: str) -> list[dict]:
    """Criteria typed one a line as ``name: points`` (a full-width colon too)."""
    criteria = []
    for line in (text or "").splitlines():
        line = line.strip().replace("：", ":")
        if not line:
            continue
        name, _sep, points = line.rpartition(":")
        try:
            value = int(points.strip())
        except ValueError:
            refuse({"criteria": _("Write each criterion as name: points.")})
        criteria.append({"name": name.strip(), "points": value})
    return _criteria(criteria)
