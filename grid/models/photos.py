"""Photos of service requests: what the reporter saw, and what the handler left.

The files live under ``MEDIA_ROOT`` at random paths and are never served from
``MEDIA_URL``: only the scoped view ``grid:request-photo`` streams them, to users who
may see the request."""

import uuid

from django.conf import settings
from django.db import models, transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def _random_path(kind: str, filename: str) -> str:
    extension = ".png" if filename.lower().endswith(".png") else ".jpg"
    now = timezone.localtime()
    return f"requests/{now:%Y}/{now:%m}/{uuid.uuid4().hex}{kind}{extension}"


def photo_path(instance, filename):
    """requests/<yyyy>/<mm>/<uuid>.jpg: nothing of the uploader's file name is kept."""
    return _random_path("", filename)


def thumbnail_path(instance, filename):
    return _random_path("-thumb", filename)


class RequestPhoto(models.Model):
    """One photo of a request: attached by the reporter at submission or by the handler
    with the result, always re-encoded without EXIF (no GPS position of a phone)."""

    class Stage(models.TextChoices):
        REPORT = "report", _("Reported")
        RESULT = "result", _("Result")

    request = models.ForeignKey(
        "grid.ServiceRequest",
        on_delete=models.CASCADE,
        related_name="photos",
        verbose_name=_("request"),
    )
    stage = models.CharField(_("stage"), max_length=8, choices=Stage.choices)
    event = models.ForeignKey(
        "grid.RequestEvent",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="photos",
        verbose_name=_("timeline entry"),
    )
    image = models.FileField(_("image"), upload_to=photo_path, max_length=200)
    thumbnail = models.FileField(_("thumbnail"), upload_to=thumbnail_path, max_length=200)
    content_type = models.CharField(_("content type"), max_length=32, default="image/jpeg")
    width = models.PositiveIntegerField(_("width"))
    height = models.PositiveIntegerField(_("height"))
    size = models.PositiveIntegerField(_("size in bytes"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("request photo")
        verbose_name_plural = _("request photos")
        ordering = ["request_id", "stage", "id"]
        indexes = [models.Index(fields=["request", "stage"], name="request_photo_stage")]

    def __str__(self):
        return f"{self.request_id} {self.stage} {self.pk}"


@receiver(post_delete, sender=RequestPhoto)
def _delete_files(sender, instance, **kwargs):
    """A deleted photo leaves no file behind (after the transaction commits)."""
    names = [f.name for f in (instance.image, instance.thumbnail) if f]
    storage = instance.image.storage

    def remove():
        for name in names:
            storage.delete(name)

    transaction.on_commit(remove)
