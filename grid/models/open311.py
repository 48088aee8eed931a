"""Open311 GeoReport v2 partners: the keys issued to partner apps, each bound to one node
of the net (the county, a street or a community), and the requests they submitted."""

import hashlib
import secrets

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..scoping import ScopedQuerySet, TierScoped


def hash_key(plain: str) -> str:
    """Keys are long random tokens: a plain SHA-256 identifies them safely."""
    return hashlib.sha256((plain or "").encode("utf-8", "replace")).hexdigest()


class Open311KeyQuerySet(ScopedQuerySet):
    def for_plain_key(self, plain: str):
        """The active key whose plain text is ``plain`` (or none)."""
        if not plain or len(plain) > 128 or "\x00" in plain:
            return self.none()
        return self.filter(key_hash=hash_key(plain), is_active=True)


class Open311Key(TierScoped):
    """A partner app's key. Bound to a node: county (no tier column), a street or a
    community. The key is shown once when issued; only its hash is kept."""

    name = models.CharField(_("partner"), max_length=100)
    key_hash = models.CharField(_("key hash"), max_length=64, unique=True, editable=False)
    key_prefix = models.CharField(_("key starts with"), max_length=8, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("issued at"), auto_now_add=True)

    objects = Open311KeyQuerySet.as_manager()

    class Meta(TierScoped.Meta):
        verbose_name = _("Open311 partner key")
        verbose_name_plural = _("Open311 partner keys")
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(grid__isnull=True, building__isnull=True),
                name="open311key_county_street_or_community",
            )
        ]

    def __str__(self):
        return f"{self.name} ({self.key_prefix}…)"

    def clean(self):
        super().clean()
        if self.grid_id or self.building_id:
            raise ValidationError(_("A key is bound to the county, a street or a community."))
        if self.community_id and self.street_id and self.community.street_id != self.street_id:
            raise ValidationError({"community": _("This community is not in that street.")})

    def set_new_key(self) -> str:
        """Give the key a new random secret; returns the plain text (shown once)."""
        plain = secrets.token_urlsafe(32)
        self.key_hash = hash_key(plain)
        self.key_prefix = plain[:8]
        return plain

    def node_filter(self) -> dict:
        """The tier-column lookup of everything within the key's node."""
        if self.community_id:
            return {"community_id": self.community_id}
        if self.street_id:
            return {"street_id": self.street_id}
        return {}

    def covers(self, place) -> bool:
        """Whether a building or grid is within the key's node."""
        return all(getattr(place, column) == value for column, value in self.node_filter().items())


class Open311Submission(models.Model):
    """A request a partner app submitted: its key, the token a client can follow it by,
    and what the partner sent besides the request (kept for handlers, never returned)."""

    request = models.OneToOneField(
        "grid.ServiceRequest",
        on_delete=models.CASCADE,
        related_name="open311",
        verbose_name=_("request"),
    )
    key = models.ForeignKey(
        Open311Key, on_delete=models.PROTECT, related_name="submissions", verbose_name=_("key")
    )
    token = models.CharField(_("token"), max_length=40, unique=True)
    media_url = models.URLField(_("media URL"), max_length=500, blank=True)
    contact = models.CharField(_("contact given by the partner"), max_length=300, blank=True)
    device_id = models.CharField(_("device id"), max_length=100, blank=True)
    account_id = models.CharField(_("account id"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("submitted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("Open311 submission")
        verbose_name_plural = _("Open311 submissions")

    def __str__(self):
        return self.token
