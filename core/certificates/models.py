from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.masking import mask_name


class Certificate(models.Model):
    """A certificate issued by a node of the net to a person: what it certifies
    (``subject``), by whom (``issuer_name``, and the node as ``issuer``), and whether it
    still holds. Its number is printed with a QR code to the public verification page."""

    number = models.CharField(_("certificate number"), max_length=32, unique=True)
    kind = models.CharField(_("kind"), max_length=60)
    title = models.CharField(_("title"), max_length=200)
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="certificates",
        verbose_name=_("holder"),
    )
    holder_name = models.CharField(_("holder's name"), max_length=100)
    issuer_name = models.CharField(_("issued by"), max_length=200)
    issuer_type = models.ForeignKey(
        "contenttypes.ContentType",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    issuer_id = models.PositiveBigIntegerField(null=True, blank=True)
    issuer = GenericForeignKey("issuer_type", "issuer_id")
    subject_type = models.ForeignKey(
        "contenttypes.ContentType",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    subject_id = models.PositiveBigIntegerField(null=True, blank=True)
    subject = GenericForeignKey("subject_type", "subject_id")
    details = models.JSONField(_("details"), default=list, blank=True)
    issued_on = models.DateField(_("issued on"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("issued by (user)"),
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoke_reason = models.CharField(_("reason for revocation"), max_length=500, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("revoked by"),
    )

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-issued_on", "-id"]

    def __str__(self):
        return f"{self.number} {self.title}"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def masked_holder(self) -> str:
        return mask_name(self.holder_name)
