"""In-service party members reporting to their community (在职党员双报到) and the two
lists they serve (issue 13).

* ``MemberReport``: an in-service member reports to the community where they live,
  naming their workplace party organisation; the community places them in a grid and a
  team. One report per volunteer (unique).
* ``Need`` (需求清单): an item of the community's needs list with a number of places;
  ``claimed`` moves with ``F()`` under a check constraint, so it never passes ``places``.
  ``NeedClaim``: a member's claim, one live claim per member and item (a partial unique
  index), done by the member and confirmed by the community.
* ``Wish`` (微心愿): a resident's small wish, claimed by one member (a conditional update
  on the open row, and a check constraint tying the claimer to the state), fulfilled,
  and confirmed by the resident; ``WishEvent`` is its timeline.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from core.timeline import TimelineEntry
from grid.scoping import TierScoped

from .service import OWN, Tag, Team, Volunteer

MAX_NEED_PLACES = 50

# The community's needs list and its small wishes are read by the residents living in it
# (names masked); the poster and the claimer see their own.
COMMUNITY_LIST = {"view": [("community", "community_id")]}


class MemberReport(TierScoped):
    """An in-service party member's report to the community where they live."""

    class State(models.TextChoices):
        REPORTED = "reported", _("Reported")
        PLACED = "placed", _("Placed")
        ENDED = "ended", _("Ended")

    self_access = OWN

    volunteer = models.OneToOneField(
        Volunteer, on_delete=models.PROTECT, related_name="report", verbose_name=_("volunteer")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    workplace = models.CharField(_("workplace party organisation"), max_length=100)
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.REPORTED
    )
    placed_grid = models.ForeignKey(
        "grid.Grid",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("placed in grid"),
    )
    team = models.ForeignKey(
        Team,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reported_members",
        verbose_name=_("placed in team"),
    )
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    reported_at = models.DateTimeField(_("reported at"), auto_now_add=True)
    placed_at = models.DateTimeField(_("placed at"), null=True, blank=True)

    class Meta(TierScoped.Meta):
        verbose_name = _("in-service member report")
        verbose_name_plural = _("in-service member reports")
        ordering = ["-reported_at", "-id"]
        indexes = [models.Index(fields=["community", "workplace"], name="report_comm_workplace")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(state="placed") | Q(placed_grid__isnull=False),
                name="report_placed_in_a_grid",
            )
        ]

    def __str__(self):
        return f"{self.volunteer} · {self.workplace}"

    def fill_tier_columns(self):
        if self.volunteer_id is not None:
            for column in self.tier_columns.values():
                setattr(self, column, getattr(self.volunteer, column))


class Need(TierScoped):
    """An item of the community's needs list (需求清单), for members to claim."""

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    self_access = COMMUNITY_LIST

    title = models.CharField(_("title"), max_length=100)
    description = models.TextField(_("description"), max_length=2000, blank=True)
    tag = models.CharField(_("tag"), max_length=16, choices=Tag.choices, default=Tag.OTHER)
    places = models.PositiveSmallIntegerField(_("members wanted"), default=1)
    claimed = models.PositiveSmallIntegerField(_("claimed"), default=0, editable=False)
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.OPEN)
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("posted at"), auto_now_add=True)

    class Meta(TierScoped.Meta):
        verbose_name = _("need")
        verbose_name_plural = _("needs list")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["community", "state"], name="need_comm_state")]
        constraints = [
            models.CheckConstraint(
                condition=Q(claimed__lte=F("places")), name="need_never_overclaimed"
            ),
            models.CheckConstraint(
                condition=Q(places__gte=1, places__lte=MAX_NEED_PLACES),
                name="need_places_in_range",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def places_left(self) -> int:
        return max(0, self.places - self.claimed)


class NeedClaim(TierScoped):
    """A member's claim of an item of the needs list."""

    class State(models.TextChoices):
        CLAIMED = "claimed", _("Claimed")
        DONE = "done", _("Done, to confirm")
        CONFIRMED = "confirmed", _("Confirmed")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    LIVE = ("claimed", "done", "confirmed")

    self_access = OWN

    need = models.ForeignKey(
        Need, on_delete=models.PROTECT, related_name="claims", verbose_name=_("need")
    )
    volunteer = models.ForeignKey(
        Volunteer, on_delete=models.PROTECT, related_name="need_claims", verbose_name=_("member")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.CLAIMED
    )
    note = models.CharField(_("what was done"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("claimed at"), auto_now_add=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta(TierScoped.Meta):
        verbose_name = _("need claim")
        verbose_name_plural = _("need claims")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["need", "user"],
                condition=Q(state__in=["claimed", "done", "confirmed"]),
                name="one_live_claim_per_member_and_need",
            )
        ]

    def __str__(self):
        return f"{self.need} · {self.volunteer}"

    def fill_tier_columns(self):
        if self.need_id is not None:
            for column in self.tier_columns.values():
                setattr(self, column, getattr(self.need, column))


class Wish(TierScoped):
    """A resident's small wish (微心愿): posted, claimed by one member, fulfilled, and
    confirmed by the resident."""

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        CLAIMED = "claimed", _("Claimed")
        FULFILLED = "fulfilled", _("Fulfilled, to confirm")
        CONFIRMED = "confirmed", _("Confirmed")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    WITH_CLAIMER = ("claimed", "fulfilled", "confirmed")

    self_access = {
        "view": [("user", "user_id"), ("user", "claimer_id"), ("community", "community_id")]
    }

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    resident = models.ForeignKey(
        "grid.Resident", on_delete=models.PROTECT, related_name="+", verbose_name=_("resident")
    )
    title = models.CharField(_("wish"), max_length=60)
    description = models.CharField(_("description"), max_length=500, blank=True)
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.OPEN)
    claimed_by = models.ForeignKey(
        Volunteer,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="claimed_wishes",
        verbose_name=_("claimed by"),
    )
    claimer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    fulfil_note = models.CharField(_("how it was fulfilled"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("posted at"), auto_now_add=True)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    fulfilled_at = models.DateTimeField(_("fulfilled at"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)

    class Meta(TierScoped.Meta):
        verbose_name = _("small wish")
        verbose_name_plural = _("small wishes")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["community", "state"], name="wish_comm_state")]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(state__in=["claimed", "fulfilled", "confirmed"], claimed_by__isnull=False)
                    | Q(state__in=["open", "withdrawn"], claimed_by__isnull=True)
                ),
                name="wish_claimer_matches_state",
            )
        ]

    def __str__(self):
        return self.title

    def fill_tier_columns(self):
        if self.resident_id is not None:
            self.building_id = self.resident.household.building_id
        super().fill_tier_columns()


class WishEvent(TimelineEntry):
    wish = models.ForeignKey(
        Wish, on_delete=models.CASCADE, related_name="events", verbose_name=_("small wish")
    )

    class Meta(TimelineEntry.Meta):
        verbose_name = _("small wish event")
        verbose_name_plural = _("small wish events")
