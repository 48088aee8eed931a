"""Residents' support of a public request of their community (我也遇到): one support
per resident and request, instead of filing a duplicate."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RequestSupport(models.Model):
    request = models.ForeignKey(
        "grid.ServiceRequest",
        on_delete=models.CASCADE,
        related_name="supports",
        verbose_name=_("request"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("resident"),
    )
    created_at = models.DateTimeField(_("supported at"), auto_now_add=True)

    class Meta:
        verbose_name = _("support of a request")
        verbose_name_plural = _("supports of requests")
        constraints = [
            models.UniqueConstraint(fields=["request", "user"], name="request_support_once")
        ]

    def __str__(self):
        return f"{self.request_id} +1"
