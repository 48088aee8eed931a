"""Household mobilisation (paper 1.2, issue 13): in an emergency the community asks every
household of a node to nominate one healthy member as a volunteer.

* ``Mobilisation``: started on a community, grid or building by an office; open until it
  is closed.
* ``Nomination``: one per household and mobilisation (unique), naming a living member of
  the household, made by the resident on the phone or by the building leader for them.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from grid.scoping import TierScoped

# Residents read the mobilisations of their community (and nominate where their
# household is below the node); a household reads its own nomination.
COMMUNITY = {"view": [("community", "community_id")]}
HOUSEHOLD = {"view": [("household", "household_id")]}


class Mobilisation(TierScoped):
    class State(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    self_access = COMMUNITY

    title = models.CharField(_("title"), max_length=100)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.OPEN)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta(TierScoped.Meta):
        verbose_name = _("household mobilisation")
        verbose_name_plural = _("household mobilisations")
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["community", "state"], name="mobilisation_comm_state")]

    def __str__(self):
        return self.title

    def household_filter(self) -> dict:
        """The households below the mobilisation's node, as a filter."""
        tier = self.scope_tier()
        return {self.tier_columns[tier]: getattr(self, self.tier_columns[tier])}


class Nomination(TierScoped):
    """A household's volunteer for a mobilisation."""

    self_access = HOUSEHOLD

    mobilisation = models.ForeignKey(
        Mobilisation,
        on_delete=models.PROTECT,
        related_name="nominations",
        verbose_name=_("household mobilisation"),
    )
    household = models.ForeignKey(
        "grid.Household",
        on_delete=models.PROTECT,
        related_name="mobilisation_nominations",
        verbose_name=_("household"),
    )
    resident = models.ForeignKey(
        "grid.Resident", on_delete=models.PROTECT, related_name="+", verbose_name=_("volunteer")
    )
    healthy = models.BooleanField(_("declared healthy"), default=True)
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("nominated at"), auto_now_add=True)

    class Meta(TierScoped.Meta):
        verbose_name = _("household nomination")
        verbose_name_plural = _("household nominations")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["mobilisation", "household"], name="one_nomination_per_household"
            )
        ]

    def __str__(self):
        return f"{self.mobilisation} · {self.household}"

    def fill_tier_columns(self):
        if self.household_id is not None:
            for column in self.tier_columns.values():
                setattr(self, column, getattr(self.household, column))
