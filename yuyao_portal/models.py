from django.contrib.auth.models import AbstractUser
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person who signs in: a post holder, a resident or department staff."""

    display_name = models.CharField(_("display name"), max_length=64, blank=True)
    care_mode = models.BooleanField(
        _("elderly-friendly mode"),
        default=False,
        help_text=_("Larger text, stronger contrast and a simpler menu (适老化/关怀模式)."),
    )

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.display_name or self.get_full_name() or self.username


class AppendOnly(PermissionDenied):
    """Raised on any attempt to change or delete an audit event."""

    def __init__(self):
        super().__init__(_("The audit trail is append-only."))


class AuditEventQuerySet(models.QuerySet):
    """Audit events are append-only: no bulk update or delete. The retention purge
    (``yuyao_portal.audit.purge_expired``) is the one deleter and goes around this."""

    def update(self, **kwargs):
        raise AppendOnly()

    def _update(self, values):  # Model.save() of an existing row
        raise AppendOnly()

    def bulk_update(self, objs, fields, batch_size=None):
        raise AppendOnly()

    def delete(self):
        raise AppendOnly()


class AuditEvent(models.Model):
    """One security event: who, when, from where, what, on what. Kept 180 days; reveals
    of whole personal data three years. Append-only, county admins included (and on
    PostgreSQL enforced by a trigger)."""

    class Kind(models.TextChoices):
        LOGIN = "login", _("sign-in")
        LOGIN_FAILED = "login_failed", _("failed sign-in")
        LOGOUT = "logout", _("sign-out")
        LOCKOUT = "lockout", _("sign-in locked")
        PERMISSION_DENIED = "permission_denied", _("permission denied")
        REVEAL = "reveal", _("personal data shown whole")
        POST_CHANGE = "post_change", _("post changed")
        ROLE_CHANGE = "role_change", _("role permissions changed")
        EXPORT_PERSONAL_DATA = "export_personal_data", _("personal data exported")
        OTP_ENROLLED = "otp_enrolled", _("second factor turned on")
        OTP_DISABLED = "otp_disabled", _("second factor turned off")
        OTP_FAILED = "otp_failed", _("wrong second-factor code")
        MODERATION = "moderation", _("post hidden by moderation")

    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    # Kept when the account is deleted: no database constraint, nothing cascades.
    actor = models.ForeignKey(
        "yuyao_portal.User",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    actor_name = models.CharField(_("actor's account"), max_length=150, blank=True)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    target_type = models.ForeignKey(
        "contenttypes.ContentType",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("target type"),
    )
    target_id = models.CharField(_("target id"), max_length=64, blank=True)
    target_text = models.CharField(_("target"), max_length=200, blank=True)
    address = models.CharField(_("address"), max_length=64, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["kind", "at"], name="audit_kind_at"),
            models.Index(fields=["actor", "at"], name="audit_actor_at"),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.get_kind_display()} {self.actor_name}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnly()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnly()
