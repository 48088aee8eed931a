"""Phone return visits (电话回访): the handling tier calls the resident of a closed
request that was not rated, the next working day after closure."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ReturnVisit(models.Model):
    class Outcome(models.TextChoices):
        SATISFIED = "satisfied", _("Satisfied")
        BASIC = "basic", _("Basically satisfied")
        UNSATISFIED = "unsatisfied", _("Unsatisfied")
        UNREACHABLE = "unreachable", _("Could not be reached")

    # The rating a phone answer stands for (None: no answer, no rating).
    RATINGS = {"satisfied": 5, "basic": 4, "unsatisfied": 2, "unreachable": None}

    request = models.ForeignKey(
        "grid.ServiceRequest",
        on_delete=models.CASCADE,
        related_name="visits",
        verbose_name=_("request"),
    )
    visited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("visited by"),
    )
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)
    at = models.DateTimeField(_("visited at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("return visit")
        verbose_name_plural = _("return visits")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["request", "at"], name="return_visit_request_at")]

    def __str__(self):
        return f"{self.request_id} {self.outcome}"
