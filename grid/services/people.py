"""Changes to the people on the net: personal data reveals, movements, resident
accounts and their verification against the roster."""

import datetime
import secrets

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import ratelimit
from core.notify.sms import send_sms
from core.timeline import Conflict
from yuyao_portal import audit

from ..models import (
    Household,
    Movement,
    PersonalDataAccess,
    Resident,
    VerificationCode,
    VerificationRequest,
)
from ..pii import validate_phone
from ..scoping import forget_holdings, verify_in_scope

REVEALABLE = {
    "id_number": PersonalDataAccess.Field.ID_NUMBER,
    "phone": PersonalDataAccess.Field.PHONE,
}
CODE_TTL = datetime.timedelta(minutes=10)
CODE_INTERVAL = datetime.timedelta(seconds=60)
CODE_MAX_ATTEMPTS = 5


def can_reveal(user, resident) -> bool:
    return user.has_perm("grid.reveal_resident_pii", resident)


@transaction.atomic
def reveal_personal_data(*, user, resident: Resident, fields, address: str | None = None) -> dict:
    """The whole values of ``fields`` of ``resident``, each logged; refused without the
    reveal permission on this resident."""
    fields = list(dict.fromkeys(fields))
    unknown = [f for f in fields if f not in REVEALABLE]
    if unknown:
        raise ValidationError(_("Only the ID number and the phone can be revealed."))
    if not can_reveal(user, resident):
        raise PermissionDenied(_("Your post may not see this resident's personal data whole."))
    PersonalDataAccess.objects.bulk_create(
        PersonalDataAccess(user=user, resident=resident, field=REVEALABLE[f], address=address)
        for f in fields
    )
    audit.record(
        audit.Kind.REVEAL, actor=user, target=resident, address=address, details={"fields": fields}
    )
    return {f: getattr(resident, f) for f in fields}


def log_export(*, user, detail: str, address: str | None = None) -> None:
    PersonalDataAccess.objects.create(
        user=user, field=PersonalDataAccess.Field.EXPORT, detail=detail[:200], address=address
    )


def _require(user, perm: str, obj) -> None:
    if not user.has_perm(perm, obj):
        raise PermissionDenied(_("Your post may not do this here."))


@transaction.atomic
def record_movement(
    *,
    user,
    resident: Resident,
    kind: str,
    date: datetime.date,
    to_household: Household | None = None,
    note: str = "",
) -> Movement:
    """Record a move in, out, between households, or a death; the resident's state and
    household follow. Nothing is deleted."""
    resident = Resident.objects.select_for_update().get(pk=resident.pk)
    _require(user, "grid.change_resident", resident)
    if date > timezone.localdate():
        raise ValidationError({"date": _("The date cannot be in the future.")})
    if resident.state == Resident.State.DECEASED:
        raise Conflict(_("This resident is recorded as deceased."))
    movement = Movement(resident=resident, kind=kind, date=date, note=note, recorded_by=user)
    if kind in (Movement.Kind.MOVE_IN, Movement.Kind.TRANSFER):
        if to_household is None:
            raise ValidationError({"to_household": _("Choose the household moved into.")})
        if kind == Movement.Kind.MOVE_IN and resident.state == Resident.State.LIVING:
            raise Conflict(_("This resident already lives here: record a move instead."))
        if to_household.pk == resident.household_id and resident.state == Resident.State.LIVING:
            raise ValidationError({"to_household": _("The resident already lives there.")})
        movement.from_household_id = resident.household_id
        movement.to_household = to_household
        resident.household = to_household
        resident.state = Resident.State.LIVING
    elif kind in (Movement.Kind.MOVE_OUT, Movement.Kind.DEATH):
        if resident.state != Resident.State.LIVING:
            raise Conflict(_("This resident no longer lives here."))
        movement.from_household_id = resident.household_id
        resident.state = (
            Resident.State.MOVED_OUT if kind == Movement.Kind.MOVE_OUT else Resident.State.DECEASED
        )
    else:
        raise ValidationError({"kind": _("Unknown kind of movement.")})
    resident.save()
    verify_in_scope(user, resident, "change")
    movement.save()
    Household.objects.filter(head=resident).exclude(pk=resident.household_id).update(head=None)
    if resident.state != Resident.State.LIVING:
        Household.objects.filter(head=resident).update(head=None)
    return movement


# --- resident accounts -------------------------------------------------------------------


@transaction.atomic
def send_verification_code(*, phone: str, purpose: str = "signup", address: str = "") -> None:
    """Send a 6-digit code to ``phone``; at most one a minute and five an hour per phone,
    and ``PORTAL_RATE_LIMITS`` per client ``address`` (``RateLimited``: a 429)."""
    validate_phone(phone)
    now = timezone.now()
    last = VerificationCode.objects.filter(phone=phone, purpose=purpose).first()
    if last is not None and now - last.created_at < CODE_INTERVAL:
        raise ValidationError(_("A code was sent less than a minute ago: please wait."))
    ratelimit.check(
        "verification-code:address",
        address,
        message=_("Too many verification codes were asked for from your address."),
    )
    ratelimit.check(
        "verification-code:phone",
        phone,
        message=_("Too many verification codes were asked for this phone."),
    )
    code = f"{secrets.randbelow(10**6):06d}"
    VerificationCode.objects.create(
        phone=phone,
        purpose=purpose,
        code_hash=VerificationCode.hash(phone, code),
        expires_at=now + CODE_TTL,
    )
    send_sms(phone, _("Your verification code is %(code)s, valid for 10 minutes.") % {"code": code})


@transaction.atomic
def check_verification_code(*, phone: str, code: str, purpose: str = "signup") -> None:
    """Use up the latest code sent to ``phone``; raise if it is wrong or expired."""
    record = (
        VerificationCode.objects.select_for_update()
        .filter(phone=phone, purpose=purpose, used_at__isnull=True)
        .first()
    )
    now = timezone.now()
    if record is None or record.expires_at < now or record.attempts >= CODE_MAX_ATTEMPTS:
        raise ValidationError({"code": _("The code has expired: ask for a new one.")})
    if not secrets.compare_digest(
        record.code_hash, VerificationCode.hash(phone, (code or "").strip())
    ):
        record.attempts += 1
        record.save(update_fields=["attempts"])
        raise ValidationError({"code": _("The code is wrong.")})
    record.used_at = now
    record.save(update_fields=["used_at"])


@transaction.atomic
def register_resident_account(*, phone: str, password: str, code: str, name: str):
    """Create a resident's account (username = phone) after checking the code."""
    from django.contrib.auth.password_validation import validate_password

    validate_phone(phone)
    User = get_user_model()
    if User.objects.filter(username=phone).exists():
        raise ValidationError({"phone": _("An account with this phone already exists: sign in.")})
    user = User(username=phone, display_name=name)
    validate_password(password, user)
    check_verification_code(phone=phone, code=code)
    user.set_password(password)
    user.save()
    return user


@transaction.atomic
def request_household_verification(
    *, user, building, unit: int, room: str, name: str, phone: str, id_last4: str = ""
) -> VerificationRequest:
    """A resident account asks to be linked to its household."""
    if Resident.objects.filter(user=user).exists():
        raise Conflict(_("Your account is already linked to a household."))
    if VerificationRequest.objects.filter(
        user=user, state=VerificationRequest.State.PENDING
    ).exists():
        raise Conflict(_("You already have a request waiting for confirmation."))
    if unit > building.units:
        raise ValidationError(
            {"unit": _("This building has %(units)s units.") % {"units": building.units}}
        )
    request = VerificationRequest(
        user=user,
        building=building,
        unit=unit,
        room=room.strip(),
        name=name.strip(),
        phone=phone,
        id_last4=id_last4.strip().upper(),
    )
    request.full_clean()
    request.save()
    return request


def roster_matches(request: VerificationRequest):
    """Residents of the claimed room whose name matches the request."""
    return Resident.objects.filter(
        household__building_id=request.building_id,
        household__unit=request.unit,
        household__room=request.room,
        name=request.name,
        state=Resident.State.LIVING,
        user__isnull=True,
    )


@transaction.atomic
def confirm_household_verification(*, user, request: VerificationRequest, resident=None):
    """The grid member or building leader confirms the person against the roster."""
    request = VerificationRequest.objects.select_for_update().get(pk=request.pk)
    _require(user, "grid.change_verificationrequest", request)
    if request.state != VerificationRequest.State.PENDING:
        raise Conflict(_("This request has already been decided."))
    candidates = roster_matches(request)
    if resident is None:
        matches = list(candidates[:2])
        if len(matches) != 1:
            raise ValidationError(
                _("No single resident of this room matches: choose the resident or decline.")
            )
        resident = matches[0]
    elif not candidates.filter(pk=resident.pk).exists():
        raise ValidationError({"resident": _("This resident is not in the claimed room.")})
    if request.id_last4 and request.id_last4 != resident.id_last4:
        raise ValidationError(_("The ID number does not match the roster."))
    resident.user = request.user
    resident.save(update_fields=["user", "updated_at"])
    request.state = VerificationRequest.State.CONFIRMED
    request.resident = resident
    request.decided_by = user
    request.decided_at = timezone.now()
    request.save()
    forget_holdings(request.user)
    send_sms(
        request.phone, _("Your household has been confirmed. Welcome to the community portal.")
    )
    return request


@transaction.atomic
def decline_household_verification(*, user, request: VerificationRequest, reason: str):
    request = VerificationRequest.objects.select_for_update().get(pk=request.pk)
    _require(user, "grid.change_verificationrequest", request)
    if request.state != VerificationRequest.State.PENDING:
        raise Conflict(_("This request has already been decided."))
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why the request is declined.")})
    request.state = VerificationRequest.State.DECLINED
    request.reason = reason.strip()[:200]
    request.decided_by = user
    request.decided_at = timezone.now()
    request.save()
    return request
