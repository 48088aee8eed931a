"""Issuing and revoking certificates (keyword-only, one transaction each)."""

import datetime
import secrets

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.timeline import Conflict

from .models import Certificate

# Crockford's base 32 without the letters read as digits (I, L, O) nor U: a number read
# aloud on the phone or typed from paper is not mistaken.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
PREFIX = "YY"


def new_number(year: int) -> str:
    """``YY-2026-7K3M-Q9TD``: 40 random bits, not guessable from another number."""
    random = "".join(secrets.choice(ALPHABET) for _i in range(8))
    return f"{PREFIX}-{year}-{random[:4]}-{random[4:]}"


def normalize_number(text: str) -> str:
    """A number as typed: upper case, no spaces."""
    return "".join(str(text or "").split()).upper()[:32]


def _content(obj):
    if obj is None:
        return None, None
    return ContentType.objects.get_for_model(obj, for_concrete_model=False), obj.pk


def issue_certificate(
    *,
    kind: str,
    title: str,
    holder_name: str,
    issuer_name: str,
    holder=None,
    issuer=None,
    subject=None,
    details=(),
    issued_by=None,
    issued_on: datetime.date | None = None,
) -> Certificate:
    """Issue a certificate; ``details`` are ``(label, value)`` lines printed on it."""
    holder_name, title, issuer_name = (
        str(holder_name).strip(),
        str(title).strip(),
        str(issuer_name).strip(),
    )
    if not holder_name or not title or not issuer_name:
        raise ValidationError(_("A certificate needs a holder, a title and an issuer."))
    issuer_type, issuer_id = _content(issuer)
    subject_type, subject_id = _content(subject)
    issued_on = issued_on or timezone.localdate()
    lines = [[str(label)[:100], str(value)[:200]] for label, value in details]
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return Certificate.objects.create(
                    number=new_number(issued_on.year),
                    kind=str(kind)[:60],
                    title=title[:200],
                    holder=holder,
                    holder_name=holder_name[:100],
                    issuer_name=issuer_name[:200],
                    issuer_type=issuer_type,
                    issuer_id=issuer_id,
                    subject_type=subject_type,
                    subject_id=subject_id,
                    details=lines,
                    issued_on=issued_on,
                    issued_by=issued_by,
                )
        except IntegrityError:  # the same random number twice: draw again
            continue
    raise RuntimeError("no free certificate number after five draws")


@transaction.atomic
def revoke_certificate(*, certificate: Certificate, reason: str, by=None) -> Certificate:
    """Revoke with a reason: the verification page says so from now on."""
    reason = str(reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for revoking the certificate.")})
    certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if certificate.is_revoked:
        raise Conflict(_("This certificate was revoked already."))
    certificate.revoked_at = timezone.now()
    certificate.revoke_reason = reason[:500]
    certificate.revoked_by = by
    certificate.save(update_fields=["revoked_at", "revoke_reason", "revoked_by"])
    return certificate
