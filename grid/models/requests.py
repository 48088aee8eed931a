"""Residents' service requests (诉求): categories with their time limits, requests in
their closed loop, and the timeline of every transition."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from guardian.models import UserObjectPermissionBase

from core.timeline import TimelineEntry

from ..querysets import ServiceRequestQuerySet
from ..scoping import TierScoped


class LimitUnit(models.TextChoices):
    HOURS = "hours", _("working hours")
    DAYS = "days", _("working days")


class Category(models.Model):
    """A two-level tree; each leaf carries its time limit (a rule parameter, with its
    source and the date it took effect), default handling unit and default publicity."""

    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent category"),
    )
    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=64)
    handle_limit = models.DecimalField(
        _("handling time limit"),
        max_digits=6,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.5"))],
    )
    handle_unit = models.CharField(
        _("unit of the limit"), max_length=8, choices=LimitUnit.choices, default=LimitUnit.DAYS
    )
    limit_source = models.CharField(_("source of the limit"), max_length=200, blank=True)
    limit_effective = models.DateField(_("limit in effect from"), null=True, blank=True)
    default_unit = models.ForeignKey(
        "grid.HandlingUnit",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("default handling unit"),
    )
    public_by_default = models.BooleanField(_("public by default"), default=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("request category")
        verbose_name_plural = _("request categories")
        ordering = ["parent_id", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(parent__isnull=True) | Q(handle_limit__isnull=False),
                name="category_leaf_has_limit",
            )
        ]

    def __str__(self):
        return f"{self.parent.name} / {self.name}" if self.parent_id else self.name

    @property
    def is_leaf(self):
        return self.parent_id is not None


class ServiceRequest(TierScoped):
    """A resident's request on the net, handled at the lowest tier that can."""

    class State(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        REGISTERED = "registered", _("Registered")
        DISPATCHED = "dispatched", _("Dispatched")
        IN_PROGRESS = "in_progress", _("In progress")
        HANDLED = "handled", _("Handled")
        CLOSED = "closed", _("Closed")
        EVALUATED = "evaluated", _("Evaluated")
        REJECTED = "rejected", _("Not accepted")
        DUPLICATE = "duplicate", _("Duplicate")
        CANCELLED = "cancelled", _("Cancelled")

    class Level(models.TextChoices):
        GRID = "grid", _("Grid")
        COMMUNITY = "community", _("Community")
        STREET = "street", _("Street")

    OPEN_STATES = ("submitted", "registered", "dispatched", "in_progress", "handled")
    self_access = {"view": [("user", "reporter_user_id")]}

    number = models.CharField(_("number"), max_length=20, unique=True, editable=False)
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="requests", verbose_name=_("category")
    )
    description = models.TextField(_("description"), max_length=4000)
    reporter = models.ForeignKey(
        "grid.Resident",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="requests",
        verbose_name=_("reporter"),
    )
    reporter_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="service_requests",
        verbose_name=_("reporter's account"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded on behalf by"),
    )
    is_public = models.BooleanField(_("public"), default=False)
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.SUBMITTED, db_index=True
    )
    level = models.CharField(
        _("handling tier"), max_length=16, choices=Level.choices, default=Level.GRID
    )
    place_unmatched = models.BooleanField(
        _("place not matched"),
        default=False,
        db_default=False,  # the county generator's bulk load leaves it out
        help_text=_(
            "Reported with an address or coordinates that match no building of the net: "
            "the registering worker places it."
        ),
    )
    place_text = models.CharField(
        _("place as reported"), max_length=300, blank=True, default="", db_default=""
    )
    handler_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("handler"),
    )
    handler_unit = models.ForeignKey(
        "grid.HandlingUnit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="requests",
        verbose_name=_("handling unit"),
    )
    duplicate_of = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="duplicates",
        verbose_name=_("duplicate of"),
    )
    result = models.TextField(_("result"), max_length=4000, blank=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    due_register_at = models.DateTimeField(_("register by"), null=True, blank=True)
    due_handle_at = models.DateTimeField(_("handle by"), null=True, blank=True)
    register_overdue = models.BooleanField(_("registered late"), default=False)
    handle_overdue = models.BooleanField(_("handled late"), default=False)
    rework_count = models.PositiveSmallIntegerField(_("times re-handled"), default=0)
    # Approved applications (grid/services/approvals.py), counted for the KPIs.
    extension_count = models.PositiveSmallIntegerField(_("times extended"), default=0)
    return_count = models.PositiveSmallIntegerField(_("times returned"), default=0)
    suspension_count = models.PositiveSmallIntegerField(_("times suspended"), default=0)
    suspended_until = models.DateTimeField(_("suspended until"), null=True, blank=True)
    rating = models.PositiveSmallIntegerField(
        _("rating"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    rating_comment = models.CharField(_("rating comment"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("submitted at"), auto_now_add=True, db_index=True)
    registered_at = models.DateTimeField(_("registered at"), null=True, blank=True)
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    objects = ServiceRequestQuerySet.as_manager()

    class Meta(TierScoped.Meta):
        verbose_name = _("service request")
        verbose_name_plural = _("service requests")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["grid", "state", "due_handle_at"], name="request_grid_queue"),
            models.Index(fields=["community", "state", "created_at"], name="request_comm_list"),
            models.Index(fields=["street", "state", "created_at"], name="request_street_list"),
            # A community's requests in a time window, whatever their state (Open311).
            models.Index(fields=["community", "created_at"], name="request_comm_created"),
        ]
        constraints = [
            models.CheckConstraint(
                # A place on the net, or a report kept unmatched for registration.
                condition=Q(building__isnull=False)
                | Q(grid__isnull=False)
                | Q(place_unmatched=True),
                name="request_has_a_place",
            ),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="request_rating_1_to_5",
            ),
        ]

    def __str__(self):
        return f"{self.number} · {self.category.name}"


class RequestEvent(TimelineEntry):
    """One entry of a request's timeline: who did what, when, from which state to which."""

    request = models.ForeignKey(
        ServiceRequest, on_delete=models.CASCADE, related_name="events", verbose_name=_("request")
    )

    class Meta:
        verbose_name = _("request timeline entry")
        verbose_name_plural = _("request timeline")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.request_id} {self.action} {self.from_state}→{self.to_state}"


class ServiceRequestUserGrant(UserObjectPermissionBase):
    """A handler's grant on the one request dispatched to them (django-guardian)."""

    content_object = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("request grant to a handler")
        verbose_name_plural = _("request grants to handlers")
