"""Notifications: the outbox that services write in their own transaction, and the
in-portal inbox that the drain task fills from it.

A service never sends anything itself: it writes ``OutboxMessage`` rows next to the
change they announce, so a message exists exactly when the change was committed. A task
enqueued on commit (and a periodic sweep, for an enqueue lost while the broker was down)
delivers the pending rows, each exactly once.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class OutboxMessage(models.Model):
    """One message waiting to go out on one channel to one recipient."""

    class Channel(models.TextChoices):
        INBOX = "inbox", _("In-portal inbox")
        SMS = "sms", _("Text message")

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recipient"),
        help_text=_("Empty for a text message to a resident without an account."),
    )
    payload = models.JSONField(_("payload"), default=dict)
    dedupe_key = models.CharField(_("deduplication key"), max_length=200, unique=True)
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        db_table = "grid_outboxmessage"  # where the request loop began it
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["id"], condition=Q(state="pending"), name="outbox_pending"),
        ]

    def __str__(self):
        return f"{self.channel} {self.dedupe_key} {self.state}"


class Notification(models.Model):
    """One entry of a user's in-portal inbox, about any object (``subject``): its kind
    is one registered in ``core.notify.kinds``."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("user"),
    )
    subject_type = models.ForeignKey(
        "contenttypes.ContentType",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("about (type)"),
    )
    subject_id = models.PositiveBigIntegerField(_("about (id)"), null=True, blank=True)
    subject = GenericForeignKey("subject_type", "subject_id")
    kind = models.CharField(_("kind"), max_length=40)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), max_length=1000, blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    source = models.OneToOneField(
        OutboxMessage,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="notification",
        verbose_name=_("outbox message"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    digested_at = models.DateTimeField(_("in a digest at"), null=True, blank=True)

    class Meta:
        db_table = "grid_notification"
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "-created_at", "-id"], name="notification_user_list"),
            models.Index(
                fields=["user"], condition=Q(read_at__isnull=True), name="notification_unread"
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    @property
    def kind_label(self) -> str:
        from .kinds import kind_or_none

        found = kind_or_none(self.kind)
        return str(found.label) if found else self.kind

    @property
    def level(self) -> str:
        """How the inbox shows it: info, warning or danger."""
        from .kinds import kind_or_none

        found = kind_or_none(self.kind)
        return found.level if found else "info"


class NotificationPreference(models.Model):
    """A user's choice for text messages of one kind (the inbox always gets them)."""

    class Sms(models.TextChoices):
        NOW = "now", _("Text me at once")
        DIGEST = "digest", _("One text a day, in the daily digest")
        OFF = "off", _("No text messages")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preferences",
        verbose_name=_("user"),
    )
    kind = models.CharField(_("kind"), max_length=40)
    sms = models.CharField(_("text messages"), max_length=8, choices=Sms.choices)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notification_preference_once")
        ]

    def __str__(self):
        return f"{self.user_id} {self.kind} {self.sms}"
