"""Applications on a service request that someone else decides: a transfer (转办) to
another handling unit, which accepts or returns it, and an extension (延期), a return
(回退) or a suspension (缓办), which the tier above the handling tier approves."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

EXTENSION_MAX_DAYS = 30
SUSPENSION_MAX_DAYS = 90
REASON_MAX_LENGTH = 500


class RequestApplication(models.Model):
    class Kind(models.TextChoices):
        TRANSFER = "transfer", _("Transfer")
        EXTENSION = "extension", _("Extension")
        RETURN = "return", _("Return")
        SUSPENSION = "suspension", _("Suspension")

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    request = models.ForeignKey(
        "grid.ServiceRequest",
        on_delete=models.CASCADE,
        related_name="applications",
        verbose_name=_("request"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.PENDING, db_index=True
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("applicant"),
    )
    reason = models.CharField(_("reason"), max_length=REASON_MAX_LENGTH)
    days = models.PositiveSmallIntegerField(
        _("working days"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(EXTENSION_MAX_DAYS)],
    )
    resume_on = models.DateField(_("resume on"), null=True, blank=True)
    target_unit = models.ForeignKey(
        "grid.HandlingUnit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("transfer to"),
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.CharField(_("decision note"), max_length=REASON_MAX_LENGTH, blank=True)
    created_at = models.DateTimeField(_("applied at"), auto_now_add=True)

    class Meta:
        verbose_name = _("request application")
        verbose_name_plural = _("request applications")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state", "kind"], name="application_state_kind")]
        constraints = [
            models.UniqueConstraint(
                fields=["request"],
                condition=Q(state="pending"),
                name="application_one_pending_per_request",
            ),
            models.CheckConstraint(
                condition=~Q(kind="extension") | Q(days__gte=1, days__lte=EXTENSION_MAX_DAYS),
                name="application_extension_has_days",
            ),
            models.CheckConstraint(
                condition=~Q(kind="suspension") | Q(resume_on__isnull=False),
                name="application_suspension_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(kind="transfer") | Q(target_unit__isnull=False),
                name="application_transfer_has_unit",
            ),
        ]

    def __str__(self):
        return f"{self.request_id} {self.get_kind_display()} {self.get_state_display()}"

    @property
    def is_pending(self):
        return self.state == self.State.PENDING
