"""Every change of appointments goes through these functions.

The office opens slots (``open_slots``) within the hours the rules allow for the kind of
day; a verified resident of the community books one (``book_appointment``); the slot's
counter moves with ``F()`` under the slot's row lock and a check constraint keeps it
within the capacity, a partial unique index keeps one booking per person and slot.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from core.notify.services import in_site_language, notify
from core.rules import rule
from core.timeline import Conflict, refuse
from core.workdays.calendar import current_calendar
from grid.models import Community, Resident
from grid.scoping import OutOfScope, save_in_scope

from .. import notices
from .. import rules as keys
from ..models import (
    MAX_CAPACITY,
    Appointment,
    AppointmentEvent,
    AppointmentSlot,
)
from ..permissions import AppointmentPerm

MAX_SLOTS_AT_ONCE = 48


def local(moment: datetime.datetime) -> datetime.datetime:
    return timezone.localtime(moment)


def opening_hours(community: Community, day: datetime.date):
    """``(opens, closes)`` in which the office may open slots on ``day``, or None when it
    may not (a weekend day with weekend slots switched off). Public holidays count as
    weekend days and make-up working days as weekdays (the working-day calendar)."""
    workday = current_calendar(days=120).is_workday(day)
    if workday:
        return (
            keys.parse_clock(rule(keys.WEEKDAY_OPENS, node=community)),
            keys.parse_clock(rule(keys.WEEKDAY_CLOSES, node=community)),
        )
    if not rule(keys.WEEKEND_OPEN, node=community):
        return None
    return (
        keys.parse_clock(rule(keys.WEEKEND_OPENS, node=community)),
        keys.parse_clock(rule(keys.WEEKEND_CLOSES, node=community)),
    )


def _aware(day: datetime.date, clock: datetime.time) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, clock))


@transaction.atomic
def open_slots(
    *,
    by,
    community: Community,
    service: str,
    day: datetime.date,
    start: datetime.time,
    end: datetime.time,
    minutes: int,
    capacity: int = 1,
    place: str = "",
) -> list[AppointmentSlot]:
    """Open the slots of ``minutes`` each from ``start`` to ``end`` on ``day``."""
    if day < timezone.localdate():
        refuse({"day": _("Slots cannot be opened on a day that has passed.")})
    if not 10 <= minutes <= 240:
        refuse({"minutes": _("A slot lasts between 10 and 240 minutes.")})
    if not 1 <= capacity <= MAX_CAPACITY:
        refuse(
            {"capacity": _("A slot takes between 1 and %(max)d people.") % {"max": MAX_CAPACITY}}
        )
    if end <= start:
        refuse({"end": _("The end must be later than the start.")})
    hours = opening_hours(community, day)
    if hours is None:
        refuse({"day": _("The office does not open slots at weekends or on holidays here.")})
    opens, closes = hours
    if start < opens or end > closes:
        refuse(
            {
                "start": _("On this day slots may be opened from %(opens)s to %(closes)s.")
                % {"opens": opens.strftime("%H:%M"), "closes": closes.strftime("%H:%M")}
            }
        )
    begin, finish = _aware(day, start), _aware(day, end)
    if begin <= timezone.now():
        refuse({"start": _("Slots cannot start in the past.")})
    step = datetime.timedelta(minutes=minutes)
    times = []
    moment = begin
    while moment + step <= finish:
        times.append(moment)
        moment += step
    if not times:
        refuse({"end": _("The time from start to end is shorter than one slot.")})
    if len(times) > MAX_SLOTS_AT_ONCE:
        refuse({"minutes": _("At most %(max)d slots at once.") % {"max": MAX_SLOTS_AT_ONCE}})
    taken = set(
        AppointmentSlot.objects.filter(
            community=community, service=service, starts_at__in=times
        ).values_list("starts_at", flat=True)
    )
    if taken:
        first = local(min(taken)).strftime("%H:%M")
        refuse({"start": _("A slot of this service at %(time)s exists already.") % {"time": first}})
    slots = []
    for moment in times:
        slot = AppointmentSlot(
            community=community,
            service=service,
            starts_at=moment,
            ends_at=moment + step,
            capacity=capacity,
            place=place.strip()[:100],
            opened_by=by,
        )
        try:
            save_in_scope(by, slot, "add")
        except IntegrityError:
            raise Conflict(_("A slot of this service at this time exists already.")) from None
        slots.append(slot)
    return slots


def _notice_context(appointment: Appointment, reason: str = "") -> dict:
    slot = appointment.slot
    return {
        "service": in_site_language(slot.get_service_display()),
        "when": local(slot.starts_at).strftime("%Y-%m-%d %H:%M"),
        "place": slot.place or in_site_language(slot.community.name),
        "reason": reason or "-",
    }


def _tell(appointment: Appointment, kind: str, key: str, reason: str = "", actor=None):
    resident = appointment.resident
    notify(
        key=key,
        kind=kind,
        recipients=[appointment.user],
        subject=appointment,
        context=_notice_context(appointment, reason),
        url=f"/community/#appointment-{appointment.pk}",
        sms=[(appointment.user, resident.phone)],
        actor=actor,
    )


def bookable_resident(user, slot: AppointmentSlot) -> Resident:
    """The user's resident record if they live in the slot's community, else refuse."""
    resident = (
        Resident.objects.filter(user_id=user.pk, state=Resident.State.LIVING)
        .select_related("household")
        .first()
    )
    if resident is None:
        refuse(_("Only confirmed residents book appointments: confirm your household first."))
    if resident.household.community_id != slot.community_id:
        refuse(_("This slot is for the residents of another community."))
    return resident


@transaction.atomic
def book_appointment(*, user, slot: AppointmentSlot, note: str = "") -> Appointment:
    """Book ``slot`` for ``user``: refused when it is closed, past, beyond the booking
    horizon, full, already booked by them, or when they hold the most bookings allowed."""
    if not getattr(user, "is_authenticated", False):
        refuse(_("Sign in to book an appointment."))
    slot = (
        AppointmentSlot.objects.select_for_update(of=("self",))
        .select_related("community")
        .get(pk=slot.pk)
    )
    resident = bookable_resident(user, slot)
    now = timezone.now()
    if not slot.is_open:
        raise Conflict(_("This slot is closed."))
    if slot.starts_at <= now:
        raise Conflict(_("This slot has started already."))
    horizon = int(rule(keys.DAYS_AHEAD, node=slot.community))
    if local(slot.starts_at).date() > timezone.localdate() + datetime.timedelta(days=horizon):
        refuse(_("Appointments are booked at most %(days)d days ahead.") % {"days": horizon})
    if Appointment.objects.filter(slot=slot, user=user, state=Appointment.State.BOOKED).exists():
        raise Conflict(_("You have booked this slot already."))
    most = int(rule(keys.MAX_ACTIVE, node=slot.community))
    ahead = Appointment.objects.filter(
        user=user, state=Appointment.State.BOOKED, slot__starts_at__gt=now
    ).count()
    if ahead >= most:
        refuse(
            _("You hold %(count)d bookings already; cancel one before booking another.")
            % {"count": ahead}
        )
    moved = AppointmentSlot.objects.filter(pk=slot.pk, booked__lt=F("capacity")).update(
        booked=F("booked") + 1
    )
    if not moved:
        raise Conflict(_("This slot is fully booked. Choose another time."))
    try:
        with transaction.atomic():
            appointment = Appointment.objects.create(
                slot=slot, user=user, resident=resident, note=note.strip()[:200]
            )
    except IntegrityError:
        raise Conflict(_("You have booked this slot already.")) from None
    AppointmentEvent.record(
        appointment=appointment, actor=user, action="book", from_state="", note=appointment.note
    )
    _tell(appointment, notices.BOOKED, f"appointment:{appointment.pk}:booked")
    return appointment


def _release(appointment: Appointment, *, state: str, by, reason: str, action: str):
    previous = appointment.state
    appointment.state = state
    appointment.reason = reason[:200]
    appointment.save(update_fields=["state", "reason"])
    AppointmentSlot.objects.filter(pk=appointment.slot_id, booked__gt=0).update(
        booked=F("booked") - 1
    )
    AppointmentEvent.record(
        appointment=appointment, actor=by, action=action, from_state=previous, note=reason
    )


def _locked(appointment: Appointment) -> Appointment:
    return (
        Appointment.objects.select_for_update(of=("self",))
        .select_related("slot__community", "resident")
        .get(pk=appointment.pk)
    )


def may_keep(user, appointment: Appointment) -> bool:
    """Whether ``user`` works for the office that holds ``appointment``."""
    return user.has_perm(AppointmentPerm.CHANGE_APPOINTMENT, appointment)


@transaction.atomic
def cancel_appointment(*, by, appointment: Appointment, reason: str = "") -> Appointment:
    """The resident cancels until the deadline before the start; the office cancels any
    time before the start, with a reason, and the resident is told."""
    appointment = _locked(appointment)
    reason = (reason or "").strip()
    own = appointment.user_id == by.pk
    office = may_keep(by, appointment)
    if not own and not office:
        raise OutOfScope()
    if appointment.state != Appointment.State.BOOKED:
        raise Conflict(_("Only a booking that is still ahead can be cancelled."))
    slot = appointment.slot
    now = timezone.now()
    if slot.starts_at <= now:
        raise Conflict(_("The appointment has started already."))
    if own and not office:
        hours = Decimal(str(rule(keys.CANCEL_HOURS, node=slot.community)))
        if slot.starts_at - now < datetime.timedelta(hours=float(hours)):
            refuse(
                _(
                    "Bookings are cancelled at least %(hours)s hours before they start; "
                    "call the office instead."
                )
                % {"hours": f"{hours.normalize():f}"}
            )
    if not own and not reason:
        refuse({"reason": _("Tell the resident why the appointment is cancelled.")})
    _release(appointment, state=Appointment.State.CANCELLED, by=by, reason=reason, action="cancel")
    if not own:
        _tell(appointment, notices.CANCELLED, f"appointment:{appointment.pk}:cancelled", reason, by)
    return appointment


@transaction.atomic
def close_slot(*, by, slot: AppointmentSlot, reason: str) -> AppointmentSlot:
    """Close a slot for booking; its bookings are cancelled and the residents told."""
    slot = AppointmentSlot.objects.select_for_update(of=("self",)).get(pk=slot.pk)
    if not by.has_perm(AppointmentPerm.CHANGE_SLOT, slot):
        raise OutOfScope()
    reason = (reason or "").strip()
    if not reason:
        refuse({"reason": _("Give the reason for closing the slot.")})
    if not slot.is_open:
        raise Conflict(_("This slot is closed."))
    slot.is_open = False
    slot.save(update_fields=["is_open"])
    for appointment in slot.appointments.filter(state=Appointment.State.BOOKED):
        appointment = _locked(appointment)
        _release(
            appointment, state=Appointment.State.CANCELLED, by=by, reason=reason, action="cancel"
        )
        _tell(appointment, notices.CANCELLED, f"appointment:{appointment.pk}:cancelled", reason, by)
    return slot


@transaction.atomic
def record_outcome(*, by, appointment: Appointment, attended: bool) -> Appointment:
    """The office records whether the resident came (from the start of the slot on)."""
    appointment = _locked(appointment)
    if not may_keep(by, appointment):
        raise OutOfScope()
    if appointment.state != Appointment.State.BOOKED:
        raise Conflict(_("The outcome of this appointment is recorded already."))
    if appointment.slot.starts_at > timezone.now():
        raise Conflict(_("The outcome is recorded once the appointment has begun."))
    previous = appointment.state
    appointment.state = Appointment.State.ATTENDED if attended else Appointment.State.MISSED
    appointment.save(update_fields=["state"])
    AppointmentEvent.record(
        appointment=appointment, actor=by, action="outcome", from_state=previous
    )
    return appointment


def send_reminders(now: datetime.datetime | None = None) -> int:
    """The deadline sweep: a reminder for each booking starting within the reminder time
    (the longest any community allows is the window searched); idempotent."""
    now = now or timezone.now()
    longest = datetime.timedelta(hours=72)
    due = (
        Appointment.objects.filter(
            state=Appointment.State.BOOKED,
            reminded_at__isnull=True,
            slot__starts_at__gt=now,
            slot__starts_at__lte=now + longest,
        )
        .select_related("slot__community", "resident", "user")
        .order_by("slot__starts_at")[:2000]
    )
    sent = 0
    for appointment in due:
        hours = Decimal(str(rule(keys.REMINDER_HOURS, node=appointment.slot.community)))
        if appointment.slot.starts_at - now > datetime.timedelta(hours=float(hours)):
            continue
        with transaction.atomic():
            updated = Appointment.objects.filter(
                pk=appointment.pk, reminded_at__isnull=True, state=Appointment.State.BOOKED
            ).update(reminded_at=now)
            if updated:
                _tell(appointment, notices.REMINDER, f"appointment:{appointment.pk}:reminder")
                sent += 1
    return sent
