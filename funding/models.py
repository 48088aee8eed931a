"""Funding and admission (issue 15): a ledger of the communities' funds that is never
overspent, special-fund projects decided by residents, the public disclosure (三务公开)
generated from the ledger, and departments' work admitted only with its money.

Money is in integer fen (分), never floats. Every movement of money is a ``LedgerEntry``
between two accounts (double entry): written once, never edited or deleted, only
reversed by a new entry with a reason. A fund's counters (``budget``, ``committed``,
``spent``) are the sums of its entries and open commitments, moved with ``F()`` under
the fund's row lock; a check constraint keeps ``committed + spent <= budget`` and a
project's ``reserved + spent <= granted``, so no concurrent writer can overspend."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.timeline import Conflict, TimelineEntry
from grid.scoping import TierScoped

MAX_FEN = 10**12  # ¥10,000,000,000: no amount above it is accepted


def yuan(fen) -> str:
    """``123456`` → ``"1,234.56"`` (fen shown as yuan, exactly)."""
    fen = int(fen or 0)
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), 100)
    return f"{sign}{whole:,}.{cents:02d}"


class Source(models.TextChoices):
    OFFICE = "office", _("Office funds")
    SPECIAL = "special", _("Special fund for serving the masses")
    ADMITTED = "admitted", _("Funds following admitted work")
    VENTURE = "venture", _("Public-benefit venture grants")
    PURCHASE = "purchase", _("Purchase of services")
    DONATION = "donation", _("Donations")
    SELF_RAISED = "self_raised", _("Self-raised funds")


class Category(models.TextChoices):
    ACTIVITIES = "activities", _("Activities for residents")
    REPAIR = "repair", _("Repairs and small works")
    ELDERLY = "elderly", _("Care of the elderly and children")
    ENVIRONMENT = "environment", _("Environment and greening")
    CULTURE = "culture", _("Culture and education")
    SERVICES = "services", _("Purchased services")
    EQUIPMENT = "equipment", _("Equipment for residents")
    OFFICE = "office", _("Office running costs")
    SALARIES = "salaries", _("Salaries and allowances")
    DEBTS = "debts", _("Repayment of debts")
    GOVERNMENT_FUNDED = "government_funded", _("Items already funded by the government")


def amount_ok(field: str) -> Q:
    return Q(**{f"{field}__gte": 1, f"{field}__lte": MAX_FEN})


class Fund(TierScoped):
    """A community's (or a street's) fund of one source for one year."""

    # Residents see the funds of their community (its public accounts).
    self_access = {"view": [("community", "community_id")]}

    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    name = models.CharField(_("name"), max_length=100)
    budget = models.BigIntegerField(_("budget (fen)"), default=0, editable=False)
    committed = models.BigIntegerField(_("committed (fen)"), default=0, editable=False)
    spent = models.BigIntegerField(_("spent (fen)"), default=0, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta(TierScoped.Meta):
        verbose_name = _("fund")
        verbose_name_plural = _("funds")
        ordering = ["-year", "source", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(committed__gte=0, spent__gte=0, budget__gte=0, budget__lte=MAX_FEN),
                name="fund_counters_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(committed__lte=F("budget") - F("spent")),
                name="fund_never_overspent",
            ),
            models.CheckConstraint(
                condition=Q(year__gte=2000, year__lte=2100), name="fund_year_2000_2100"
            ),
            models.UniqueConstraint(
                fields=["community", "street", "source", "year"], name="one_fund_per_source_year"
            ),
        ]

    def __str__(self):
        return f"{self.name} {self.year}"

    @property
    def available(self) -> int:
        return self.budget - self.committed - self.spent

    @property
    def available_yuan(self) -> str:
        return yuan(self.available)


class Project(TierScoped):
    """A special-fund project (服务群众专项经费): needs → proposal → the two committees'
    decision → the street's review and filing → implementation → acceptance → notice."""

    class State(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        DECIDED = "decided", _("Decided by the committees")
        FILED = "filed", _("Filed by the street")
        IMPLEMENTING = "implementing", _("Being carried out")
        ACCEPTED = "accepted", _("Accepted")
        NOTICED = "noticed", _("Publicly noticed")
        REJECTED = "rejected", _("Rejected")

    self_access = {"view": [("community", "community_id")]}

    fund = models.ForeignKey(
        Fund, on_delete=models.PROTECT, related_name="projects", verbose_name=_("fund")
    )
    title = models.CharField(_("title"), max_length=100)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    needs = models.TextField(_("needs collected"), max_length=4000)
    need_refs = models.CharField(
        _("references of the needs"),
        max_length=200,
        blank=True,
        help_text=_("Needs-list items or consultation resolutions, by reference."),
    )
    budget = models.BigIntegerField(_("budget (fen)"))
    granted = models.BigIntegerField(_("granted (fen)"), default=0, editable=False)
    reserved = models.BigIntegerField(_("reserved (fen)"), default=0, editable=False)
    spent = models.BigIntegerField(_("spent (fen)"), default=0, editable=False)
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.PROPOSED
    )
    minutes = models.TextField(_("minutes of the decision"), max_length=8000, blank=True)
    votes_for = models.PositiveSmallIntegerField(_("votes for"), default=0)
    votes_against = models.PositiveSmallIntegerField(_("votes against"), default=0)
    votes_abstain = models.PositiveSmallIntegerField(_("abstentions"), default=0)
    vote_ref = models.CharField(_("vote reference"), max_length=100, blank=True)
    filing_number = models.CharField(_("filing number"), max_length=40, blank=True)
    acceptance_note = models.CharField(_("acceptance"), max_length=500, blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    noticed_at = models.DateTimeField(_("noticed at"), null=True, blank=True)

    class Meta(TierScoped.Meta):
        verbose_name = _("special-fund project")
        verbose_name_plural = _("special-fund projects")
        ordering = ["-created_at", "-id"]
        permissions = [("file_project", _("Can review and file a project"))]
        constraints = [
            models.CheckConstraint(condition=amount_ok("budget"), name="project_budget_range"),
            models.CheckConstraint(
                condition=Q(granted__gte=0, reserved__gte=0, spent__gte=0),
                name="project_counters_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(reserved__lte=F("granted") - F("spent")),
                name="project_never_overspent",
            ),
        ]

    def __str__(self):
        return self.title

    def fill_tier_columns(self):
        if self.fund_id is not None:
            self.community_id = self.fund.community_id
            self.street_id = self.fund.street_id
            self.grid_id = self.building_id = None

    @property
    def available(self) -> int:
        return self.granted - self.reserved - self.spent


class ProjectEvent(TimelineEntry):
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="events", verbose_name=_("project")
    )

    class Meta(TimelineEntry.Meta):
        verbose_name = _("project event")
        verbose_name_plural = _("project events")


class Expenditure(TierScoped):
    """A request to spend from a fund (and, for the special fund, a project): request →
    approval by the post of the amount's band → payment with invoices → reconciliation."""

    class State(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        APPROVED = "approved", _("Approved")
        PAID = "paid", _("Paid")
        RECONCILED = "reconciled", _("Reconciled")
        REFUSED = "refused", _("Refused")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        REVERSED = "reversed", _("Reversed")

    OPEN = (State.REQUESTED, State.APPROVED)

    fund = models.ForeignKey(
        Fund, on_delete=models.PROTECT, related_name="expenditures", verbose_name=_("fund")
    )
    project = models.ForeignKey(
        Project,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="expenditures",
        verbose_name=_("project"),
    )
    amount = models.BigIntegerField(_("amount (fen)"))
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    payee = models.CharField(_("payee"), max_length=100)
    purpose = models.CharField(_("purpose"), max_length=200)
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.REQUESTED
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    approved_tier = models.CharField(_("approved at tier"), max_length=16, blank=True)
    invoice_numbers = models.CharField(_("invoice numbers"), max_length=200, blank=True)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta(TierScoped.Meta):
        verbose_name = _("expenditure")
        verbose_name_plural = _("expenditures")
        ordering = ["-created_at", "-id"]
        permissions = [
            ("approve_expenditure", _("Can approve an expenditure")),
            ("reconcile_expenditure", _("Can reconcile an expenditure")),
        ]
        constraints = [
            models.CheckConstraint(condition=amount_ok("amount"), name="expenditure_amount_range"),
        ]
        indexes = [models.Index(fields=["community", "state"], name="expenditure_comm_state")]

    def __str__(self):
        return f"{self.purpose} ¥{yuan(self.amount)}"

    def fill_tier_columns(self):
        if self.fund_id is not None:
            self.community_id = self.fund.community_id
            self.street_id = self.fund.street_id
            self.grid_id = self.building_id = None

    @property
    def amount_yuan(self) -> str:
        return yuan(self.amount)


class ExpenditureEvent(TimelineEntry):
    expenditure = models.ForeignKey(
        Expenditure, on_delete=models.CASCADE, related_name="events", verbose_name=_("expenditure")
    )

    class Meta(TimelineEntry.Meta):
        verbose_name = _("expenditure event")
        verbose_name_plural = _("expenditure events")


def invoice_path(instance, filename):
    now = timezone.localtime()
    extension = ".png" if filename.lower().endswith(".png") else ".jpg"
    return f"invoices/{now:%Y}/{now:%m}/{uuid.uuid4().hex}{extension}"


class InvoicePhoto(models.Model):
    """A photo of an invoice of an expenditure (re-encoded without metadata)."""

    expenditure = models.ForeignKey(
        Expenditure,
        on_delete=models.PROTECT,
        related_name="invoices",
        verbose_name=_("expenditure"),
    )
    image = models.FileField(_("photo"), upload_to=invoice_path, max_length=200)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("invoice photo")
        verbose_name_plural = _("invoice photos")
        ordering = ["id"]

    def __str__(self):
        return f"{self.expenditure_id}: {self.image.name}"


class Account(models.TextChoices):
    SOURCE = "source", _("Source of the money")
    FUND = "fund", _("Fund")
    PROJECT = "project", _("Project")
    PAYEE = "payee", _("Payee")
    REVERSAL = "reversal", _("Reversal")


class LedgerEntry(TierScoped):
    """One movement of money between two accounts, written once: never edited or
    deleted (the model refuses, and on PostgreSQL a trigger too), only reversed."""

    class Kind(models.TextChoices):
        INCOME = "income", _("Income")
        PAYMENT = "payment", _("Payment")
        REVERSAL = "reversal", _("Reversal")

    self_access = {"view": [("community", "community_id")]}

    fund = models.ForeignKey(
        Fund, on_delete=models.PROTECT, related_name="entries", verbose_name=_("fund")
    )
    project = models.ForeignKey(
        Project,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="entries",
        verbose_name=_("project"),
    )
    expenditure = models.ForeignKey(
        Expenditure,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="entries",
        verbose_name=_("expenditure"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    debit = models.CharField(_("debit account"), max_length=10, choices=Account.choices)
    credit = models.CharField(_("credit account"), max_length=10, choices=Account.choices)
    amount = models.BigIntegerField(_("amount (fen)"))
    category = models.CharField(_("category"), max_length=20, choices=Category.choices, blank=True)
    counterparty = models.CharField(_("from or to"), max_length=100, blank=True)
    memo = models.CharField(_("memo"), max_length=200)
    reverses = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversed_by",
        verbose_name=_("reverses"),
    )
    booked_on = models.DateField(_("booked on"), default=timezone.localdate)
    booked_at = models.DateTimeField(_("booked at"), auto_now_add=True)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )

    class Meta(TierScoped.Meta):
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        ordering = ["booked_on", "id"]
        constraints = [
            models.CheckConstraint(condition=amount_ok("amount"), name="entry_amount_range"),
            models.CheckConstraint(condition=~Q(debit=F("credit")), name="entry_two_accounts"),
            models.CheckConstraint(
                condition=Q(kind="reversal", reverses__isnull=False)
                | (~Q(kind="reversal") & Q(reverses__isnull=True)),
                name="entry_reversal_names_its_entry",
            ),
        ]
        indexes = [
            models.Index(fields=["community", "booked_on"], name="entry_comm_booked"),
            models.Index(fields=["fund", "booked_on"], name="entry_fund_booked"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} ¥{yuan(self.amount)} {self.memo}"

    def fill_tier_columns(self):
        if self.fund_id is not None:
            self.community_id = self.fund.community_id
            self.street_id = self.fund.street_id
            self.grid_id = self.building_id = None

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise LedgerImmutable(_("A ledger entry is never edited: reverse it instead."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise LedgerImmutable(_("A ledger entry is never deleted: reverse it instead."))

    @property
    def amount_yuan(self) -> str:
        return yuan(self.amount)

    @property
    def signed(self) -> int:
        """The entry's effect on its fund: money comes in when the fund (or its project)
        is debited, goes out when it is credited."""
        return self.amount if self.debit in INTO_FUND else -self.amount


INTO_FUND = (Account.FUND, Account.PROJECT)


class LedgerImmutable(Conflict):
    """An attempt to edit or delete a ledger entry (services never do it, and the admin
    and the API offer no way to)."""


# --- disclosure (三务公开) ----------------------------------------------------------------


class Disclosure(TierScoped):
    """One due disclosure of a community: party affairs, community affairs or finances
    (fixed items yearly, regular items quarterly or monthly, major matters within the
    rule's days), or a property company's accounts to its owners. Published versions are
    kept; the latest is what residents see."""

    class Area(models.TextChoices):
        FINANCE = "finance", _("Finances")
        PARTY = "party", _("Party affairs")
        COMMUNITY = "community", _("Community affairs")
        PROPERTY = "property", _("Property company accounts")

    class Cadence(models.TextChoices):
        YEARLY = "yearly", _("Fixed item (yearly)")
        QUARTERLY = "quarterly", _("Regular item (quarterly)")
        MONTHLY = "monthly", _("Regular item (monthly)")
        MAJOR = "major", _("Major matter")

    class State(models.TextChoices):
        DUE = "due", _("Due")
        PUBLISHED = "published", _("Published")

    self_access = {"view": [("community", "community_id")]}

    area = models.CharField(_("area"), max_length=12, choices=Area.choices)
    cadence = models.CharField(_("cadence"), max_length=12, choices=Cadence.choices)
    title = models.CharField(_("title"), max_length=100)
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    due_on = models.DateField(_("due on"))
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.DUE)
    unit = models.ForeignKey(
        "grid.HandlingUnit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("property company"),
    )
    version_count = models.PositiveSmallIntegerField(_("versions"), default=0, editable=False)
    alerted_at = models.DateTimeField(null=True, blank=True, editable=False)
    overdue_alerted_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta(TierScoped.Meta):
        verbose_name = _("disclosure")
        verbose_name_plural = _("disclosures")
        ordering = ["-period_end", "area", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")), name="disclosure_period_order"
            ),
            models.UniqueConstraint(
                fields=["community", "area", "cadence", "period_start", "unit"],
                condition=~Q(cadence="major"),
                name="one_disclosure_per_period",
            ),
        ]
        indexes = [models.Index(fields=["state", "due_on"], name="disclosure_state_due")]

    def __str__(self):
        return self.title

    @property
    def is_overdue(self) -> bool:
        return self.state == self.State.DUE and self.due_on < timezone.localdate()


class DisclosureVersion(TierScoped):
    """One published version of a disclosure, never changed (a correction is a new
    version); a financial one carries the statement generated from the ledger."""

    self_access = {"view": [("community", "community_id")]}

    disclosure = models.ForeignKey(
        Disclosure, on_delete=models.PROTECT, related_name="versions", verbose_name=_("disclosure")
    )
    number = models.PositiveSmallIntegerField(_("version"))
    body = models.TextField(_("text"), max_length=8000, blank=True)
    statement = models.JSONField(_("financial statement"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )

    class Meta(TierScoped.Meta):
        verbose_name = _("disclosure version")
        verbose_name_plural = _("disclosure versions")
        ordering = ["disclosure", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["disclosure", "number"], name="one_version_number")
        ]

    def __str__(self):
        return f"{self.disclosure} v{self.number}"

    def fill_tier_columns(self):
        if self.disclosure_id is not None:
            for column in ("street_id", "community_id", "grid_id", "building_id"):
                setattr(self, column, getattr(self.disclosure, column))


class DisclosureQuestion(TierScoped):
    """A resident's question on a disclosure, answered publicly (the asker's name is
    not shown to other residents)."""

    self_access = {"view": [("community", "community_id")]}

    disclosure = models.ForeignKey(
        Disclosure, on_delete=models.PROTECT, related_name="questions", verbose_name=_("disclosure")
    )
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    text = models.CharField(_("question"), max_length=500)
    answer = models.CharField(_("answer"), max_length=1000, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    asked_at = models.DateTimeField(_("asked at"), auto_now_add=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta(TierScoped.Meta):
        verbose_name = _("question on a disclosure")
        verbose_name_plural = _("questions on disclosures")
        ordering = ["-asked_at", "-id"]

    def __str__(self):
        return self.text[:40]

    def fill_tier_columns(self):
        if self.disclosure_id is not None:
            for column in ("street_id", "community_id", "grid_id", "building_id"):
                setattr(self, column, getattr(self.disclosure, column))


# --- admission of departments' work (社区工作准入, 费随事转) --------------------------------


class AdmissionList(models.Model):
    """One version of the admitted-work list; the latest in force applies."""

    number = models.PositiveSmallIntegerField(_("version"), unique=True)
    in_force_from = models.DateField(_("in force from"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("admitted-work list")
        verbose_name_plural = _("admitted-work lists")
        ordering = ["-number"]

    def __str__(self):
        return f"v{self.number} ({self.in_force_from})"


class Deliverable(models.TextChoices):
    LEDGER = "ledger", _("Ledgers")
    REPORT = "report", _("Reports")
    SURVEY = "survey", _("Surveys")
    ASSESSMENT = "assessment", _("Assessments")
    RANKING = "ranking", _("Rankings")
    SIGNBOARD = "signboard", _("Signboards")
    MEETING = "meeting", _("Meetings")
    SERVICE = "service", _("Services to residents")


class AdmissionItem(models.Model):
    """An item of the list: a statutory duty, assisting work, a prohibited item or a
    certificate communities no longer issue, each with its citation."""

    class Kind(models.TextChoices):
        STATUTORY = "statutory", _("Statutory duty")
        ASSISTING = "assisting", _("Work assisting the government")
        PROHIBITED = "prohibited", _("Prohibited item")
        CANCELLED = "cancelled", _("Cancelled certificate")

    list = models.ForeignKey(
        AdmissionList, on_delete=models.PROTECT, related_name="items", verbose_name=_("list")
    )
    code = models.CharField(_("code"), max_length=20)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=100)
    deliverable = models.CharField(
        _("deliverable"), max_length=12, choices=Deliverable.choices, blank=True
    )
    keywords = models.CharField(_("keywords"), max_length=200, blank=True)
    citation = models.CharField(_("citation"), max_length=200)

    class Meta:
        verbose_name = _("admitted-work item")
        verbose_name_plural = _("admitted-work items")
        ordering = ["list", "code"]
        constraints = [models.UniqueConstraint(fields=["list", "code"], name="one_item_code")]

    def __str__(self):
        return f"{self.code} {self.title}"


class AdmissionApplication(TierScoped):
    """A department's application to put work on communities, with the money that
    follows it. Held at the county; the department sees only its own."""

    class State(models.TextChoices):
        IN_REVIEW = "in_review", _("In joint review")
        APPROVED = "approved", _("Approved")
        CONDITIONAL = "conditional", _("Approved with conditions")
        RETURNED = "returned", _("Returned")
        REJECTED = "rejected", _("Rejected")

    class Track(models.TextChoices):
        FAST = "fast", _("Listed: fast track")
        NORMAL = "normal", _("Not listed: full review")
        PROHIBITED = "prohibited", _("Prohibited")

    class Frequency(models.TextChoices):
        ONCE = "once", _("Once")
        MONTHLY = "monthly", _("Monthly")
        QUARTERLY = "quarterly", _("Quarterly")
        YEARLY = "yearly", _("Yearly")

    DECIDED = (State.APPROVED, State.CONDITIONAL, State.RETURNED, State.REJECTED)

    self_access = {"view": [("user", "applicant_id")]}

    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("applicant"),
    )
    department = models.CharField(_("department"), max_length=100)
    title = models.CharField(_("title"), max_length=100)
    description = models.TextField(_("description"), max_length=4000)
    deliverable = models.CharField(_("deliverable"), max_length=12, choices=Deliverable.choices)
    targets = models.ManyToManyField(
        "grid.Community", related_name="+", verbose_name=_("target communities")
    )
    frequency = models.CharField(_("frequency"), max_length=12, choices=Frequency.choices)
    months = models.PositiveSmallIntegerField(_("duration (months)"))
    hours_per_community = models.PositiveIntegerField(_("workload per community (hours a year)"))
    funding_per_community = models.BigIntegerField(_("funding per community (fen)"))
    transfer_plan = models.CharField(_("transfer plan"), max_length=500)
    starts_on = models.DateField(_("starts on"))
    state = models.CharField(
        _("state"), max_length=12, choices=State.choices, default=State.IN_REVIEW
    )
    track = models.CharField(_("track"), max_length=12, choices=Track.choices)
    item = models.ForeignKey(
        AdmissionItem,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("item of the list"),
    )
    duplicate_of = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("duplicates"),
    )
    review_due = models.DateField(_("review due"))
    extended_reason = models.CharField(_("reason for the extension"), max_length=200, blank=True)
    decision_note = models.CharField(_("decision"), max_length=1000, blank=True)
    conditions = models.CharField(_("conditions"), max_length=500, blank=True)
    number = models.CharField(_("admission number"), max_length=30, null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)

    class Meta(TierScoped.Meta):
        verbose_name = _("admission application")
        verbose_name_plural = _("admission applications")
        ordering = ["-submitted_at", "-id"]
        permissions = [("decide_admissionapplication", _("Can decide an admission application"))]
        constraints = [
            models.CheckConstraint(
                condition=amount_ok("funding_per_community"), name="admission_funded"
            ),
            models.UniqueConstraint(fields=["number"], name="one_admission_number"),
        ]

    def __str__(self):
        return self.number or self.title

    @property
    def funding_yuan(self) -> str:
        return yuan(self.funding_per_community)


class AdmissionEvent(TimelineEntry):
    application = models.ForeignKey(
        AdmissionApplication,
        on_delete=models.CASCADE,
        related_name="events",
        verbose_name=_("application"),
    )

    class Meta(TimelineEntry.Meta):
        verbose_name = _("admission event")
        verbose_name_plural = _("admission events")


class CommunityTask(TierScoped):
    """A department's task as it reaches one community: admitted (with its number and
    money) or not; a community refuses any task without a number or without funding."""

    class State(models.TextChoices):
        ARRIVED = "arrived", _("Arrived")
        ADMITTED = "admitted", _("Admitted, funding awaited")
        FUNDED = "funded", _("Admitted and funded")
        REFUSED = "refused", _("Refused by the community")

    application = models.ForeignKey(
        AdmissionApplication,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tasks",
        verbose_name=_("admission"),
    )
    department = models.CharField(_("department"), max_length=100)
    title = models.CharField(_("title"), max_length=100)
    number = models.CharField(_("admission number"), max_length=30, blank=True)
    funding = models.BigIntegerField(_("funding (fen)"), default=0)
    hours = models.PositiveIntegerField(_("workload (hours a year)"), default=0)
    state = models.CharField(_("state"), max_length=12, choices=State.choices)
    entry = models.OneToOneField(
        LedgerEntry,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ledger entry of the transfer"),
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta(TierScoped.Meta):
        verbose_name = _("task put on a community")
        verbose_name_plural = _("tasks put on communities")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "community"], name="one_task_per_admission_community"
            ),
            models.CheckConstraint(condition=Q(funding__gte=0), name="task_funding_positive"),
        ]

    def __str__(self):
        return f"{self.number or '-'} {self.title}"


class BurdenReport(TierScoped):
    """A community's report of an unapproved burden. When anonymous, the reporter is not
    stored at all: nobody, not even a county admin, can tell who it was."""

    department = models.CharField(_("department"), max_length=100)
    description = models.CharField(_("what was demanded"), max_length=1000)
    anonymous = models.BooleanField(_("anonymous"), default=False)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reporter"),
    )
    task = models.ForeignKey(
        CommunityTask,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("task"),
    )
    reported_on = models.DateField(_("reported on"), default=timezone.localdate)

    class Meta(TierScoped.Meta):
        verbose_name = _("unapproved burden")
        verbose_name_plural = _("unapproved burdens")
        ordering = ["-reported_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(anonymous=False) | Q(reporter__isnull=True),
                name="anonymous_burden_has_no_reporter",
            )
        ]

    def __str__(self):
        return f"{self.department}: {self.description[:30]}"


# --- public-benefit venture calls (公益创投) -----------------------------------------------


class VentureCall(TierScoped):
    """A call with a pool (a venture fund of the street or community), a per-project
    cap, a period of implementation and scoring criteria."""

    class State(models.TextChoices):
        OPEN = "open", _("Open for applications")
        REVIEWING = "reviewing", _("Being scored")
        NOTICED = "noticed", _("Results noticed")
        CLOSED = "closed", _("Closed")

    self_access = {"view": [("community", "community_id"), ("street", "street_id")]}

    fund = models.ForeignKey(
        Fund, on_delete=models.PROTECT, related_name="calls", verbose_name=_("fund")
    )
    title = models.CharField(_("title"), max_length=100)
    pool = models.BigIntegerField(_("pool (fen)"))
    cap = models.BigIntegerField(_("cap per project (fen)"))
    months_min = models.PositiveSmallIntegerField(_("shortest (months)"))
    months_max = models.PositiveSmallIntegerField(_("longest (months)"))
    criteria = models.JSONField(_("scoring criteria"), default=list)
    apply_until = models.DateField(_("applications until"))
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.OPEN)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta(TierScoped.Meta):
        verbose_name = _("venture call")
        verbose_name_plural = _("venture calls")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=amount_ok("pool"), name="call_pool_range"),
            models.CheckConstraint(
                condition=amount_ok("cap") & Q(cap__lte=F("pool")), name="call_cap_within_pool"
            ),
        ]

    def __str__(self):
        return self.title

    def fill_tier_columns(self):
        if self.fund_id is not None:
            self.community_id = self.fund.community_id
            self.street_id = self.fund.street_id
            self.grid_id = self.building_id = None


class VentureApplication(TierScoped):
    """A social organisation's or a team's application to a call."""

    class State(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        AWARDED = "awarded", _("Awarded")
        NOT_AWARDED = "not_awarded", _("Not awarded")
        AGREED = "agreed", _("Agreement signed")
        MID_EVALUATED = "mid_evaluated", _("Mid-term evaluated")
        FINISHED = "finished", _("Final evaluation done")

    self_access = {"view": [("user", "applicant_id")]}

    call = models.ForeignKey(
        VentureCall, on_delete=models.PROTECT, related_name="applications", verbose_name=_("call")
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    organisation = models.CharField(_("organisation or team"), max_length=100)
    title = models.CharField(_("project"), max_length=100)
    plan = models.TextField(_("plan"), max_length=4000)
    amount = models.BigIntegerField(_("amount asked (fen)"))
    months = models.PositiveSmallIntegerField(_("months"))
    state = models.CharField(
        _("state"), max_length=14, choices=State.choices, default=State.SUBMITTED
    )
    score = models.DecimalField(_("score"), max_digits=6, decimal_places=2, null=True, blank=True)
    rank = models.PositiveSmallIntegerField(_("rank"), null=True, blank=True)
    granted = models.BigIntegerField(_("granted (fen)"), default=0)
    mid_evaluation = models.CharField(_("mid-term evaluation"), max_length=500, blank=True)
    final_evaluation = models.CharField(_("final evaluation"), max_length=500, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)

    class Meta(TierScoped.Meta):
        verbose_name = _("venture application")
        verbose_name_plural = _("venture applications")
        ordering = ["call", "rank", "id"]
        constraints = [
            models.CheckConstraint(condition=amount_ok("amount"), name="venture_amount_range"),
            models.CheckConstraint(condition=Q(granted__gte=0), name="venture_granted_positive"),
        ]

    def __str__(self):
        return f"{self.organisation}: {self.title}"

    def fill_tier_columns(self):
        if self.call_id is not None:
            for column in ("street_id", "community_id", "grid_id", "building_id"):
                setattr(self, column, getattr(self.call, column))


class VentureReview(TierScoped):
    """One reviewer's assignment to score one application (the reviewer sees only their
    own assignments)."""

    self_access = {"view": [("user", "reviewer_id")], "change": [("user", "reviewer_id")]}

    application = models.ForeignKey(
        VentureApplication,
        on_delete=models.PROTECT,
        related_name="reviews",
        verbose_name=_("application"),
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    scores = models.JSONField(_("scores"), default=dict, blank=True)
    total = models.DecimalField(_("total"), max_digits=6, decimal_places=2, null=True, blank=True)
    scored_at = models.DateTimeField(_("scored at"), null=True, blank=True)

    class Meta(TierScoped.Meta):
        verbose_name = _("venture review")
        verbose_name_plural = _("venture reviews")
        ordering = ["application", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "reviewer"], name="one_review_per_reviewer"
            )
        ]

    def __str__(self):
        return f"{self.application} · {self.reviewer}"

    def fill_tier_columns(self):
        if self.application_id is not None:
            for column in ("street_id", "community_id", "grid_id", "building_id"):
                setattr(self, column, getattr(self.application, column))


class VentureTranche(models.Model):
    """A tranche of an awarded grant, paid as an expenditure of the call's fund."""

    application = models.ForeignKey(
        VentureApplication, on_delete=models.PROTECT, related_name="tranches"
    )
    expenditure = models.OneToOneField(Expenditure, on_delete=models.PROTECT, related_name="+")
    number = models.PositiveSmallIntegerField(_("tranche"))

    class Meta:
        verbose_name = _("venture tranche")
        verbose_name_plural = _("venture tranches")
        ordering = ["application", "number"]

    def __str__(self):
        return f"{self.application} #{self.number}"
