"""Appointments with the community office (预约办事): the office opens slots, on weekday
evenings and at weekends too (the hours allowed are rule parameters), and a verified
resident of the community books one. A slot never holds more bookings than its capacity
(a counter under a check constraint, moved with ``F()`` under the slot's row lock) and a
person holds at most one booking of a slot (a partial unique index)."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

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
