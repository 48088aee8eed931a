"""Appointments with the community office (预约办事): the office opens slots, on weekday
evenings and at weekends too (the hours allowed are rule parameters), and a verified
resident of the community books one. A slot never holds more bookings than its capacity
(a counter under a check constraint, moved with ``F()`` under the slot's row lock) and a
person holds at most one booking of a slot (a partial unique index)."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from guardian.models import UserObjectPermissionBase

from core.timeline import TimelineEntry
from grid.scoping import TierScoped

MAX_CAPACITY = 50


class Service(models.TextChoices):
    CERTIFICATE = "certificate", _("Certificates and papers")
    CONSULTATION = "consultation", _("Policy consultation")
    PARTY = "party", _("Party-member matters")
    ELDERLY = "elderly", _("Elderly and disability services")
    OTHER = "other", _("Other matters")


class AppointmentSlot(TierScoped):
    """A time at the community office that residents can book."""

    # Residents see the slots of the community they live in.
    self_access = {"view": [("community", "community_id")]}

    service = models.CharField(_("service"), max_length=16, choices=Service.choices)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    place = models.CharField(_("place"), max_length=100, blank=True)
    capacity = models.PositiveSmallIntegerField(_("capacity"), default=1)
    booked = models.PositiveSmallIntegerField(_("booked"), default=0, editable=False)
    is_open = models.BooleanField(_("open for booking"), default=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("opened by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta(TierScoped.Meta):
        verbose_name = _("appointment slot")
        verbose_name_plural = _("appointment slots")
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["community", "starts_at"], name="slot_comm_start")]
        constraints = [
            models.CheckConstraint(
                condition=Q(booked__lte=F("capacity")), name="slot_never_overbooked"
            ),
            models.CheckConstraint(
                condition=Q(capacity__gte=1, capacity__lte=MAX_CAPACITY),
                name="slot_capacity_1_to_50",
            ),
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="slot_ends_later"),
            models.UniqueConstraint(
                fields=["community", "service", "starts_at"], name="one_slot_per_service_and_time"
            ),
        ]

    def __str__(self):
        return f"{self.get_service_display()} {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def places_left(self) -> int:
        return max(0, self.capacity - self.booked)


class Appointment(TierScoped):
    """A resident's booking of a slot."""

    class State(models.TextChoices):
        BOOKED = "booked", _("Booked")
        CANCELLED = "cancelled", _("Cancelled")
        ATTENDED = "attended", _("Attended")
        MISSED = "missed", _("Did not come")

    # Residents see their own bookings.
    self_access = {"view": [("user", "user_id")]}

    slot = models.ForeignKey(
        AppointmentSlot,
        on_delete=models.PROTECT,
        related_name="appointments",
        verbose_name=_("slot"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="appointments",
        verbose_name=_("booked by"),
    )
    resident = models.ForeignKey(
        "grid.Resident",
        on_delete=models.PROTECT,
        related_name="appointments",
        verbose_name=_("resident"),
    )
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.BOOKED)
    note = models.CharField(_("what it is about"), max_length=200, blank=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    booked_at = models.DateTimeField(_("booked at"), auto_now_add=True)
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True)

    class Meta(TierScoped.Meta):
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        ordering = ["slot__starts_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["slot", "user"],
                condition=Q(state="booked"),
                name="one_booking_per_person_and_slot",
            )
        ]
        indexes = [models.Index(fields=["user", "state"], name="appointment_user_state")]

    def __str__(self):
        return f"{self.slot} · {self.resident.name}"

    def fill_tier_columns(self):
        # The booking hangs where its slot hangs: the community office's.
        if self.slot_id is not None:
            self.community_id = self.slot.community_id
            self.street_id = self.slot.street_id
            self.grid_id = self.slot.grid_id
            self.building_id = self.slot.building_id


class AppointmentEvent(TimelineEntry):
    appointment = models.ForeignKey(
        Appointment, on_delete=models.CASCADE, related_name="events", verbose_name=_("appointment")
    )

    class Meta(TimelineEntry.Meta):
        verbose_name = _("appointment event")
        verbose_name_plural = _("appointment events")


class Notice(TierScoped):
    """A notice (社区通知) of a street, community, grid or building office to the people of
    that node: its residents, and the posts below it, who must read it (read receipts)."""

    # Residents see the notices of the nodes they live in, and every post those of the
    # nodes it sits in (the lists narrow it to the notices of their own building, grid,
    # community and street).
    self_access = {
        "view": [
            ("building", "building_id"),
            ("grid", "grid_id"),
            ("community", "community_id"),
            ("street", "street_id"),
            ("post_building", "building_id"),
            ("post_grid", "grid_id"),
            ("post_community", "community_id"),
            ("post_street", "street_id"),
        ]
    }

    title = models.CharField(_("title"), max_length=100)
    body = models.TextField(_("text"), max_length=4000)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("published by"),
    )
    published_at = models.DateTimeField(_("published at"), auto_now_add=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta(TierScoped.Meta):
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-published_at", "-id"]
        indexes = [
            models.Index(fields=["community", "published_at"], name="notice_comm_published"),
            models.Index(fields=["street", "published_at"], name="notice_street_published"),
        ]

    def __str__(self):
        return self.title


class NoticeRead(models.Model):
    """A read receipt: who opened a notice, first when."""

    notice = models.ForeignKey(
        Notice, on_delete=models.CASCADE, related_name="reads", verbose_name=_("notice")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notice_reads",
        verbose_name=_("reader"),
    )
    read_at = models.DateTimeField(_("read at"), auto_now_add=True)

    class Meta:
        verbose_name = _("read receipt")
        verbose_name_plural = _("read receipts")
        constraints = [
            models.UniqueConstraint(fields=["notice", "user"], name="one_receipt_per_reader")
        ]

    def __str__(self):
        return f"{self.notice} · {self.user}"


class BoardPost(TierScoped):
    """A resident's message on the community's board (居民留言板), answered by the
    community office; the office hides a message with a reason (kept in the audit
    trail), residents report what should not be there."""

    class State(models.TextChoices):
        VISIBLE = "visible", _("Visible")
        HIDDEN = "hidden", _("Hidden")

    # The residents of the community read its board; the author always sees their own.
    self_access = {"view": [("community", "community_id"), ("user", "author_id")]}

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="board_posts",
        verbose_name=_("author"),
    )
    author_name = models.CharField(_("shown as"), max_length=40)
    text = models.TextField(_("message"), max_length=1000)
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.VISIBLE
    )
    hidden_reason = models.CharField(_("reason for hiding"), max_length=200, blank=True)
    report_count = models.PositiveIntegerField(_("reports"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta(TierScoped.Meta):
        verbose_name = _("board message")
        verbose_name_plural = _("board messages")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["community", "created_at"], name="board_comm_created")]

    def __str__(self):
        return self.text[:30]


class BoardReply(models.Model):
    """The community office's answer to a message."""

    post = models.ForeignKey(
        BoardPost, on_delete=models.CASCADE, related_name="replies", verbose_name=_("message")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("answered by"),
    )
    text = models.TextField(_("answer"), max_length=1000)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("board answer")
        verbose_name_plural = _("board answers")
        ordering = ["created_at", "id"]

    def __str__(self):
        return self.text[:30]


class BoardReport(models.Model):
    """A resident's report of a message (once per resident and message)."""

    post = models.ForeignKey(
        BoardPost, on_delete=models.CASCADE, related_name="reports", verbose_name=_("message")
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("reported by"),
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        constraints = [
            models.UniqueConstraint(fields=["post", "reporter"], name="one_report_per_reader")
        ]

    def __str__(self):
        return f"{self.post} · {self.reporter}"


class EmergencyKind(models.TextChoices):
    FLOOD = "flood", _("Flood")
    TYPHOON = "typhoon", _("Typhoon")
    EPIDEMIC = "epidemic", _("Epidemic")
    FIRE = "fire", _("Fire")
    OTHER = "other", _("Other emergency")


class Emergency(TierScoped):
    """An emergency (应急状态) a street or community office opens for a node: a broadcast
    to every household of the node, a household roll call (safe / needs help) with live
    coverage by building, help answers turned into service requests; closing it archives
    it with its timeline."""

    class State(models.TextChoices):
        OPEN = "open", _("In force")
        CLOSED = "closed", _("Closed")

    # The people of the node read it (residents and the posts on it), as notices.
    self_access = Notice.self_access

    kind = models.CharField(_("kind"), max_length=16, choices=EmergencyKind.choices)
    title = models.CharField(_("title"), max_length=100)
    message = models.TextField(_("message to households"), max_length=1000)
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.OPEN)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("opened by"),
    )
    opened_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closing_note = models.CharField(_("closing note"), max_length=1000, blank=True)
    households_told = models.PositiveIntegerField(_("households told"), default=0)
    # What core.mobilisation answered when the emergency opened: provider -> its
    # reference or its reason for refusing (the volunteers' household mobilisation).
    mobilisation_links = models.JSONField(
        _("volunteer mobilisation"), default=dict, blank=True, editable=False
    )

    class Meta(TierScoped.Meta):
        verbose_name = _("emergency")
        verbose_name_plural = _("emergencies")
        ordering = ["-opened_at", "-id"]
        indexes = [models.Index(fields=["community", "state"], name="emergency_comm_state")]

    def __str__(self):
        return self.title


class RollCallAnswer(TierScoped):
    """A household's answer to an emergency's roll call: one per household (a unique
    index), answered on the phone by a member or by a post for it; a later answer
    replaces the earlier one and both are in the emergency's timeline."""

    class Status(models.TextChoices):
        SAFE = "safe", _("Safe")
        NEEDS_HELP = "help", _("Needs help")

    # A household sees its own answer.
    self_access = {"view": [("household", "household_id")]}

    emergency = models.ForeignKey(
        Emergency, on_delete=models.CASCADE, related_name="answers", verbose_name=_("emergency")
    )
    household = models.ForeignKey(
        "grid.Household",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("household"),
    )
    status = models.CharField(_("status"), max_length=8, choices=Status.choices)
    note = models.CharField(_("what is needed"), max_length=200, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("answered by"),
    )
    on_behalf = models.BooleanField(_("answered by a post for the household"), default=False)
    answered_at = models.DateTimeField(_("answered at"), default=timezone.now)
    help_request = models.ForeignKey(
        "grid.ServiceRequest",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("help request"),
    )

    class Meta(TierScoped.Meta):
        verbose_name = _("roll-call answer")
        verbose_name_plural = _("roll-call answers")
        ordering = ["building_id", "household_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["emergency", "household"], name="one_answer_per_household"
            )
        ]

    def __str__(self):
        return f"{self.emergency} · {self.household_id} · {self.get_status_display()}"

    def fill_tier_columns(self):
        # The answer hangs on the household's building.
        if self.household_id is not None:
            self.street_id = self.household.street_id
            self.community_id = self.household.community_id
            self.grid_id = self.household.grid_id
            self.building_id = self.household.building_id


class EmergencyEvent(TimelineEntry):
    ACTIONS = {
        "open": _("opened, every household told"),
        "safe": _("a household answered: safe"),
        "help": _("a household needs help"),
        "close": _("closed and archived"),
    }

    emergency = models.ForeignKey(
        Emergency, on_delete=models.CASCADE, related_name="events", verbose_name=_("emergency")
    )

    class Meta(TimelineEntry.Meta):
        verbose_name = _("emergency event")
        verbose_name_plural = _("emergency events")

    @property
    def label(self):
        return self.ACTIONS.get(self.action, self.action)


class InterestGroup(TierScoped):
    """A residents' own interest group (兴趣小组) of a community, with a leader who
    started it, members, and posts among them (E-line groups)."""

    class State(models.TextChoices):
        ACTIVE = "active", _("Active")
        CLOSED = "closed", _("Closed")

    # The residents of the community see its groups (and the posts in them).
    self_access = {"view": [("community", "community_id")]}

    name = models.CharField(_("name"), max_length=40)
    description = models.TextField(_("what the group does"), max_length=500)
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("leader"),
    )
    leader_name = models.CharField(_("leader shown as"), max_length=40)
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.ACTIVE)
    closed_reason = models.CharField(_("reason for closing"), max_length=200, blank=True)
    member_count = models.PositiveIntegerField(_("members"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta(TierScoped.Meta):
        verbose_name = _("interest group")
        verbose_name_plural = _("interest groups")
        ordering = ["-member_count", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "name"],
                condition=Q(state="active"),
                name="one_active_group_per_name",
            )
        ]

    def __str__(self):
        return self.name


class GroupMember(models.Model):
    group = models.ForeignKey(
        InterestGroup, on_delete=models.CASCADE, related_name="members", verbose_name=_("group")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="interest_groups",
        verbose_name=_("member"),
    )
    shown_as = models.CharField(_("shown as"), max_length=40)
    joined_at = models.DateTimeField(_("joined at"), auto_now_add=True)

    class Meta:
        verbose_name = _("group member")
        verbose_name_plural = _("group members")
        ordering = ["joined_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["group", "user"], name="one_membership_per_group")
        ]

    def __str__(self):
        return f"{self.group} · {self.shown_as}"


class GroupPost(models.Model):
    """A member's post in a group; the leader or the community office hides it with a
    reason (an audit event of kind moderation)."""

    group = models.ForeignKey(
        InterestGroup, on_delete=models.CASCADE, related_name="posts", verbose_name=_("group")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("author"),
    )
    author_name = models.CharField(_("shown as"), max_length=40)
    text = models.TextField(_("post"), max_length=1000)
    is_hidden = models.BooleanField(_("hidden"), default=False)
    hidden_reason = models.CharField(_("reason for hiding"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("group post")
        verbose_name_plural = _("group posts")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["group", "created_at"], name="grouppost_group_created")]

    def __str__(self):
        return self.text[:30]


# --- units and property companies on the net (共驻共建) --------------------------------


class UnitKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("Enterprise")
    SCHOOL = "school", _("School")
    HOSPITAL = "hospital", _("Hospital or clinic")
    PARTY_ORG = "party_org", _("Party organisation of a unit")
    PROPERTY_COMPANY = "property_company", _("Property company")
    OTHER = "other", _("Other unit")


# The residents of a community read its directory of units, their resources, projects,
# needs and commitments.
COMMUNITY_READS = {"view": [("community", "community_id")]}


class Unit(TierScoped):
    """A unit in the community on the net (驻区单位: enterprises, schools, hospitals, the
    party organisations of units) or a property company. Where the unit also receives
    dispatched service requests it is the same ``grid.HandlingUnit`` (linked, not
    copied). Its staff act for it through a guardian grant (``UnitUserGrant``)."""

    self_access = COMMUNITY_READS

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=24, choices=UnitKind.choices)
    handling_unit = models.OneToOneField(
        "grid.HandlingUnit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="community_unit",
        verbose_name=_("handling unit of dispatched requests"),
    )
    description = models.TextField(_("what the unit is"), max_length=1000, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=40, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=32, blank=True)
    is_active = models.BooleanField(_("on the net"), default=True)
    joined_on = models.DateField(_("joined on"), default=timezone.localdate)

    class Meta(TierScoped.Meta):
        verbose_name = _("unit on the net")
        verbose_name_plural = _("units on the net")
        ordering = ["kind", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "name"], name="one_unit_name_per_community"
            )
        ]

    def __str__(self):
        return self.name


class UnitUserGrant(UserObjectPermissionBase):
    """A unit's staff member acting for it (django-guardian, direct foreign key)."""

    content_object = models.ForeignKey(Unit, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("unit grant to its staff")
        verbose_name_plural = _("unit grants to their staff")


class HangsOnUnit(TierScoped):
    """What belongs to a unit hangs where the unit hangs."""

    class Meta(TierScoped.Meta):
        abstract = True

    def fill_tier_columns(self):
        if self.unit_id is not None:
            for column in self.tier_columns.values():
                setattr(self, column, getattr(self.unit, column))


class UnitResource(HangsOnUnit):
    """A room, a venue or a service the unit puts at the community's disposal; an
    offered one is on the unit's offers list (双向认领). Rooms and venues are booked by
    time: two accepted requests of one never overlap (held under the resource's row
    lock)."""

    class Kind(models.TextChoices):
        ROOM = "room", pgettext_lazy("unit resource", "Room")
        VENUE = "venue", _("Venue")
        SERVICE = "service", _("Service")

    self_access = COMMUNITY_READS

    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="resources",
        verbose_name=pgettext_lazy("unit on the net", "unit"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), max_length=1000, blank=True)
    capacity = models.PositiveIntegerField(_("people it holds"), null=True, blank=True)
    is_offered = models.BooleanField(_("on the unit's offers list"), default=False)
    is_active = models.BooleanField(_("available"), default=True)

    class Meta(TierScoped.Meta):
        verbose_name = _("unit resource")
        verbose_name_plural = _("unit resources")
        ordering = ["unit_id", "kind", "name", "id"]

    def __str__(self):
        return f"{self.unit} · {self.name}"

    @property
    def is_booked_by_time(self) -> bool:
        return self.kind in (self.Kind.ROOM, self.Kind.VENUE)


class UnitProject(HangsOnUnit):
    """A project the unit runs in or for the community."""

    class State(models.TextChoices):
        PLANNED = "planned", _("Planned")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")

    self_access = COMMUNITY_READS

    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="projects",
        verbose_name=pgettext_lazy("unit on the net", "unit"),
    )
    title = models.CharField(_("title"), max_length=100)
    description = models.TextField(_("description"), max_length=1000, blank=True)
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.PLANNED
    )
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)

    class Meta(TierScoped.Meta):
        verbose_name = _("unit project")
        verbose_name_plural = _("unit projects")
        ordering = ["unit_id", "-starts_on", "id"]

    def __str__(self):
        return self.title


class CommunityNeed(TierScoped):
    """An item of the community's needs list (需求清单) that a unit may claim."""

    class State(models.TextChoices):
        OPEN = "open", _("Open for claiming")
        CLAIMED = "claimed", _("Claimed")
        DONE = "done", _("Met")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    self_access = COMMUNITY_READS

    title = models.CharField(_("title"), max_length=100)
    description = models.TextField(_("what is needed"), max_length=1000)
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.OPEN)
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("posted by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta(TierScoped.Meta):
        verbose_name = _("community need")
        verbose_name_plural = _("community needs")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["community", "state"], name="cneed_comm_state")]

    def __str__(self):
        return self.title


class Commitment(HangsOnUnit):
    """A commitment signed between a unit and the community (共驻共建 双向认领): the unit
    claims an item of the community's needs list, or the community claims an item of
    the unit's offers; one commitment in force per need and per offer (partial unique
    indexes), what was delivered recorded against it."""

    class Side(models.TextChoices):
        UNIT = "unit", _("The unit claimed the community's need")
        COMMUNITY = "community", _("The community claimed the unit's offer")

    class State(models.TextChoices):
        SIGNED = "signed", _("Signed")
        DELIVERED = "delivered", _("Delivered")
        CANCELLED = "cancelled", _("Cancelled")

    self_access = COMMUNITY_READS

    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="commitments",
        verbose_name=pgettext_lazy("unit on the net", "unit"),
    )
    side = models.CharField(_("claimed by"), max_length=16, choices=Side.choices)
    need = models.ForeignKey(
        CommunityNeed,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="commitments",
        verbose_name=_("community need"),
    )
    offer = models.ForeignKey(
        UnitResource,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="commitments",
        verbose_name=_("unit's offer"),
    )
    title = models.CharField(_("what is promised"), max_length=200)
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.SIGNED)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("signed by"),
    )
    signed_at = models.DateTimeField(_("signed at"), auto_now_add=True)

    class Meta(TierScoped.Meta):
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        ordering = ["-signed_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(side="unit", need__isnull=False, offer__isnull=True)
                | Q(side="community", need__isnull=True, offer__isnull=False),
                name="commitment_need_or_offer",
            ),
            models.UniqueConstraint(
                fields=["need"],
                condition=Q(state="signed") & Q(need__isnull=False),
                name="one_commitment_per_need",
            ),
            models.UniqueConstraint(
                fields=["offer"],
                condition=Q(state="signed") & Q(offer__isnull=False),
                name="one_commitment_per_offer",
            ),
        ]

    def __str__(self):
        return self.title


class Delivery(models.Model):
    """What a unit delivered on a commitment (the record of 共驻共建)."""

    commitment = models.ForeignKey(
        Commitment,
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name=_("commitment"),
    )
    what = models.CharField(_("what was delivered"), max_length=300)
    delivered_on = models.DateField(_("delivered on"))
    people = models.PositiveIntegerField(_("people served"), default=0)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["-delivered_on", "-id"]

    def __str__(self):
        return self.what[:40]


class ResourceRequest(TierScoped):
    """A resident's or a team's request to use a unit's resource: requested -> the unit
    accepts or declines -> delivered. A room or venue is asked for a time; the unit
    never accepts two overlapping requests of one resource."""

    class State(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", pgettext_lazy("resource request", "Declined")
        DELIVERED = "delivered", _("Delivered")
        CANCELLED = "cancelled", _("Cancelled")

    # The requester sees their own requests.
    self_access = {"view": [("user", "requested_by_id")]}

    resource = models.ForeignKey(
        UnitResource, on_delete=models.PROTECT, related_name="requests", verbose_name=_("resource")
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="unit_resource_requests",
        verbose_name=_("requested by"),
    )
    requester_name = models.CharField(_("shown as"), max_length=40)
    for_group = models.CharField(_("for the team or group"), max_length=100, blank=True)
    purpose = models.CharField(_("what it is for"), max_length=300)
    starts_at = models.DateTimeField(pgettext_lazy("time", "from"), null=True, blank=True)
    ends_at = models.DateTimeField(pgettext_lazy("time", "until"), null=True, blank=True)
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.REQUESTED
    )
    answer = models.CharField(_("the unit's answer"), max_length=300, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
    )
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta(TierScoped.Meta):
        verbose_name = _("resource request")
        verbose_name_plural = _("resource requests")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["resource", "state", "starts_at"], name="resreq_res_state_start")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_at__isnull=True, ends_at__isnull=True)
                | Q(starts_at__isnull=False, ends_at__gt=F("starts_at")),
                name="resreq_time_in_order",
            )
        ]

    def __str__(self):
        return f"{self.resource} · {self.requester_name}"

    def fill_tier_columns(self):
        if self.resource_id is not None:
            for column in self.tier_columns.values():
                setattr(self, column, getattr(self.resource, column))
