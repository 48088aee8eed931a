"""Applications on a service request that someone else decides (DOMAIN.md): a transfer
(转办) hands the request to another handling unit, which accepts or returns it; an
extension (延期), a return (回退) or a suspension (缓办) is approved or refused by the
tier above the request's handling tier. The first receiver stays responsible (首接负责)
until a transfer is accepted.

Every step checks who may do it, refuses an illegal one with a clear message and
changes nothing, and leaves a timeline entry."""

import datetime

from django.conf import settings
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.notify.services import notify
from core.rules import rule
from core.timeline import Conflict, expect_state, refuse

from ..models import (
    Post,
    RequestApplication,
    ServiceRequestUserGrant,
)
from ..models.approvals import REASON_MAX_LENGTH
from ..permissions import Role
from ..rules import EXTENSION_MAX_DAYS as EXTENSION_RULE
from ..rules import SUSPENSION_MAX_DAYS as SUSPENSION_RULE
from .approval_access import (
    ALLOWED_FROM,
    TIER_APPROVED,
    AppState,
    Kind,
    State,
    is_dispatched_handler,
    is_tier_above,
    is_unit_staff,
    serves,
    unit_staff,
)
from .loop import (
    grant_handler,
    locked,
    record_event,
    require_handler,
    require_worker,
    work_calendar,
)
from .notices import Kind as NoticeKind
from .notices import request_url

# --- helpers -----------------------------------------------------------------------------


def _reason(text, field="reason", message=None):
    text = (text or "").strip()
    if not text:
        refuse({field: message or _("Give a reason.")})
    if len(text) > REASON_MAX_LENGTH:
        refuse({field: _("The reason is longer than %(n)d characters.") % {"n": REASON_MAX_LENGTH}})
    if "\x00" in text:
        refuse({field: _("The text contains characters that are not allowed.")})
    return text


def _note(text):
    text = (text or "").strip()
    if len(text) > REASON_MAX_LENGTH:
        refuse({"note": _("The note is longer than %(n)d characters.") % {"n": REASON_MAX_LENGTH}})
    if "\x00" in text:
        refuse({"note": _("The text contains characters that are not allowed.")})
    return text


def _no_pending(request):
    if request.applications.filter(state=AppState.PENDING).exists():
        raise Conflict(_("This request already has a pending application; wait for its decision."))


def _create(**fields) -> RequestApplication:
    try:
        with transaction.atomic():
            return RequestApplication.objects.create(**fields)
    except IntegrityError as exc:
        raise Conflict(
            _("This request already has a pending application; wait for its decision.")
        ) from exc


def _grant_view(request, users):
    permission = Permission.objects.get(
        content_type__app_label="grid", codename="view_servicerequest"
    )
    ServiceRequestUserGrant.objects.bulk_create(
        [
            ServiceRequestUserGrant(user=u, permission=permission, content_object=request)
            for u in users
        ],
        ignore_conflicts=True,
    )


def _revoke_view(request, unit):
    """Take back the sight of the request given to a unit asked to accept a transfer,
    from those of its staff who do not handle the request anyway."""
    handlers = ServiceRequestUserGrant.objects.filter(
        content_object=request, permission__codename="change_servicerequest"
    ).values("user_id")
    staff = Post.objects.filter(handling_unit=unit, role=Role.UNIT_STAFF).values("user_id")
    ServiceRequestUserGrant.objects.filter(content_object=request, user_id__in=staff).exclude(
        user_id__in=handlers
    ).delete()


def _lock(application):
    """Lock the request, then the application (the order every step takes)."""
    request = locked(application.request)
    application = RequestApplication.objects.select_for_update().get(pk=application.pk)
    application.request = request
    return request, application


def _expect_pending(application):
    if application.state != AppState.PENDING:
        raise Conflict(
            _("This application is already %(state)s.")
            % {"state": application.get_state_display().lower()}
        )


def _close(application, user, state, note):
    application.state = state
    application.decided_by = user
    application.decided_at = timezone.now()
    application.decision_note = note
    application.save(update_fields=["state", "decided_by", "decided_at", "decision_note"])


def _resume_at(resume_on: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(
        resume_on, datetime.time.min, tzinfo=timezone.get_current_timezone()
    )


# --- transfer (转办) ----------------------------------------------------------------------


@transaction.atomic
def propose_transfer(*, user, request, unit, reason: str) -> RequestApplication:
    """A worker of the handling tier asks another handling unit to take the request.
    The unit's staff may see the request until they accept or return it."""
    request = locked(request)
    require_worker(user, request)
    expect_state(request, *ALLOWED_FROM[Kind.TRANSFER])
    reason = _reason(reason, message=_("Say why the request goes to another unit."))
    if unit is None or not serves(unit, request):
        refuse({"unit": _("Choose a handling unit that serves the place of this request.")})
    if unit.pk == request.handler_unit_id:
        refuse({"unit": _("This unit already handles the request.")})
    staff = unit_staff(unit)
    if not staff:
        refuse({"unit": _("This unit has nobody on the portal to accept the transfer.")})
    _no_pending(request)
    application = _create(
        request=request, kind=Kind.TRANSFER, applicant=user, reason=reason, target_unit=unit
    )
    _grant_view(request, staff)
    record_event(request, user, "transfer", request.state, f"{unit}: {reason}")
    with translation.override(settings.LANGUAGE_CODE):  # stored in the site's language
        title = _(
            "Request %(number)s: a transfer to your unit waits for you to accept or return it"
        ) % {"number": request.number}
    notify(
        key=f"transfer:{application.pk}",
        kind=NoticeKind.STATUS,
        title=title,
        body=reason,
        subject=request,
        url=request_url(request),
        recipients=staff,
        actor=user,
    )
    return application


@transaction.atomic
def accept_transfer(*, user, application, note: str = "") -> RequestApplication:
    """The target unit takes the request: it is dispatched to the unit, whose staff get
    the per-request grant; the previous handlers lose theirs."""
    request, application = _lock(application)
    if application.kind != Kind.TRANSFER:
        refuse(_("Only a transfer is accepted or returned."))
    if not is_unit_staff(user, application.target_unit_id):
        raise PermissionDenied(_("Only the staff of the unit asked may accept this transfer."))
    _expect_pending(application)
    expect_state(request, *ALLOWED_FROM[Kind.TRANSFER])
    note = _note(note)
    unit = application.target_unit
    from_state = request.state
    ServiceRequestUserGrant.objects.filter(content_object=request).delete()
    request.state = State.DISPATCHED
    request.handler_user, request.handler_unit = None, unit
    request.save()
    grant_handler(request, unit_staff(unit))
    _close(application, user, AppState.APPROVED, note)
    record_event(request, user, "transfer_accept", from_state, note or str(unit))
    return application


@transaction.atomic
def return_transfer(*, user, application, note: str) -> RequestApplication:
    """The target unit declines, with a reason: the request stays with its first
    receiver, unchanged."""
    request, application = _lock(application)
    if application.kind != Kind.TRANSFER:
        refuse(_("Only a transfer is accepted or returned."))
    if not is_unit_staff(user, application.target_unit_id):
        raise PermissionDenied(_("Only the staff of the unit asked may return this transfer."))
    _expect_pending(application)
    note = _reason(note, "note", _("Say why the unit does not take the request."))
    _revoke_view(request, application.target_unit)
    _close(application, user, AppState.REFUSED, note)
    record_event(request, user, "transfer_return", request.state, note)
    return application


# --- extension, return and suspension -------------------------------------------------------


@transaction.atomic
def apply_for(
    *, user, request, kind: str, reason: str, days=None, resume_on=None
) -> RequestApplication:
    """The handler asks the tier above for an extension of N working days, for a return
    of a case that is not theirs, or for a suspension until a date."""
    if kind not in TIER_APPROVED:
        refuse({"kind": _("Apply for an extension, a return or a suspension.")})
    kind = Kind(kind)
    request = locked(request)
    if kind == Kind.RETURN:
        if not is_dispatched_handler(user, request):
            raise PermissionDenied(
                _("Only the person or unit the request was dispatched to may return it.")
            )
    else:
        require_handler(user, request)
    expect_state(request, *ALLOWED_FROM[kind])
    reason = _reason(reason)
    fields = {}
    if kind == Kind.EXTENSION:
        longest = rule(EXTENSION_RULE, node=request)
        if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= longest:
            refuse({"days": _("Ask for 1 to %(n)d working days.") % {"n": longest}})
        fields["days"] = days
        detail = _("%(n)d working days") % {"n": days}
    elif kind == Kind.SUSPENSION:
        today = timezone.localdate()
        if not isinstance(resume_on, datetime.date) or isinstance(resume_on, datetime.datetime):
            refuse({"resume_on": _("Give the date the handling resumes.")})
        longest = rule(SUSPENSION_RULE, node=request)
        if not today < resume_on <= today + datetime.timedelta(days=longest):
            refuse(
                {
                    "resume_on": _("The resume date must be after today and within %(n)d days.")
                    % {"n": longest}
                }
            )
        if request.suspended_until and request.suspended_until > timezone.now():
            raise Conflict(_("This request is already suspended."))
        fields["resume_on"] = resume_on
        detail = _("until %(date)s") % {"date": resume_on.isoformat()}
    else:
        detail = ""
    _no_pending(request)
    application = _create(request=request, kind=kind, applicant=user, reason=reason, **fields)
    note = f"{detail}: {reason}" if detail else reason
    record_event(request, user, f"{kind}_apply", request.state, note)
    return application


def _require_tier_above(user, application):
    if application.applicant_id == user.pk:
        raise PermissionDenied(_("You cannot decide your own application."))
    if not is_tier_above(user, application.request):
        raise PermissionDenied(
            _("Only the tier above the handling tier may decide this application.")
        )


@transaction.atomic
def approve_application(*, user, application, note: str = "") -> RequestApplication:
    """The tier above approves an extension, a return or a suspension."""
    request, application = _lock(application)
    if application.kind == Kind.TRANSFER:
        refuse(_("A transfer is accepted or returned by the unit asked."))
    _require_tier_above(user, application)
    _expect_pending(application)
    kind = application.kind
    expect_state(request, *ALLOWED_FROM[kind])
    note = _note(note)
    now = timezone.now()
    from_state = request.state
    calendar = work_calendar()
    if kind == Kind.EXTENSION:
        request.due_handle_at = calendar.add(request.due_handle_at or now, application.days, "days")
        request.extension_count += 1
        detail = _("Handle by %(when)s") % {
            "when": timezone.localtime(request.due_handle_at).strftime("%Y-%m-%d %H:%M")
        }
    elif kind == Kind.RETURN:
        ServiceRequestUserGrant.objects.filter(content_object=request).delete()
        request.state = State.REGISTERED
        request.handler_user = request.handler_unit = None
        request.return_count += 1
        detail = ""
    else:
        resume = _resume_at(application.resume_on)
        if resume <= now:
            refuse(_("The resume date has passed; refuse the application or withdraw it."))
        hours = calendar.working_hours_between(now, resume)
        if request.due_handle_at and hours > 0:
            request.due_handle_at = calendar.add_working_hours(request.due_handle_at, hours)
        request.suspended_until = resume
        request.suspension_count += 1
        detail = _("Suspended until %(date)s") % {"date": application.resume_on.isoformat()}
    request.save()
    _close(application, user, AppState.APPROVED, note)
    record_event(
        request,
        user,
        f"{kind}_approve",
        from_state,
        " · ".join(part for part in (detail, note) if part),
    )
    return application


@transaction.atomic
def refuse_application(*, user, application, note: str) -> RequestApplication:
    """The tier above refuses, with a reason; the request is unchanged."""
    request, application = _lock(application)
    if application.kind == Kind.TRANSFER:
        refuse(_("A transfer is accepted or returned by the unit asked."))
    _require_tier_above(user, application)
    _expect_pending(application)
    note = _reason(note, "note", _("Say why the application is refused."))
    _close(application, user, AppState.REFUSED, note)
    record_event(request, user, f"{application.kind}refuse", request.state, note)
    return application


@transaction.atomic
def withdraw_application(*, user, application, note: str = "") -> RequestApplication:
    """The applicant takes back a pending application."""
    request, application = _lock(application)
    if application.applicant_id != user.pk:
        raise PermissionDenied(_("Only the applicant may withdraw this application."))
    _expect_pending(application)
    note = _note(note)
    if application.kind == Kind.TRANSFER:
        _revoke_view(request, application.target_unit)
    _close(application, user, AppState.WITHDRAWN, note)
    record_event(request, user, f"{application.kind}_withdraw", request.state, note)
    return application


DECISIONS = {
    "approve": approve_application,
    "refuse": refuse_application,
    "withdraw": withdraw_application,
    "accept": accept_transfer,
    "return": return_transfer,
}


def decide_application(*, user, application, decision: str, note: str = ""):
    """One entry for every decision; for a transfer, approve means accept and refuse
    means return."""
    if application.kind == Kind.TRANSFER:
        decision = {"approve": "accept", "refuse": "return"}.get(decision, decision)
    elif decision in ("accept", "return"):
        decision = {"accept": "approve", "return": "refuse"}[decision]
    function = DECISIONS.get(decision)
    if function is None:
        refuse({"decision": _("Decide: approve, refuse or withdraw.")})
    return function(user=user, application=application, note=note)
