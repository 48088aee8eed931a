"""Volunteer service (志愿服务) and cultural organisations (文体队伍) on the net (issue 13).

* ``Team``: a volunteer team or a cultural/sports organisation on a node, its leader
  holding a guardian grant on it (``TeamUserGrant``); ``Membership``: who is in it.
* ``Volunteer``: a person (a resident, or an in-service party member living elsewhere)
  with their consent; the five record blocks of the 志愿服务条例 are the volunteer's basic
  information, their ``HourEntry`` rows (service), and ``RecordNote`` rows (training,
  awards, evaluation).
* ``Activity`` with tags and risk flags, ``Shift`` with a capacity that is never
  exceeded (a counter under a check constraint, moved with ``F()`` under the shift's
  row lock) and ``SignUp`` (one live sign-up per person and shift: a partial unique index;
  a waitlist promoted on cancel).
* ``HourEntry``: confirmed or pending hours; one per sign-up (unique), so a check-out
  twice records once. ``Correction``: the volunteer asks, the organiser answers.
* ``TimeBankEntry``: the time bank as a ledger; each entry carries its sequence number
  in the account (unique) and the running balance, which a check constraint keeps at
  zero or above, so two concurrent withdrawals cannot both spend the same credit.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from guardian.models import UserObjectPermissionBase

from core.timeline import TimelineEntry
from grid.scoping import TierScoped

MAX_CAPACITY = 500

# Residents see what is published in their street (and so in their community): teams,
# activities and shifts near them.
PUBLISHED = {"view": [("street", "street_id")]}
OWN = {"view": [("user", "user_id")]}


class Tag(models.TextChoices):
    ELDERLY = "elderly", _("Elderly care")
    ENVIRONMENT = "environment", _("Environment")
    CULTURE = "culture", _("Culture")
    SAFETY = "safety", _("Safety")
    EMERGENCY = "emergency", _("Emergency")
    CHILDREN = "children", _("Children and youth")
    HEALTH = "health", _("Health")
    OTHER = "other", _("Other")


class Team(TierScoped):
    """A volunteer team (志愿服务队) or a cultural or sports organisation (文体队伍)."""

    class Kind(models.TextChoices):
        SERVICE = "service", _("Volunteer team")
        DANCE = "dance", _("Dance")
        CHOIR = "choir", _("Choir")
        CALLIGRAPHY = "calligraphy", _("Calligraphy and painting")
        CHESS = "chess", _("Chess")
        SPORTS = "sports", _("Sports")
        OTHER_CULTURE = "culture", _("Other cultural group")

    self_access = PUBLISHED

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.SERVICE)
    description = models.TextField(_("description"), max_length=2000, blank=True)
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_teams",
        verbose_name=_("leader"),
    )
    party_contact = models.CharField(_("party contact"), max_length=64, blank=True)
    recruiting = models.BooleanField(_("recruiting"), default=True)
    is_public = models.BooleanField(_("public page"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta(TierScoped.Meta):
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["community", "name"], name="team_comm_name")]
        constraints = [
            models.UniqueConstraint(fields=["community", "name"], name="one_team_name_per_node")
        ]

    def __str__(self):
        return self.name


class TeamUserGrant(UserObjectPermissionBase):
    """A team leader's grant on their team (django-guardian, direct foreign key)."""

    content_object = models.ForeignKey(Team, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("team grant to a leader")
        verbose_name_plural = _("team grants to leaders")


class Volunteer(TierScoped):
    """A registered volunteer: a person of the net, hanging where they live (or, for an
    in-service party member living elsewhere, where they report)."""

    self_access = OWN

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="volunteer",
        verbose_name=_("account"),
    )
    resident = models.ForeignKey(
        "grid.Resident",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("resident"),
    )
    name = models.CharField(_("name"), max_length=64)
    phone = models.CharField(_("phone"), max_length=11, blank=True)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    skills = models.CharField(_("skills"), max_length=200, blank=True)
    in_service_member = models.BooleanField(_("in-service party member"), default=False)
    workplace = models.CharField(_("workplace party organisation"), max_length=100, blank=True)
    consent_at = models.DateTimeField(_("consent to show outside the organisation"), null=True)
    confirmed_hours = models.DecimalField(
        _("confirmed hours"), max_digits=8, decimal_places=1, default=Decimal("0")
    )
    registered_at = models.DateTimeField(_("registered at"), auto_now_add=True)

    class Meta(TierScoped.Meta):
        verbose_name = _("volunteer")
        verbose_name_plural = _("volunteers")
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["community", "name"], name="volunteer_comm_name")]
        constraints = [
            models.CheckConstraint(
                condition=Q(confirmed_hours__gte=0), name="volunteer_hours_not_negative"
            )
        ]

    def __str__(self):
        return self.name


class Membership(TierScoped):
    """A volunteer in a team, with a role; applied, then accepted or declined."""

    class Role(models.TextChoices):
        MEMBER = "member", _("Member")
        DEPUTY = "deputy", _("Deputy leader")
        LEADER = "leader", _("Leader")

    class State(models.TextChoices):
        APPLIED = "applied", _("Applied")
        ACTIVE = "active", _("Member")
        DECLINED = "declined", _("Declined")
        LEFT = "left", _("Left")

    self_access = OWN

    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("team")
    )
    volunteer = models.ForeignKey(
        Volunteer, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("volunteer")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.MEMBER)
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.APPLIED
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    created_at = models.DateTimeField(_("applied at"), auto_now_add=True)

    class Meta(TierScoped.Meta):
        verbose_name = _("team membership")
        verbose_name_plural = _("team memberships")
        ordering = ["team", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["team", "volunteer"],
                condition=Q(state__in=["applied", "active"]),
                name="one_live_membership",
            )
        ]

    def __str__(self):
        return f"{self.team} · {self.volunteer}"

    def fill_tier_columns(self):
        if self.team_id is not None:
            for column in self.tier_columns.values():
                setattr(self, column, getattr(self.team, column))


class Activity(TierScoped):
    """A volunteer activity of a team, at a place on the net."""

    class State(models.TextChoices):
        PUBLISHED = "published", _("Published")
        CANCELLED = "cancelled", _("Cancelled")

    self_access = PUBLISHED

    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, related_name="activities", verbose_name=_("team")
    )
    title = models.CharField(_("title"), max_length=100)
    description = models.TextField(_("description"), max_length=4000, blank=True)
    place = models.CharField(_("place"), max_length=100)
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.PUBLISHED
    )
    min_age = models.PositiveSmallIntegerField(_("minimum age"), default=0)
    skills = models.CharField(_("skills required"), max_length=200, blank=True)
    dangerous = models.BooleanField(_("may endanger safety"), default=False)
    long_term = models.BooleanField(_("lasts one month or more"), default=False)
    large_event = models.BooleanField(_("serves a large event"), default=False)
    outside_province = models.BooleanField(_("outside the province"), default=False)
    foreign_related = models.BooleanField(_("foreign-related"), default=False)
    insurance_confirmed_at = models.DateTimeField(_("insurance confirmed at"), null=True)
    time_bank = models.BooleanField(_("deposits time-bank credits"), default=False)
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("organiser"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    RISK_FLAGS = ("dangerous", "long_term", "large_event", "outside_province", "foreign_related")

    class Meta(TierScoped.Meta):
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["street", "state"], name="activity_street_state")]

    def __str__(self):
        return self.title

    @property
    def is_risky(self) -> bool:
        """A flagged activity needs a signed agreement per volunteer and insurance."""
        return any(getattr(self, flag) for flag in self.RISK_FLAGS)

    def risk_labels(self) -> list[str]:
        return [
            str(self._meta.get_field(f).verbose_name) for f in self.RISK_FLAGS if getattr(self, f)
        ]

    def fill_tier_columns(self):
        # At its own node when one is given, else where its team hangs.
        if self.scope_node() is None and self.team_id is not None:
            for column in self.tier_columns.values():
                setattr(self, column, getattr(self.team, column))
        else:
            super().fill_tier_columns()


class ActivityTag(models.Model):
    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="tags", verbose_name=_("activity")
    )
    tag = models.CharField(_("tag"), max_length=16, choices=Tag.choices)

    class Meta:
        verbose_name = _("activity tag")
        verbose_name_plural = _("activity tags")
        constraints = [models.UniqueConstraint(fields=["activity", "tag"], name="one_tag_once")]
        indexes = [models.Index(fields=["tag", "activity"], name="activity_tag")]

    def __str__(self):
        return self.get_tag_display()


class Shift(TierScoped):
    """A shift of an activity: start, end and capacity (never exceeded)."""

    self_access = PUBLISHED

    activity = models.ForeignKey(
        Activity, on_delete=models.PROTECT, related_name="shifts", verbose_name=_("activity")
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    capacity = models.PositiveIntegerField(_("capacity"))
    booked = models.PositiveIntegerField(_("signed up"), default=0, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta(TierScoped.Meta):
        verbose_name = _("shift")
        verbose_name_plural = _("shifts")
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["street", "starts_at"], name="shift_street_start")]
        constraints = [
            models.CheckConstraint(
                condition=Q(booked__lte=F("capacity")), name="shift_never_overbooked"
            ),
            models.CheckConstraint(
                condition=Q(capacity__gte=1, capacity__lte=MAX_CAPACITY),
                name="shift_capacity_in_range",
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="shift_ends_later"
            ),
        ]

    def __str__(self):
        return f"{self.activity} {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def places_left(self) -> int:
        return max(0, self.capacity - self.booked)

    @property
    def length_hours(self) -> Decimal:
        return Decimal((self.ends_at - self.starts_at).total_seconds()) / Decimal(3600)

    def fill_tier_columns(self):
        if self.activity_id is not None:
            for column in self.tier_columns.values():
                setattr(self, column, getattr(self.activity, column))


class SignUp(TierScoped):
    """A volunteer's sign-up for a shift."""

    class State(models.TextChoices):
        BOOKED = "booked", _("Signed up")
        WAITLISTED = "waitlisted", _("On the waitlist")
        CANCELLED = "cancelled", _("Cancelled")
        ATTENDED = "attended", _("Attended")

    LIVE = ("booked", "waitlisted")

    self_access = OWN

    shift = models.ForeignKey(
        Shift, on_delete=models.PROTECT, related_name="signups", verbose_name=_("shift")
    )
    volunteer = models.ForeignKey(
        Volunteer, on_delete=models.PROTECT, related_name="signups", verbose_name=_("volunteer")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default="booked")
    agreement_signed_at = models.DateTimeField(_("agreement signed at"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    checked_out_at = models.DateTimeField(_("checked out at"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True)
    created_at = models.DateTimeField(_("signed up at"), auto_now_add=True)

    class Meta(TierScoped.Meta):
        verbose_name = _("shift sign-up")
        verbose_name_plural = _("shift sign-ups")
        ordering = ["shift__starts_at", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["shift", "user"],
                condition=Q(state__in=["booked", "waitlisted", "attended"]),
                name="one_signup_per_person_and_shift",
            )
        ]
        indexes = [models.Index(fields=["user", "state"], name="signup_user_state")]

    def __str__(self):
        return f"{self.shift} · {self.volunteer}"

    def fill_tier_columns(self):
        if self.shift_id is not None:
            for column in self.tier_columns.values():
                setattr(self, column, getattr(self.shift, column))


class SignUpEvent(TimelineEntry):
    signup = models.ForeignKey(
        SignUp, on_delete=models.CASCADE, related_name="events", verbose_name=_("sign-up")
    )

    class Meta(TimelineEntry.Meta):
        verbose_name = _("sign-up event")
        verbose_name_plural = _("sign-up events")


class HourEntry(TierScoped):
    """Hours of service: confirmed (checked in and out by the app, or confirmed by the
    organiser) or pending (entered afterwards)."""

    class State(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed")
        PENDING = "pending", _("Pending")
        REJECTED = "rejected", _("Rejected")

    class Source(models.TextChoices):
        CHECKIN = "checkin", _("Checked in on the shift")
        ENTERED = "entered", _("Entered afterwards")

    self_access = OWN

    volunteer = models.ForeignKey(
        Volunteer, on_delete=models.PROTECT, related_name="hours", verbose_name=_("volunteer")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    activity = models.ForeignKey(
        Activity, on_delete=models.PROTECT, related_name="hours", verbose_name=_("activity")
    )
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, related_name="hours", verbose_name=_("team")
    )
    signup = models.OneToOneField(
        SignUp,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hour_entry",
        verbose_name=_("sign-up"),
    )
    served_on = models.DateField(_("served on"))
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1)
    state = models.CharField(_("state"), max_length=16, choices=State.choices)
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("entered by"),
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("confirmed by"),
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta(TierScoped.Meta):
        verbose_name = _("hour entry")
        verbose_name_plural = _("hour entries")
        ordering = ["-served_on", "-id"]
        indexes = [
            models.Index(fields=["volunteer", "served_on"], name="hours_volunteer_day"),
            models.Index(fields=["team", "served_on"], name="hours_team_day"),
            models.Index(fields=["community", "state"], name="hours_comm_state"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gt=0, hours__lte=24), name="hours_within_a_day"
            )
        ]

    def __str__(self):
        return f"{self.volunteer} {self.served_on} {self.hours}"

    def fill_tier_columns(self):
        if self.activity_id is not None:
            for column in self.tier_columns.values():
                setattr(self, column, getattr(self.activity, column))


class HourEvent(TimelineEntry):
    entry = models.ForeignKey(
        HourEntry, on_delete=models.CASCADE, related_name="events", verbose_name=_("hour entry")
    )

    class Meta(TimelineEntry.Meta):
        verbose_name = _("hour entry event")
        verbose_name_plural = _("hour entry events")


class Correction(TierScoped):
    """A volunteer's request to correct their record; the organiser answers in time."""

    class State(models.TextChoices):
        OPEN = "open", _("Waiting for an answer")
        ACCEPTED = "accepted", _("Corrected")
        REFUSED = "refused", _("Refused")

    self_access = OWN

    entry = models.ForeignKey(
        HourEntry, on_delete=models.PROTECT, related_name="corrections", verbose_name=_("entry")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    hours = models.DecimalField(_("hours asked for"), max_digits=5, decimal_places=1)
    reason = models.CharField(_("reason"), max_length=500)
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default="open")
    answer = models.CharField(_("answer"), max_length=500, blank=True)
    due_at = models.DateTimeField(_("answer due"))
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    created_at = models.DateTimeField(_("asked at"), auto_now_add=True)

    class Meta(TierScoped.Meta):
        verbose_name = _("correction")
        verbose_name_plural = _("corrections")
        ordering = ["due_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["entry"], condition=Q(state="open"), name="one_open_correction"
            ),
            models.CheckConstraint(
                condition=Q(hours__gte=0, hours__lte=24), name="correction_hours_in_range"
            ),
        ]

    def __str__(self):
        return f"{self.entry} → {self.hours}"

    def fill_tier_columns(self):
        if self.entry_id is not None:
            for column in self.tier_columns.values():
                setattr(self, column, getattr(self.entry, column))


class RecordNote(TierScoped):
    """The training, awards and evaluation blocks of a volunteer's record (or a team's
    award), kept by the organisation."""

    class Kind(models.TextChoices):
        TRAINING = "training", _("Training")
        AWARD = "award", _("Award")
        EVALUATION = "evaluation", _("Evaluation")
        APPRAISAL = "appraisal", _("Yearly appraisal")

    self_access = OWN

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    volunteer = models.ForeignKey(
        Volunteer,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="notes",
        verbose_name=_("volunteer"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    team = models.ForeignKey(
        Team,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="notes",
        verbose_name=_("team"),
    )
    title = models.CharField(_("title"), max_length=200)
    on = models.DateField(_("date"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta(TierScoped.Meta):
        verbose_name = _("record note")
        verbose_name_plural = _("record notes")
        ordering = ["-on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(volunteer__isnull=False) | Q(team__isnull=False),
                name="note_of_volunteer_or_team",
            )
        ]

    def __str__(self):
        return self.title


class RecordCertificate(TierScoped):
    """A record certificate (志愿服务记录证明) issued by a team through the core."""

    self_access = OWN

    volunteer = models.ForeignKey(Volunteer, on_delete=models.PROTECT, related_name="certificates")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="certificates")
    certificate = models.OneToOneField(
        "certificates.Certificate", on_delete=models.PROTECT, related_name="+"
    )
    hours = models.DecimalField(_("hours"), max_digits=8, decimal_places=1)
    created_at = models.DateTimeField(_("issued at"), auto_now_add=True)

    class Meta(TierScoped.Meta):
        verbose_name = _("record certificate")
        verbose_name_plural = _("record certificates")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.certificate.number

    def fill_tier_columns(self):
        if self.team_id is not None:
            for column in self.tier_columns.values():
                setattr(self, column, getattr(self.team, column))


class TimeBankEntry(TierScoped):
    """One row of a volunteer's time-bank ledger (时间银行): a deposit, a withdrawal or a
    reversal. ``seq`` numbers the account's rows (unique, so two writers of the same
    next row cannot both succeed) and ``balance`` is the running sum after this row,
    which the database keeps at zero or above."""

    class Kind(models.TextChoices):
        DEPOSIT = "deposit", _("Deposit")
        WITHDRAWAL = "withdrawal", _("Withdrawal")
        REVERSAL = "reversal", _("Reversal")

    self_access = OWN

    volunteer = models.ForeignKey(
        Volunteer, on_delete=models.PROTECT, related_name="time_bank", verbose_name=_("volunteer")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    seq = models.PositiveIntegerField(_("number"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    amount = models.DecimalField(_("credits"), max_digits=7, decimal_places=1)
    balance = models.DecimalField(_("balance after"), max_digits=9, decimal_places=1)
    hour_entry = models.OneToOneField(
        HourEntry,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="deposit",
        verbose_name=_("hours deposited"),
    )
    reverses = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversed_by",
        verbose_name=_("reverses"),
    )
    beneficiary = models.CharField(_("served person"), max_length=64, blank=True)
    note = models.CharField(_("note or reason"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta(TierScoped.Meta):
        verbose_name = _("time-bank entry")
        verbose_name_plural = _("time-bank entries")
        ordering = ["volunteer", "-seq"]
        constraints = [
            models.UniqueConstraint(fields=["volunteer", "seq"], name="timebank_one_row_per_seq"),
            models.CheckConstraint(condition=Q(balance__gte=0), name="timebank_never_negative"),
            models.CheckConstraint(condition=~Q(amount=0), name="timebank_amount_not_zero"),
        ]

    def __str__(self):
        return f"{self.volunteer} #{self.seq} {self.amount}"

    def fill_tier_columns(self):
        if self.volunteer_id is not None:
            for column in self.tier_columns.values():
                setattr(self, column, getattr(self.volunteer, column))
