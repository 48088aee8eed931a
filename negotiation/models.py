"""Residents' consultation (请你来协商, issue 14).

A resident, a building leader, a grid member or the party organisation raises a topic on
a building, grid or community; the community reviews it within a number of working days
(accept, merge, refer to the request loop, reject: always with a reason); households of
the node support it up to a threshold, which schedules it for consultation; the party
organisation convenes a meeting (in the room, online or both) with an agenda, sign-ins,
written proxies and minutes; a vote decides by rules everyone can read (per person, per
household, or per owner weighted by floor area; quorum and pass threshold), one ballot
per voter across every channel held by a unique constraint; a passed resolution is
published for objections, carried out by tasks and accepted by the residents.

One support and one ballot per voter: both carry a ``voter_key`` (``h:<household>`` or
``p:<resident>``, by the basis) under a unique constraint with their topic or vote, so
two concurrent clicks, a phone and a paper ballot, or a proxy and the voter in person
cannot both be stored.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from core.timeline import TimelineEntry
from grid.scoping import TierScoped

# Who sees consultations: the residents of the node's community, and the proposer.
COMMUNITY_READ = {
    "view": [("community", "community_id"), ("post_community", "community_id")],
}


def _copy_tiers(obj, parent) -> None:
    obj.street_id = parent.street_id
    obj.community_id = parent.community_id
    obj.grid_id = parent.grid_id
    obj.building_id = parent.building_id


class Stakeholder(models.TextChoices):
    RESIDENTS = "residents", _("Residents of the node")
    PROPERTY = "property", _("Property company")
    OWNERS_COMMITTEE = "owners", _("Owners' committee")
    UNITS = "units", _("Units in the community")
    SUPERVISION = "supervision", _("Residents' supervision committee")


class Topic(TierScoped):
    """A matter residents raise for consultation on a building, grid or community."""

    class State(models.TextChoices):
        SUBMITTED = "submitted", _("Awaiting review")
        GATHERING = "gathering", _("Gathering supports")
        SCHEDULED = "scheduled", _("Scheduled for consultation")
        DECIDED = "decided", _("Decided")
        MERGED = "merged", _("Merged into another topic")
        REFERRED = "referred", _("Referred to the request loop")
        REJECTED = "rejected", _("Rejected")

    self_access = {
        "view": [
            ("community", "community_id"),
            ("post_community", "community_id"),
            ("user", "proposer_id"),
        ]
    }

    title = models.CharField(_("title"), max_length=100)
    description = models.TextField(_("description"), max_length=4000)
    stakeholders = models.CharField(_("stakeholders"), max_length=100, blank=True)
    photo = models.ImageField(_("photo"), upload_to="negotiation/topics/", blank=True)
    proposer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="consultation_topics",
        verbose_name=_("proposed by"),
    )
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.SUBMITTED
    )
    review_due = models.DateTimeField(_("review due"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged",
        verbose_name=_("merged into"),
    )
    request = models.ForeignKey(
        "grid.ServiceRequest",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("service request"),
    )
    supports = models.PositiveIntegerField(_("supports"), default=0, editable=False)
    support_goal = models.PositiveIntegerField(_("supports needed"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta(TierScoped.Meta):
        verbose_name = _("consultation topic")
        verbose_name_plural = _("consultation topics")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["community", "state"], name="topic_comm_state")]

    def __str__(self):
        return self.title

    @property
    def is_open_for_support(self) -> bool:
        return self.state == self.State.GATHERING


class TopicEvent(TimelineEntry):
    topic = models.ForeignKey(
        Topic, on_delete=models.CASCADE, related_name="events", verbose_name=_("topic")
    )

    class Meta(TimelineEntry.Meta):
        verbose_name = _("topic event")
        verbose_name_plural = _("topic events")


class Support(models.Model):
    """One support of a topic: one per household (or per person, by the rule)."""

    topic = models.ForeignKey(
        Topic, on_delete=models.CASCADE, related_name="support_rows", verbose_name=_("topic")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    household = models.ForeignKey(
        "grid.Household", on_delete=models.PROTECT, related_name="+", verbose_name=_("household")
    )
    voter_key = models.CharField(_("supporter"), max_length=24)
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("support")
        verbose_name_plural = _("supports")
        constraints = [
            models.UniqueConstraint(fields=["topic", "voter_key"], name="one_support_per_voter")
        ]

    def __str__(self):
        return f"{self.topic_id} · {self.voter_key}"


class HouseholdArea(TierScoped):
    """The floor area an owner's household carries in owners' votes (m²)."""

    self_access = {"view": [("household", "household_id")]}

    household = models.OneToOneField(
        "grid.Household",
        on_delete=models.CASCADE,
        related_name="consultation_area",
        verbose_name=_("household"),
    )
    area = models.DecimalField(_("floor area (m²)"), max_digits=8, decimal_places=2)

    class Meta(TierScoped.Meta):
        verbose_name = _("floor area")
        verbose_name_plural = _("floor areas")
        constraints = [
            models.CheckConstraint(
                condition=Q(area__gt=0, area__lte=10000), name="household_area_positive"
            )
        ]

    def __str__(self):
        return f"{self.household_id}: {self.area}"

    def fill_tier_columns(self):
        if self.household_id is not None:
            _copy_tiers(self, self.household)


class Meeting(TierScoped):
    """A consultation meeting convened by the community party organisation."""

    class Mode(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        ONLINE = "online", _("Online")
        HYBRID = "hybrid", _("In person and online")

    class State(models.TextChoices):
        PLANNED = "planned", _("Planned")
        OPEN = "open", _("In session")
        CLOSED = "closed", _("Closed")
        PUBLISHED = "published", _("Minutes published")

    self_access = COMMUNITY_READ

    topic = models.ForeignKey(
        Topic,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meetings",
        verbose_name=_("topic"),
    )
    title = models.CharField(_("title"), max_length=100)
    mode = models.CharField(_("form"), max_length=16, choices=Mode.choices, default=Mode.HYBRID)
    starts_at = models.DateTimeField(_("starts at"))
    place = models.CharField(_("place"), max_length=100, blank=True)
    online_link = models.CharField(_("online room"), max_length=200, blank=True)
    groups = models.CharField(_("invited groups"), max_length=100, blank=True)
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.PLANNED
    )
    convenor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("convenor"),
    )
    invited = models.PositiveIntegerField(_("invited"), default=0)
    minutes_file = models.FileField(
        _("signed minutes"), upload_to="negotiation/minutes/", blank=True
    )
    countersigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("countersigned by"),
    )
    countersigned_at = models.DateTimeField(_("countersigned at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta(TierScoped.Meta):
        verbose_name = _("consultation meeting")
        verbose_name_plural = _("consultation meetings")
        ordering = ["-starts_at", "-id"]

    def __str__(self):
        return self.title


class AgendaItem(models.Model):
    """An item of a meeting's agenda, and its part of the minutes."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="items", verbose_name=_("meeting")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    title = models.CharField(_("title"), max_length=200)
    positions = models.JSONField(_("positions heard"), default=dict, blank=True)
    resolution = models.TextField(_("resolution"), max_length=4000, blank=True)
    tally = models.CharField(_("tally"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["meeting_id", "order", "id"]

    def __str__(self):
        return self.title


class Attendance(models.Model):
    """A person present at a meeting: signed in in the room (QR or clerk) or online."""

    class Channel(models.TextChoices):
        QR = "qr", _("Room, by QR code")
        CLERK = "clerk", _("Room, by the clerk")
        ONLINE = "online", _("Online")

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="attendances", verbose_name=_("meeting")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("attendee"),
    )
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        verbose_name=_("recorded by"),
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user"], name="one_attendance_per_person")
        ]

    def __str__(self):
        return f"{self.meeting_id} · {self.user_id}"


class Vote(TierScoped):
    """A vote with its question, options, basis and rules."""

    class Basis(models.TextChoices):
        PERSON = "person", _("One vote per person")
        HOUSEHOLD = "household", _("One vote per household")
        AREA = "area", _("Per owner, weighted by floor area")

    class State(models.TextChoices):
        DRAFT = "draft", _("Not open yet")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed, counting")
        TALLIED = "tallied", _("Counted, awaiting sign-off")
        PUBLISHED = "published", _("Result published")

    self_access = COMMUNITY_READ

    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="votes",
        verbose_name=_("meeting"),
    )
    topic = models.ForeignKey(
        Topic,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="votes",
        verbose_name=_("topic"),
    )
    question = models.CharField(_("question"), max_length=200)
    basis = models.CharField(_("basis"), max_length=16, choices=Basis.choices)
    secret = models.BooleanField(_("secret ballot"), default=True)
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    quorum_num = models.PositiveSmallIntegerField(_("quorum (numerator)"), default=2)
    quorum_den = models.PositiveSmallIntegerField(_("quorum (denominator)"), default=3)
    pass_num = models.PositiveSmallIntegerField(_("pass (numerator)"), default=1)
    pass_den = models.PositiveSmallIntegerField(_("pass (denominator)"), default=2)
    pass_strict = models.BooleanField(_("more than (not at least)"), default=True)
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.DRAFT)
    electorate = models.PositiveIntegerField(_("voters entitled"), default=0)
    electorate_area = models.DecimalField(
        _("floor area entitled (m²)"), max_digits=12, decimal_places=2, default=0
    )
    result = models.JSONField(_("result"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("signed off by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta(TierScoped.Meta):
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        ordering = ["-opens_at", "-id"]
        permissions = [
            (
                "countersign_vote",
                _("Can countersign tallies, minutes and acceptance (supervision committee)"),
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=F("opens_at")), name="vote_closes_later"
            ),
            models.CheckConstraint(
                condition=Q(quorum_den__gte=1, pass_den__gte=1)
                & Q(quorum_num__lte=F("quorum_den"), pass_num__lte=F("pass_den")),
                name="vote_shares_at_most_one",
            ),
        ]

    def __str__(self):
        return self.question


class VoteEvent(TimelineEntry):
    vote = models.ForeignKey(
        Vote, on_delete=models.CASCADE, related_name="events", verbose_name=_("vote")
    )

    class Meta(TimelineEntry.Meta):
        verbose_name = _("vote event")
        verbose_name_plural = _("vote events")


class Option(models.Model):
    """An answer of a vote; the first one is the motion (agree)."""

    vote = models.ForeignKey(
        Vote, on_delete=models.CASCADE, related_name="options", verbose_name=_("vote")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    label = models.CharField(_("option"), max_length=100)

    class Meta:
        verbose_name = _("option")
        verbose_name_plural = _("options")
        ordering = ["vote_id", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["vote", "order"], name="one_option_per_place")
        ]

    def __str__(self):
        return self.label


class Proxy(models.Model):
    """A written proxy: a resident lets another verified resident act for them in one
    meeting or one vote; revocable until the vote opens."""

    giver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("given by"),
    )
    giver_key = models.CharField(_("voter"), max_length=24)
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("held by"),
    )
    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="proxies",
        verbose_name=_("meeting"),
    )
    vote = models.ForeignKey(
        Vote,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="proxies",
        verbose_name=_("vote"),
    )
    active = models.BooleanField(_("in force"), default=True)
    created_at = models.DateTimeField(_("given at"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("proxy")
        verbose_name_plural = _("proxies")
        constraints = [
            models.CheckConstraint(
                condition=Q(meeting__isnull=False) | Q(vote__isnull=False),
                name="proxy_for_meeting_or_vote",
            ),
            models.CheckConstraint(condition=~Q(giver=F("holder")), name="proxy_not_to_oneself"),
            models.UniqueConstraint(
                fields=["meeting", "giver_key"],
                condition=Q(active=True, meeting__isnull=False),
                name="one_meeting_proxy_per_voter",
            ),
            models.UniqueConstraint(
                fields=["vote", "giver_key"],
                condition=Q(active=True, vote__isnull=False),
                name="one_vote_proxy_per_voter",
            ),
        ]

    def __str__(self):
        return f"{self.giver_id} → {self.holder_id}"


class Ballot(models.Model):
    """One ballot. ``voter_key`` is the voter by the vote's basis; the unique constraint
    keeps one ballot per voter across every channel."""

    class Channel(models.TextChoices):
        ONLINE = "online", _("Online")
        MEETING = "meeting", _("In the meeting")
        PAPER = "paper", _("Paper")
        PROXY = "proxy", _("By proxy")

    vote = models.ForeignKey(
        Vote, on_delete=models.PROTECT, related_name="ballots", verbose_name=_("vote")
    )
    option = models.ForeignKey(
        Option, on_delete=models.PROTECT, related_name="ballots", verbose_name=_("option")
    )
    voter_key = models.CharField(_("voter"), max_length=24)
    household = models.ForeignKey(
        "grid.Household", on_delete=models.PROTECT, related_name="+", verbose_name=_("household")
    )
    resident = models.ForeignKey(
        "grid.Resident",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("resident"),
    )
    cast_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("cast by"),
    )
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    area = models.DecimalField(_("floor area (m²)"), max_digits=8, decimal_places=2, default=0)
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")
        constraints = [
            models.UniqueConstraint(fields=["vote", "voter_key"], name="one_ballot_per_voter")
        ]

    def __str__(self):
        return f"{self.vote_id} · {self.voter_key}"


class PaperEntry(models.Model):
    """A paper ballot as one of two clerks entered it; the two entries of a voter are
    reconciled into a ballot when they agree."""

    vote = models.ForeignKey(
        Vote, on_delete=models.CASCADE, related_name="paper_entries", verbose_name=_("vote")
    )
    household = models.ForeignKey(
        "grid.Household", on_delete=models.PROTECT, related_name="+", verbose_name=_("household")
    )
    option = models.ForeignKey(
        Option, on_delete=models.PROTECT, related_name="+", verbose_name=_("option")
    )
    clerk = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("entered by"),
    )
    settled = models.BooleanField(_("reconciled"), default=False)
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("paper ballot entry")
        verbose_name_plural = _("paper ballot entries")
        constraints = [
            models.UniqueConstraint(
                fields=["vote", "household", "clerk"], name="one_paper_entry_per_clerk"
            )
        ]

    def __str__(self):
        return f"{self.vote_id} · {self.household_id}"


class Resolution(TierScoped):
    """A passed decision: public notice with an objection window, implementation tasks,
    residents' acceptance, archive."""

    class State(models.TextChoices):
        NOTICE = "notice", _("Public notice")
        IMPLEMENTING = "implementing", _("Being carried out")
        ACCEPTANCE = "acceptance", _("Residents' acceptance")
        ARCHIVED = "archived", _("Accepted and archived")

    self_access = COMMUNITY_READ

    vote = models.OneToOneField(
        Vote, on_delete=models.PROTECT, related_name="resolution", verbose_name=_("vote")
    )
    topic = models.ForeignKey(
        Topic,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="resolutions",
        verbose_name=_("topic"),
    )
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("resolution"), max_length=4000)
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.NOTICE)
    notice_ends = models.DateTimeField(_("objections until"))
    budget_reference = models.CharField(_("budget line (funding)"), max_length=100, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("published by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)

    class Meta(TierScoped.Meta):
        verbose_name = _("resolution")
        verbose_name_plural = _("resolutions")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.title


class ResolutionEvent(TimelineEntry):
    resolution = models.ForeignKey(
        Resolution, on_delete=models.CASCADE, related_name="events", verbose_name=_("resolution")
    )

    class Meta(TimelineEntry.Meta):
        verbose_name = _("resolution event")
        verbose_name_plural = _("resolution events")


class Objection(models.Model):
    resolution = models.ForeignKey(
        Resolution,
        on_delete=models.CASCADE,
        related_name="objections",
        verbose_name=_("resolution"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    text = models.CharField(_("objection"), max_length=1000)
    answer = models.CharField(_("answer"), max_length=1000, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        ordering = ["at", "id"]

    def __str__(self):
        return self.text[:30]


class Task(models.Model):
    """An implementation task of a resolution."""

    resolution = models.ForeignKey(
        Resolution, on_delete=models.CASCADE, related_name="tasks", verbose_name=_("resolution")
    )
    title = models.CharField(_("title"), max_length=200)
    owner_post = models.ForeignKey(
        "grid.Post",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("owner (post)"),
    )
    owner_unit = models.ForeignKey(
        "grid.HandlingUnit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("owner (handling unit)"),
    )
    due = models.DateField(_("deadline"))
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)

    class Meta:
        verbose_name = _("implementation task")
        verbose_name_plural = _("implementation tasks")
        ordering = ["due", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="task_progress_at_most_100")
        ]

    def __str__(self):
        return self.title


class Milestone(models.Model):
    task = models.ForeignKey(
        Task, on_delete=models.CASCADE, related_name="milestones", verbose_name=_("task")
    )
    note = models.CharField(_("what was done"), max_length=500)
    progress = models.PositiveSmallIntegerField(_("progress (%)"))
    photo = models.ImageField(_("photo"), upload_to="negotiation/milestones/", blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["at", "id"]

    def __str__(self):
        return self.note[:30]


class Rating(models.Model):
    """A household's rating of the result (验收评议): one per household."""

    resolution = models.ForeignKey(
        Resolution, on_delete=models.CASCADE, related_name="ratings", verbose_name=_("resolution")
    )
    voter_key = models.CharField(_("rated by"), max_length=24)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    satisfied = models.BooleanField(_("satisfied"))
    comment = models.CharField(_("comment"), max_length=500, blank=True)
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("acceptance rating")
        verbose_name_plural = _("acceptance ratings")
        constraints = [
            models.UniqueConstraint(fields=["resolution", "voter_key"], name="one_rating_per_voter")
        ]

    def __str__(self):
        return f"{self.resolution_id} · {self.voter_key}"
