"""Training and the workforce (队伍建设, issue 16).

* A **course** is organised by the county, a street or a community (its tier columns are
  the organiser's node), for an audience of post roles; its **sessions** carry the hours
  of the rule (a full day 8, half a day 4, otherwise 1 per hour).
* An **enrolment** is one worker on one course, in the post they train for (its tier
  columns are that post's node, so the worker's own community and street see it); the
  course's counter never passes its capacity (check constraint, ``F()`` under the
  course's row lock); one enrolment per worker and course (unique).
* **Attendance** is one row per enrolment and session (unique), by the session's rotating
  QR code or ticked by the organiser; the hours it credits count toward the yearly quota.
* The worker's **compliance** of a year is computed nightly and on demand into one row
  per worker and year (the board reads those rows).
* **Qualifications** (social work), the **career ladder** (三岗十八级 grade history),
  the **reserve talent pool** and the residents' **appraisal** hang on the worker's post.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from core.timeline import TimelineEntry
from grid.scoping import TierScoped

MAX_CAPACITY = 2000

# The tier columns of a record that hangs on a worker's post: the post's node.
POST_SELF = {"view": [("user", "user_id")]}
# What the posts below an organiser read of its courses and sessions.
POST_NODES = [
    ("post_building", "building_id"),
    ("post_grid", "grid_id"),
    ("post_community", "community_id"),
    ("post_street", "street_id"),
]


class CourseKind(models.TextChoices):
    PRE_JOB = "pre_job", _("Pre-job training")
    ANNUAL = "annual", _("Annual training")
    ROTATION = "rotation", _("Rotation training")
    PARTY = "party", _("Party-member education")
    TOPIC = "topic", _("Special topic")
    MAKE_UP = "make_up", _("Make-up training")


class Assessment(models.TextChoices):
    NONE = "none", _("No assessment")
    PASS_FAIL = "pass_fail", _("Pass or fail")
    SCORE = "score", _("Score with a pass mark")


class Span(models.TextChoices):
    FULL_DAY = "full_day", _("Full day")
    HALF_DAY = "half_day", _("Half a day")
    HOURS = "hours", _("By the hour")


def copy_tiers(target, source) -> None:
    """Hang ``target`` where ``source`` hangs (its four tier columns)."""
    target.street_id = source.street_id
    target.community_id = source.community_id
    target.grid_id = source.grid_id
    target.building_id = source.building_id


class Course(TierScoped):
    """A training course of an organiser node (no node: the county)."""

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        FINISHED = "finished", _("Finished")
        CANCELLED = "cancelled", _("Cancelled")

    self_access = {"view": POST_NODES}

    title = models.CharField(_("title"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=CourseKind.choices)
    audience = models.JSONField(_("audience (post roles)"), default=list, blank=True)
    assessment = models.CharField(
        _("assessment"), max_length=16, choices=Assessment.choices, default=Assessment.NONE
    )
    pass_mark = models.PositiveSmallIntegerField(_("pass mark"), null=True, blank=True)
    capacity = models.PositiveIntegerField(_("capacity"), default=50)
    enrolled = models.PositiveIntegerField(_("enrolled"), default=0, editable=False)
    hours = models.DecimalField(
        _("hours"), max_digits=6, decimal_places=1, default=0, editable=False
    )
    open_enrolment = models.BooleanField(_("workers may enrol themselves"), default=False)
    skill = models.CharField(_("skill taught"), max_length=40, blank=True)
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.OPEN)
    year = models.PositiveSmallIntegerField(_("year"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta(TierScoped.Meta):
        verbose_name = _("training course")
        verbose_name_plural = _("training courses")
        ordering = ["-year", "title", "id"]
        indexes = [models.Index(fields=["kind", "state"], name="course_kind_state")]
        constraints = [
            models.CheckConstraint(
                condition=Q(enrolled__lte=F("capacity")), name="course_never_overbooked"
            ),
            models.CheckConstraint(
                condition=Q(capacity__gte=1, capacity__lte=MAX_CAPACITY),
                name="course_capacity_bounded",
            ),
            models.CheckConstraint(
                condition=Q(pass_mark__isnull=True) | Q(pass_mark__lte=100),
                name="course_pass_mark_bounded",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def organiser_name(self) -> str:
        node = self.scope_node()
        return node.name if node is not None else settings.PORTAL_COUNTY_NAME

    @property
    def places_left(self) -> int:
        return max(0, self.capacity - self.enrolled)


class CourseEvent(TimelineEntry):
    course = models.ForeignKey(
        Course, on_delete=models.CASCADE, related_name="events", verbose_name=_("course")
    )

    class Meta(TimelineEntry.Meta):
        verbose_name = _("course event")
        verbose_name_plural = _("course events")


class Session(TierScoped):
    """One session of a course: when, where (or the online link), who teaches."""

    class State(models.TextChoices):
        PLANNED = "planned", _("Planned")
        CLOSED = "closed", _("Attendance closed")

    self_access = {"view": POST_NODES}

    course = models.ForeignKey(
        Course, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("course")
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    span = models.CharField(_("length"), max_length=16, choices=Span.choices)
    hours = models.DecimalField(_("hours"), max_digits=4, decimal_places=1)
    place = models.CharField(_("place"), max_length=100, blank=True)
    online_link = models.URLField(_("online link"), blank=True)
    trainer = models.CharField(_("trainer"), max_length=60, blank=True)
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.PLANNED
    )
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True)

    class Meta(TierScoped.Meta):
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["course", "starts_at"], name="session_course_start")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="session_ends_later"
            ),
            models.CheckConstraint(condition=Q(hours__gte=0), name="session_hours_positive"),
        ]

    def __str__(self):
        return f"{self.course} · {self.starts_at:%Y-%m-%d %H:%M}"

    def fill_tier_columns(self):
        if self.course_id is not None:
            copy_tiers(self, self.course)


class Enrolment(TierScoped):
    """One worker on one course, in the post they train for."""

    class State(models.TextChoices):
        ENROLLED = "enrolled", _("Enrolled")
        WAITLISTED = "waitlisted", _("On the waiting list")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        COMPLETED = "completed", _("Completed")
        FAILED = "failed", _("Not passed")

    self_access = POST_SELF

    course = models.ForeignKey(
        Course, on_delete=models.PROTECT, related_name="enrolments", verbose_name=_("course")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="training_enrolments",
        verbose_name=_("learner"),
    )
    post = models.ForeignKey(
        "grid.Post", on_delete=models.PROTECT, related_name="+", verbose_name=_("post")
    )
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.ENROLLED
    )
    makeup_for = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="makeups",
        verbose_name=_("make-up for"),
    )
    score = models.PositiveSmallIntegerField(_("score"), null=True, blank=True)
    passed = models.BooleanField(_("assessment passed"), null=True, blank=True)
    hours_credited = models.DecimalField(
        _("hours credited"), max_digits=6, decimal_places=1, default=0
    )
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    certificate = models.ForeignKey(
        "certificates.Certificate",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("certificate"),
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    enrolled_at = models.DateTimeField(_("enrolled at"), auto_now_add=True)

    class Meta(TierScoped.Meta):
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["course_id", "enrolled_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["course", "user"], name="one_enrolment_per_course"),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__lte=100), name="enrolment_score_bounded"
            ),
        ]
        indexes = [
            models.Index(fields=["user", "state"], name="enrolment_user_state"),
            models.Index(fields=["course", "state"], name="enrolment_course_state"),
        ]

    def __str__(self):
        return f"{self.course} · {self.user}"

    def fill_tier_columns(self):
        if self.post_id is not None:
            copy_tiers(self, self.post)


class EnrolmentEvent(TimelineEntry):
    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.CASCADE, related_name="events", verbose_name=_("enrolment")
    )

    class Meta(TimelineEntry.Meta):
        verbose_name = _("enrolment event")
        verbose_name_plural = _("enrolment events")


class Attendance(TierScoped):
    """A learner's attendance of one session (one row per enrolment and session)."""

    class Status(models.TextChoices):
        PRESENT = "present", _("Present")
        LATE = "late", _("Late")
        EXCUSED = "excused", _("Excused (leave)")
        ABSENT = "absent", _("Absent")

    class Method(models.TextChoices):
        QR = "qr", _("QR check-in")
        ORGANISER = "organiser", _("Marked by the organiser")

    self_access = POST_SELF

    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.CASCADE, related_name="attendances", verbose_name=_("enrolment")
    )
    session = models.ForeignKey(
        Session, on_delete=models.PROTECT, related_name="attendances", verbose_name=_("session")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("learner"),
    )
    status = models.CharField(_("attendance"), max_length=16, choices=Status.choices)
    method = models.CharField(_("recorded by"), max_length=16, choices=Method.choices)
    on = models.DateField(_("date"))
    hours = models.DecimalField(_("hours credited"), max_digits=4, decimal_places=1, default=0)
    recorded_at = models.DateTimeField(_("recorded at"), auto_now=True)

    class Meta(TierScoped.Meta):
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ["session__starts_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "session"], name="one_attendance_per_session"
            ),
            models.CheckConstraint(condition=Q(hours__gte=0), name="attendance_hours_positive"),
        ]
        indexes = [models.Index(fields=["user", "on"], name="attendance_user_on")]

    def __str__(self):
        return f"{self.session} · {self.get_status_display()}"

    def fill_tier_columns(self):
        if self.enrolment_id is not None:
            copy_tiers(self, self.enrolment)


class Compliance(TierScoped):
    """A worker's standing for one year (computed nightly and on demand)."""

    class Status(models.TextChoices):
        DONE = "done", _("Quota met")
        ON_TRACK = "on_track", _("On track")
        BEHIND = "behind", _("Behind")
        OVERDUE = "overdue", _("Overdue")

    self_access = POST_SELF

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("worker"),
    )
    post = models.ForeignKey(
        "grid.Post", on_delete=models.CASCADE, related_name="+", verbose_name=_("post")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    quota = models.DecimalField(_("hours required"), max_digits=6, decimal_places=1)
    hours = models.DecimalField(_("hours this year"), max_digits=6, decimal_places=1)
    needs = models.JSONField(_("needs"), default=list, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices)
    computed_at = models.DateTimeField(_("computed at"), auto_now=True)

    class Meta(TierScoped.Meta):
        verbose_name = _("training compliance")
        verbose_name_plural = _("training compliance")
        ordering = ["year", "status", "id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "year"], name="one_compliance_per_year")
        ]
        indexes = [
            models.Index(fields=["year", "community"], name="compliance_year_comm"),
            models.Index(fields=["year", "street"], name="compliance_year_street"),
        ]

    def __str__(self):
        return f"{self.user} · {self.year} · {self.get_status_display()}"

    def fill_tier_columns(self):
        if self.post_id is not None:
            copy_tiers(self, self.post)


class Qualification(TierScoped):
    """A social-work qualification (社会工作者职业资格) with its registration period."""

    class Level(models.TextChoices):
        ASSISTANT = "assistant", _("Assistant social worker")
        INTERMEDIATE = "intermediate", _("Social worker (intermediate)")
        SENIOR = "senior", _("Senior social worker")

    self_access = POST_SELF

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("holder"),
    )
    post = models.ForeignKey(
        "grid.Post", on_delete=models.CASCADE, related_name="+", verbose_name=_("post")
    )
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    number = models.CharField(_("certificate number"), max_length=40, blank=True)
    registered_on = models.DateField(_("registered on"))
    expires_on = models.DateField(_("registration expires on"))
    alerted_before_on = models.DateField(null=True, blank=True, editable=False)
    alerted_after_on = models.DateField(null=True, blank=True, editable=False)

    class Meta(TierScoped.Meta):
        verbose_name = _("qualification")
        verbose_name_plural = _("qualifications")
        ordering = ["expires_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__gt=F("registered_on")), name="qualification_expires_later"
            )
        ]

    def __str__(self):
        return f"{self.user} · {self.get_level_display()}"

    def fill_tier_columns(self):
        if self.post_id is not None:
            copy_tiers(self, self.post)


class Ladder(models.TextChoices):
    HEAD = "head", _("Head post")
    DEPUTY = "deputy", _("Deputy post")
    OTHER = "other", _("Other post")


class GradeRecord(TierScoped):
    """One step of a worker's grade history on the career ladder (三岗十八级)."""

    self_access = POST_SELF

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("worker"),
    )
    post = models.ForeignKey(
        "grid.Post", on_delete=models.CASCADE, related_name="+", verbose_name=_("post")
    )
    ladder = models.CharField(_("post kind"), max_length=16, choices=Ladder.choices)
    grade = models.PositiveSmallIntegerField(_("grade"))
    since = models.DateField(_("since"))
    reason = models.CharField(_("reason"), max_length=200)
    approved_by = models.ForeignKey(
        "grid.Post",
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("approving post"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta(TierScoped.Meta):
        verbose_name = _("grade record")
        verbose_name_plural = _("grade records")
        ordering = ["user_id", "-since", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(grade__gte=1, grade__lte=18), name="grade_within_ladder"
            )
        ]

    def __str__(self):
        return f"{self.user} · {self.get_ladder_display()} {self.grade}"

    def fill_tier_columns(self):
        if self.post_id is not None:
            copy_tiers(self, self.post)


class Nomination(TierScoped):
    """A nomination to the reserve talent pool (后备人才库) with a development plan."""

    class State(models.TextChoices):
        NOMINATED = "nominated", _("Nominated")
        IN_POOL = "in_pool", _("In the pool")
        REMOVED = "removed", _("Removed")

    self_access = POST_SELF

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("worker"),
    )
    post = models.ForeignKey(
        "grid.Post", on_delete=models.CASCADE, related_name="+", verbose_name=_("post")
    )
    reason = models.CharField(_("reason"), max_length=200)
    plan = models.TextField(_("development plan"), max_length=2000, blank=True)
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.NOMINATED
    )
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("nominated by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta(TierScoped.Meta):
        verbose_name = _("talent-pool nomination")
        verbose_name_plural = _("talent-pool nominations")
        ordering = ["-created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=~Q(state="removed"), name="one_live_nomination"
            )
        ]

    def __str__(self):
        return f"{self.user} · {self.get_state_display()}"

    def fill_tier_columns(self):
        if self.post_id is not None:
            copy_tiers(self, self.post)


class Campaign(TierScoped):
    """A community's yearly appraisal of its workers by residents (满意度测评)."""

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    self_access = {"view": [("community", "community_id"), *POST_NODES]}

    title = models.CharField(_("title"), max_length=100)
    year = models.PositiveSmallIntegerField(_("year"))
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.OPEN)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta(TierScoped.Meta):
        verbose_name = _("appraisal campaign")
        verbose_name_plural = _("appraisal campaigns")
        ordering = ["-year", "id"]
        constraints = [
            models.UniqueConstraint(fields=["community", "year"], name="one_campaign_per_year")
        ]

    def __str__(self):
        return self.title


class Rating(TierScoped):
    """A resident's 1–5 rating of a worker who served them. The rater is kept only for
    the one-per-campaign rule: no list, page or export shows who rated what."""

    class Source(models.TextChoices):
        CAMPAIGN = "campaign", _("Yearly appraisal")
        REQUEST = "request", _("A closed request")
        CONSULTATION = "consultation", _("A consultation")
        ACTIVITY = "activity", _("An activity")

    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("worker"),
    )
    post = models.ForeignKey(
        "grid.Post", on_delete=models.CASCADE, related_name="+", verbose_name=_("post")
    )
    rater = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("rater"),
    )
    campaign = models.ForeignKey(
        Campaign,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="ratings",
        verbose_name=_("campaign"),
    )
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    source_id = models.PositiveBigIntegerField(_("source record"), null=True, blank=True)
    score = models.PositiveSmallIntegerField(_("rating"))
    comment = models.CharField(_("comment"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta(TierScoped.Meta):
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        ordering = ["-created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(score__gte=1, score__lte=5), name="rating_1_to_5"),
            models.UniqueConstraint(
                fields=["campaign", "rater", "worker"],
                condition=Q(campaign__isnull=False),
                name="one_rating_per_campaign",
            ),
            models.UniqueConstraint(
                fields=["source", "source_id", "rater", "worker"],
                condition=Q(campaign__isnull=True),
                name="one_rating_per_service",
            ),
        ]
        indexes = [models.Index(fields=["worker", "campaign"], name="rating_worker_campaign")]

    def __str__(self):
        return f"{self.worker} · {self.score}"

    def fill_tier_columns(self):
        if self.post_id is not None:
            copy_tiers(self, self.post)
