"""Every change of the ledger, the projects and the expenditures goes through these
functions.

The counters of a fund and a project move with ``F()`` under the row lock of the fund
(taken first, then the project's, always in that order), and are checked against what
is left while the lock is held; the check constraints ``fund_never_overspent`` and
``project_never_overspent`` are the database's own guard behind that check. Every state
change writes the object's timeline; every movement of money one ``LedgerEntry``.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from core.rules import rule
from core.timeline import Conflict, expect_state, refuse
from grid.models import Community, Street
from grid.permissions import Tier
from grid.scoping import OutOfScope, holding_tiers, save_in_scope

from . import rules as keys
from .models import (
    MAX_FEN,
    Account,
    Category,
    Expenditure,
    ExpenditureEvent,
    Fund,
    InvoicePhoto,
    LedgerEntry,
    Project,
    ProjectEvent,
    Source,
    yuan,
)
from .permissions import FundingPerm

TIER_RANK = {Tier.COUNTY: 0, Tier.STREET: 1, Tier.COMMUNITY: 2}


# --- amounts ---------------------------------------------------------------------------


def fen(value, field: str = "amount") -> int:
    """An amount in whole fen from 1 to 10^12, else a refusal naming ``field``: no
    floats, no fractions of a fen, nothing negative or zero."""
    if isinstance(value, bool):
        refuse({field: _("Enter the amount in whole fen.")})
    if isinstance(value, float):
        if not value.is_integer():
            refuse({field: _("An amount is a whole number of fen: no fractions of a fen.")})
        value = int(value)
    if isinstance(value, Decimal):
        if value != value.to_integral_value():
            refuse({field: _("An amount is a whole number of fen: no fractions of a fen.")})
        value = int(value)
    if isinstance(value, str):
        text = value.strip()
        if not text.lstrip("-").isdigit():
            refuse({field: _("Enter the amount in whole fen.")})
        value = int(text)
    if not isinstance(value, int):
        refuse({field: _("Enter the amount in whole fen.")})
    if value <= 0:
        refuse({field: _("An amount must be more than zero.")})
    if value > MAX_FEN:
        refuse({field: _("An amount may not exceed 10^12 fen (¥10,000,000,000).")})
    return value


def yuan_to_fen(text) -> int:
    """``"8000"`` or ``"8000.50"`` yuan (as typed on a page) → fen, exactly."""
    try:
        amount = Decimal(str(text).strip().replace(",", "").replace("，", ""))
    except ArithmeticError:
        refuse({"amount": _("Enter an amount in yuan, such as 8000 or 8000.50.")})
    if not amount.is_finite():
        refuse({"amount": _("Enter an amount in yuan, such as 8000 or 8000.50.")})
    return fen(amount * 100)


def limit_fen(key: str, node) -> int:
    return int(rule(key, node=node)) * 100


# --- funds and income ------------------------------------------------------------------


def forbidden_categories(fund: Fund) -> list[str]:
    return keys.parse_categories(rule(keys.forbidden_key(fund.source), node=fund))


def check_category(fund: Fund, category: str) -> None:
    """Refuse a category the fund's source may not pay, citing the rule."""
    if category not in Category.values:
        refuse({"category": _("Choose one of the spending categories.")})
    if category in forbidden_categories(fund):
        refuse(
            {
                "category": _("%(source)s may not pay for %(category)s (rule %(rule)s).")
                % {
                    "source": fund.get_source_display(),
                    "category": Category(category).label,
                    "rule": keys.forbidden_key(fund.source),
                }
            }
        )


def _lock_fund(fund: Fund) -> Fund:
    return Fund.objects.select_for_update(of=("self",)).get(pk=fund.pk)


def _lock_project(project: Project) -> Project:
    return Project.objects.select_for_update(of=("self",)).get(pk=project.pk)


def _entry(**fields) -> LedgerEntry:
    entry = LedgerEntry(**fields)
    entry.save()
    return entry


@transaction.atomic
def open_fund(
    *,
    by,
    source: str,
    year: int,
    community: Community | None = None,
    street: Street | None = None,
    name: str = "",
    budget: int = 0,
    memo: str = "",
) -> Fund:
    """Open the fund of ``source`` for ``year`` of a community (or a street), booking its
    budget as the first income entry."""
    if source not in Source.values:
        refuse({"source": _("Choose one of the sources of funds.")})
    if (community is None) == (street is None):
        refuse({"community": _("A fund belongs to one community or one street.")})
    if not 2000 <= int(year) <= 2100:
        refuse({"year": _("Enter a year between 2000 and 2100.")})
    if Fund.objects.filter(
        community=community, street=None if community else street, source=source, year=year
    ).exists():
        raise Conflict(_("This fund exists already for that year."))
    fund = Fund(
        community=community,
        street=street if community is None else None,
        source=source,
        year=year,
        name=(name or Source(source).label)[:100],
    )
    try:
        save_in_scope(by, fund, "add")
    except IntegrityError:
        raise Conflict(_("This fund exists already for that year.")) from None
    if not by.has_perm(FundingPerm.ADD_FUND, fund):
        raise OutOfScope(_("You may not open funds here."))
    if budget:
        book_income(by=by, fund=fund, amount=budget, counterparty=fund.name, memo=memo)
        fund.refresh_from_db()
    return fund


@transaction.atomic
def book_income(
    *,
    by,
    fund: Fund,
    amount,
    counterparty: str = "",
    memo: str = "",
    on: datetime.date | None = None,
) -> LedgerEntry:
    """Money received into a fund: its budget grows by it."""
    amount = fen(amount)
    if by is not None and not by.has_perm(FundingPerm.ADD_ENTRY, fund):
        raise OutOfScope(_("You may not book income into this fund."))
    fund = _lock_fund(fund)
    if fund.budget + amount > MAX_FEN:
        refuse({"amount": _("A fund may not exceed 10^12 fen (¥10,000,000,000).")})
    Fund.objects.filter(pk=fund.pk).update(budget=F("budget") + amount)
    return _entry(
        fund=fund,
        kind=LedgerEntry.Kind.INCOME,
        debit=Account.FUND,
        credit=Account.SOURCE,
        amount=amount,
        counterparty=(counterparty or fund.get_source_display())[:100],
        memo=(memo or _("Income"))[:200],
        booked_on=on or timezone.localdate(),
        booked_by=by,
    )


# --- expenditures ----------------------------------------------------------------------


def _record(expenditure: Expenditure, by, action: str, from_state: str, note: str = ""):
    ExpenditureEvent.record(
        expenditure=expenditure, actor=by, action=action, from_state=from_state, note=note
    )


def _no_money(available: int, what) -> None:
    refuse(
        {
            "amount": _("Over the remaining budget: %(what)s has only ¥%(left)s left.")
            % {"what": what, "left": yuan(available)}
        }
    )


@transaction.atomic
def request_expenditure(
    *,
    by,
    fund: Fund,
    amount,
    category: str,
    payee: str,
    purpose: str,
    project: Project | None = None,
) -> Expenditure:
    """Request to spend ``amount`` fen: the money is committed at once (under the fund's
    row lock), so the fund can never promise more than it holds."""
    amount = fen(amount)
    payee, purpose = (payee or "").strip(), (purpose or "").strip()
    if not payee:
        refuse({"payee": _("Name the payee.")})
    if not purpose:
        refuse({"purpose": _("Say what the money is for.")})
    if not by.has_perm(FundingPerm.ADD_EXPENDITURE, fund):
        raise OutOfScope(_("You may not spend from this fund."))
    fund = _lock_fund(fund)
    check_category(fund, category)
    if fund.source == Source.SPECIAL and project is None:
        refuse({"project": _("The special fund pays only for a project the residents decided.")})
    if project is not None:
        if project.fund_id != fund.pk:
            refuse({"project": _("This project is paid from another fund.")})
        project = _lock_project(project)
        if project.state not in (Project.State.FILED, Project.State.IMPLEMENTING):
            raise Conflict(_("Only a filed project that is being carried out pays expenditures."))
        if amount > project.available:
            _no_money(project.available, project.title)
        Project.objects.filter(pk=project.pk).update(reserved=F("reserved") + amount)
    else:
        if amount > fund.available:
            _no_money(fund.available, fund.name)
        Fund.objects.filter(pk=fund.pk).update(committed=F("committed") + amount)
    expenditure = Expenditure(
        fund=fund,
        project=project,
        amount=amount,
        category=category,
        payee=payee[:100],
        purpose=purpose[:200],
        requested_by=by,
    )
    try:
        with transaction.atomic():
            expenditure.save()
    except IntegrityError:  # the constraint behind the check above
        _no_money(0, fund.name)
    _record(expenditure, by, "request", "", yuan(amount))
    return expenditure


def required_tier(expenditure: Expenditure) -> Tier:
    """The lowest tier that may approve the amount (the rule's bands)."""
    node = expenditure.fund
    if expenditure.amount <= limit_fen(keys.COMMUNITY_LIMIT, node):
        return Tier.COMMUNITY
    if expenditure.amount <= limit_fen(keys.STREET_LIMIT, node):
        return Tier.STREET
    return Tier.COUNTY


def _release(expenditure: Expenditure) -> None:
    """Give back what an open expenditure committed (fund locked by the caller)."""
    if expenditure.project_id:
        Project.objects.filter(pk=expenditure.project_id).update(
            reserved=F("reserved") - expenditure.amount
        )
    else:
        Fund.objects.filter(pk=expenditure.fund_id).update(
            committed=F("committed") - expenditure.amount
        )


def _locked_expenditure(expenditure: Expenditure) -> Expenditure:
    _lock_fund(expenditure.fund)
    if expenditure.project_id:
        _lock_project(expenditure.project)
    return Expenditure.objects.select_for_update(of=("self",)).get(pk=expenditure.pk)


@transaction.atomic
def approve_expenditure(*, by, expenditure: Expenditure, note: str = "") -> Expenditure:
    expenditure = _locked_expenditure(expenditure)
    expect_state(expenditure, Expenditure.State.REQUESTED)
    tiers = holding_tiers(by, FundingPerm.APPROVE_EXPENDITURE, expenditure)
    if not tiers:
        raise OutOfScope(_("You may not approve expenditures here."))
    needed = required_tier(expenditure)
    best = min(TIER_RANK.get(t, 9) for t in tiers)
    if best > TIER_RANK[needed]:
        refuse(
            _("¥%(amount)s is above your post's band: it is approved at the %(tier)s.")
            % {"amount": expenditure.amount_yuan, "tier": needed.label}
        )
    if expenditure.requested_by_id == by.pk:
        refuse(_("An expenditure is approved by someone other than the person requesting it."))
    expenditure.state = Expenditure.State.APPROVED
    expenditure.approved_by = by
    expenditure.approved_tier = [t for t in tiers if TIER_RANK.get(t) == best][0]
    expenditure.save(update_fields=["state", "approved_by", "approved_tier"])
    _record(expenditure, by, "approve", Expenditure.State.REQUESTED, note)
    return expenditure


@transaction.atomic
def refuse_expenditure(*, by, expenditure: Expenditure, reason: str) -> Expenditure:
    reason = (reason or "").strip()
    if not reason:
        refuse({"reason": _("Give the reason for refusing.")})
    expenditure = _locked_expenditure(expenditure)
    expect_state(expenditure, *Expenditure.OPEN)
    if not holding_tiers(by, FundingPerm.APPROVE_EXPENDITURE, expenditure):
        raise OutOfScope(_("You may not refuse expenditures here."))
    before = expenditure.state
    _release(expenditure)
    expenditure.state = Expenditure.State.REFUSED
    expenditure.reason = reason[:200]
    expenditure.save(update_fields=["state", "reason"])
    _record(expenditure, by, "refuse", before, reason)
    return expenditure


@transaction.atomic
def withdraw_expenditure(*, by, expenditure: Expenditure, reason: str = "") -> Expenditure:
    expenditure = _locked_expenditure(expenditure)
    expect_state(expenditure, Expenditure.State.REQUESTED)
    if not by.has_perm(FundingPerm.CHANGE_EXPENDITURE, expenditure):
        raise OutOfScope(_("You may not withdraw this expenditure."))
    _release(expenditure)
    expenditure.state = Expenditure.State.WITHDRAWN
    expenditure.reason = (reason or "")[:200]
    expenditure.save(update_fields=["state", "reason"])
    _record(expenditure, by, "withdraw", Expenditure.State.REQUESTED, reason)
    return expenditure


def attach_invoices(*, by, expenditure: Expenditure, photos) -> list[InvoicePhoto]:
    """Store invoice photos (prepared by ``grid.services.photos.prepare_photos``)."""
    if not by.has_perm(FundingPerm.CHANGE_EXPENDITURE, expenditure):
        raise OutOfScope(_("You may not add invoices to this expenditure."))
    if expenditure.state not in (*Expenditure.OPEN, Expenditure.State.PAID):
        raise Conflict(_("Invoices are added before the expenditure is reconciled."))
    saved = []
    with transaction.atomic():
        for photo in photos:
            invoice = InvoicePhoto(expenditure=expenditure, uploaded_by=by)
            invoice.image.save(f"invoice{photo.extension}", ContentFile(photo.content), save=False)
            invoice.save()
            saved.append(invoice)
    return saved


@transaction.atomic
def pay_expenditure(
    *, by, expenditure: Expenditure, invoice_numbers: str, paid_on=None
) -> Expenditure:
    """Pay an approved expenditure: its commitment becomes spending and the payment is
    booked (fund or project → payee). Invoice photos must be attached first."""
    expenditure = _locked_expenditure(expenditure)
    expect_state(expenditure, Expenditure.State.APPROVED)
    if not by.has_perm(FundingPerm.CHANGE_EXPENDITURE, expenditure):
        raise OutOfScope(_("You may not pay this expenditure."))
    invoice_numbers = (invoice_numbers or "").strip()
    if not invoice_numbers:
        refuse({"invoice_numbers": _("Enter the numbers of the invoices.")})
    if not expenditure.invoices.exists():
        refuse({"photos": _("Attach a photo of each invoice before paying.")})
    paid_on = paid_on or timezone.localdate()
    amount = expenditure.amount
    if expenditure.project_id:
        Project.objects.filter(pk=expenditure.project_id).update(
            reserved=F("reserved") - amount, spent=F("spent") + amount
        )
    Fund.objects.filter(pk=expenditure.fund_id).update(
        committed=F("committed") - amount, spent=F("spent") + amount
    )
    _entry(
        fund_id=expenditure.fund_id,
        project_id=expenditure.project_id,
        expenditure=expenditure,
        kind=LedgerEntry.Kind.PAYMENT,
        debit=Account.PAYEE,
        credit=Account.PROJECT if expenditure.project_id else Account.FUND,
        amount=amount,
        category=expenditure.category,
        counterparty=expenditure.payee,
        memo=expenditure.purpose,
        booked_on=paid_on,
        booked_by=by,
    )
    expenditure.state = Expenditure.State.PAID
    expenditure.invoice_numbers = invoice_numbers[:200]
    expenditure.paid_on = paid_on
    expenditure.save(update_fields=["state", "invoice_numbers", "paid_on"])
    _record(expenditure, by, "pay", Expenditure.State.APPROVED, invoice_numbers)
    return expenditure


@transaction.atomic
def reconcile_expenditure(*, by, expenditure: Expenditure, note: str = "") -> Expenditure:
    expenditure = _locked_expenditure(expenditure)
    expect_state(expenditure, Expenditure.State.PAID)
    if not by.has_perm(FundingPerm.RECONCILE_EXPENDITURE, expenditure):
        raise OutOfScope(_("You may not reconcile expenditures here."))
    expenditure.state = Expenditure.State.RECONCILED
    expenditure.save(update_fields=["state"])
    _record(expenditure, by, "reconcile", Expenditure.State.PAID, note)
    return expenditure


@transaction.atomic
def reverse_entry(*, by, entry: LedgerEntry, reason: str, on=None) -> LedgerEntry:
    """Reverse an entry by a new one with the accounts swapped and a reason: an error
    corrected without editing what was booked. A payment's money returns to its fund
    (and its project, while the project runs); an income leaves the fund again."""
    reason = (reason or "").strip()
    if not reason:
        refuse({"reason": _("Give the reason for the reversal.")})
    if not by.has_perm(FundingPerm.ADD_ENTRY, entry):
        raise OutOfScope(_("You may not reverse entries of this fund."))
    fund = _lock_fund(entry.fund)
    entry = LedgerEntry.objects.select_for_update(of=("self",)).get(pk=entry.pk)
    if entry.kind == LedgerEntry.Kind.REVERSAL:
        raise Conflict(_("A reversal is not reversed again: book the entry anew."))
    if LedgerEntry.objects.filter(reverses=entry).exists():
        raise Conflict(_("This entry has been reversed already."))
    amount = entry.amount
    if entry.kind == LedgerEntry.Kind.INCOME:
        if amount > fund.available:
            _no_money(fund.available, fund.name)
        Fund.objects.filter(pk=fund.pk).update(budget=F("budget") - amount)
    else:
        project = _lock_project(entry.project) if entry.project_id else None
        Fund.objects.filter(pk=fund.pk).update(spent=F("spent") - amount)
        if project is not None:
            Project.objects.filter(pk=project.pk).update(spent=F("spent") - amount)
            if project.state in (Project.State.FILED, Project.State.IMPLEMENTING):
                # The grant keeps the money for the project.
                Fund.objects.filter(pk=fund.pk).update(committed=F("committed") + amount)
    reversal = _entry(
        fund=fund,
        project_id=entry.project_id,
        expenditure_id=entry.expenditure_id,
        kind=LedgerEntry.Kind.REVERSAL,
        debit=entry.credit,
        credit=Account.REVERSAL if entry.debit == Account.PAYEE else entry.debit,
        amount=amount,
        category=entry.category,
        counterparty=entry.counterparty,
        memo=reason[:200],
        reverses=entry,
        booked_on=on or timezone.localdate(),
        booked_by=by,
    )
    if entry.expenditure_id:
        expenditure = Expenditure.objects.select_for_update(of=("self",)).get(
            pk=entry.expenditure_id
        )
        before = expenditure.state
        expenditure.state = Expenditure.State.REVERSED
        expenditure.reason = reason[:200]
        expenditure.save(update_fields=["state", "reason"])
        _record(expenditure, by, "reverse", before, reason)
    return reversal


# --- special-fund projects -------------------------------------------------------------


def _project_event(project: Project, by, action: str, from_state: str, note: str = ""):
    ProjectEvent.record(project=project, actor=by, action=action, from_state=from_state, note=note)


@transaction.atomic
def propose_project(
    *,
    by,
    fund: Fund,
    title: str,
    category: str,
    needs: str,
    budget,
    need_refs: str = "",
) -> Project:
    """A community proposes a project of the special fund, from needs collected; a
    forbidden category is refused here, with the rule cited."""
    budget = fen(budget, "budget")
    title, needs = (title or "").strip(), (needs or "").strip()
    if not title:
        refuse({"title": _("Give the project a title.")})
    if not needs:
        refuse({"needs": _("Describe the needs the project answers.")})
    if fund.source != Source.SPECIAL or fund.community_id is None:
        refuse({"fund": _("Projects are proposed on a community's special fund.")})
    check_category(fund, category)
    if budget > fund.available:
        _no_money(fund.available, fund.name)
    project = Project(
        fund=fund,
        title=title[:100],
        category=category,
        needs=needs[:4000],
        need_refs=(need_refs or "").strip()[:200],
        budget=budget,
        proposed_by=by,
    )
    save_in_scope(by, project, "add")
    _project_event(project, by, "propose", "", yuan(budget))
    return project


def _locked(project: Project) -> Project:
    _lock_fund(project.fund)
    return _lock_project(project)


@transaction.atomic
def record_decision(
    *,
    by,
    project: Project,
    minutes: str,
    votes_for: int,
    votes_against: int,
    votes_abstain: int = 0,
    vote_ref: str = "",
) -> Project:
    """The two committees' decision with residents' and party members' representatives:
    the minutes and the vote attached (a vote held in the negotiation app by reference).
    More than half of the votes cast for it carries it; otherwise it is rejected."""
    project = _locked(project)
    expect_state(project, Project.State.PROPOSED)
    if not by.has_perm(FundingPerm.CHANGE_PROJECT, project):
        raise OutOfScope(_("You may not record this project's decision."))
    minutes = (minutes or "").strip()
    if not minutes:
        refuse({"minutes": _("Attach the minutes of the meeting.")})
    counts = [votes_for, votes_against, votes_abstain]
    if any(not isinstance(n, int) or isinstance(n, bool) or not 0 <= n <= 1000 for n in counts):
        refuse({"votes_for": _("Votes are whole numbers from 0 to 1000.")})
    if sum(counts) == 0:
        refuse({"votes_for": _("Record the votes cast.")})
    project.minutes = minutes[:8000]
    project.votes_for, project.votes_against, project.votes_abstain = counts
    project.vote_ref = (vote_ref or "").strip()[:100]
    carried = votes_for * 2 > sum(counts)
    project.state = Project.State.DECIDED if carried else Project.State.REJECTED
    project.save()
    note = f"{votes_for}/{votes_against}/{votes_abstain}"
    _project_event(project, by, "decide", Project.State.PROPOSED, note)
    return project


def _street_holder(by, project: Project) -> bool:
    tiers = holding_tiers(by, FundingPerm.FILE_PROJECT, project)
    return bool(tiers & {Tier.STREET, Tier.COUNTY})


@transaction.atomic
def file_project(*, by, project: Project, note: str = "") -> Project:
    """The street reviews and files the decided project: its budget is granted and
    committed on the fund (refused when the fund has not that much left)."""
    project = _locked(project)
    expect_state(project, Project.State.DECIDED)
    if not _street_holder(by, project):
        raise OutOfScope(_("Projects are reviewed and filed by the street."))
    fund = Fund.objects.get(pk=project.fund_id)
    if project.budget > fund.available:
        _no_money(fund.available, fund.name)
    Fund.objects.filter(pk=fund.pk).update(committed=F("committed") + project.budget)
    project.granted = project.budget
    project.state = Project.State.FILED
    project.filing_number = f"ZX-{fund.year}-{project.pk:05d}"
    project.save()
    _project_event(project, by, "file", Project.State.DECIDED, note or project.filing_number)
    return project


@transaction.atomic
def reject_project(*, by, project: Project, reason: str) -> Project:
    project = _locked(project)
    expect_state(project, Project.State.PROPOSED, Project.State.DECIDED)
    if not _street_holder(by, project):
        raise OutOfScope(_("Projects are reviewed and filed by the street."))
    if not (reason or "").strip():
        refuse({"reason": _("Give the reason for rejecting.")})
    before = project.state
    project.state = Project.State.REJECTED
    project.save(update_fields=["state"])
    _project_event(project, by, "reject", before, reason)
    return project


@transaction.atomic
def start_project(*, by, project: Project) -> Project:
    project = _locked(project)
    expect_state(project, Project.State.FILED)
    if not by.has_perm(FundingPerm.CHANGE_PROJECT, project):
        raise OutOfScope(_("You may not change this project."))
    project.state = Project.State.IMPLEMENTING
    project.save(update_fields=["state"])
    _project_event(project, by, "start", Project.State.FILED)
    return project


@transaction.atomic
def accept_project(*, by, project: Project, note: str) -> Project:
    """Acceptance of the finished work: what the project did not spend returns to the
    fund. Refused while an expenditure of it is still open."""
    project = _locked(project)
    expect_state(project, Project.State.IMPLEMENTING)
    if not _street_holder(by, project) and not by.has_perm(
        FundingPerm.APPROVE_EXPENDITURE, project.fund
    ):
        raise OutOfScope(_("You may not accept this project."))
    if project.reserved:
        raise Conflict(_("Settle or withdraw the project's open expenditures first."))
    if not (note or "").strip():
        refuse({"note": _("Record the acceptance.")})
    Fund.objects.filter(pk=project.fund_id).update(
        committed=F("committed") - (project.granted - project.spent)
    )
    project.state = Project.State.ACCEPTED
    project.acceptance_note = note.strip()[:500]
    project.save(update_fields=["state", "acceptance_note"])
    _project_event(project, by, "accept", Project.State.IMPLEMENTING, note)
    return project


@transaction.atomic
def notice_project(*, by, project: Project) -> Project:
    """Publish the accepted project to the residents (public notice)."""
    project = _locked(project)
    expect_state(project, Project.State.ACCEPTED)
    if not by.has_perm(FundingPerm.CHANGE_PROJECT, project):
        raise OutOfScope(_("You may not change this project."))
    project.state = Project.State.NOTICED
    project.noticed_at = timezone.now()
    project.save(update_fields=["state", "noticed_at"])
    _project_event(project, by, "notice", Project.State.ACCEPTED)
    return project
