"""Every change of appointments goes through these functions.

The office opens slots (``open_slots``) within the hours the rules allow for the kind of
day; a verified resident of the community books one (``book_appointment``); the slot's
counter moves with ``F()`` under the slot's row lock and a check constraint keeps it
within the capacity, a partial unique index keeps one booking per person and slot.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from core.notify.services import in_site_language, notify
from core.rules import rule
from core.timeline import Conflict, refuse
from core.workdays.calendar import current_calendar
from grid.models import Community, Post, Resident
from grid.scoping import OutOfScope, save_in_scope, tier_column
from yuyao_portal import audit

from . import notices
from . import rules as keys
from .models import (
    MAX_CAPACITY,
    Appointment,
    AppointmentEvent,
    AppointmentSlot,
    BoardPost,
    BoardReply,
    BoardReport,
    Notice,
    NoticeRead,
)
from .permissions import AppointmentPerm, BoardPerm

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


# --- notices ------------------------------------------------------------------------


def required_readers(notice: Notice):
    """The users whose active posts sit on the notice's node or below it: they must read
    it (the publisher aside)."""
    tier = notice.scope_tier()
    column = tier_column(Post, tier)
    node_id = getattr(notice, notice.tier_columns[tier])
    posts = Post.objects.filter(is_active=True, **{column: node_id})
    return (
        get_user_model()
        .objects.filter(pk__in=posts.values("user_id"), is_active=True)
        .exclude(pk=notice.published_by_id)
        .order_by("username")
    )


def residents_reached(notice: Notice):
    """The users of the residents living on the notice's node."""
    tier = notice.scope_tier()
    node_id = getattr(notice, notice.tier_columns[tier])
    living = Resident.objects.filter(
        state=Resident.State.LIVING,
        user__isnull=False,
        **{f"household__{notice.tier_columns[tier]}": node_id},
    )
    return get_user_model().objects.filter(pk__in=living.values("user_id"), is_active=True)


@transaction.atomic
def publish_notice(*, by, node, title: str, body: str) -> Notice:
    """Publish a notice on ``node`` (a street, community, grid or building the user's
    post may publish on); its residents and the posts below it are told in the inbox."""
    title, body = (title or "").strip(), (body or "").strip()
    errors = {}
    if not title:
        errors["title"] = _("Give the notice a title.")
    elif len(title) > 100:
        errors["title"] = _("The title is at most 100 characters.")
    if not body:
        errors["body"] = _("Write the text of the notice.")
    elif len(body) > 4000:
        errors["body"] = _("The text is at most 4,000 characters.")
    if errors:
        refuse(errors)
    notice = Notice(title=title, body=body, published_by=by, **{node.tier.value: node})
    save_in_scope(by, notice, "add")
    readers = list(required_readers(notice)[:5000]) + list(residents_reached(notice)[:20000])
    notify(
        key=f"notice:{notice.pk}",
        kind=notices.NOTICE,
        recipients=readers,
        subject=notice,
        context={"office": in_site_language(node.name), "title": title, "body": body[:300]},
        url=f"/community/notices/{notice.pk}/",
        actor=by,
    )
    return notice


def mark_notice_read(*, user, notice: Notice) -> None:
    """Record that ``user`` opened ``notice`` (once: the unique receipt keeps the first
    opening, concurrent ones included)."""
    if getattr(user, "is_authenticated", False):
        NoticeRead.objects.bulk_create(
            [NoticeRead(notice=notice, user=user)], ignore_conflicts=True
        )


def receipts(notice: Notice) -> tuple[list, list]:
    """``(read, not_yet)``: the required readers who opened the notice, with when, and
    those who have not."""
    readers = list(required_readers(notice)[:5000])
    opened = dict(
        NoticeRead.objects.filter(notice=notice, user__in=readers).values_list("user_id", "read_at")
    )
    read = [(user, opened[user.pk]) for user in readers if user.pk in opened]
    not_yet = [user for user in readers if user.pk not in opened]
    return read, not_yet


# --- the residents' message board -------------------------------------------------------


def _text(value: str, *, field: str, limit: int) -> str:
    text = (value or "").strip()
    if not text:
        refuse({field: _("Write something first.")})
    if len(text) > limit:
        refuse({field: _("At most %(limit)d characters.") % {"limit": limit}})
    return text


@transaction.atomic
def post_message(*, user, text: str) -> BoardPost:
    """A confirmed resident writes on their community's board (a few a day at most)."""
    resident = (
        Resident.objects.filter(user_id=getattr(user, "pk", None), state=Resident.State.LIVING)
        .select_related("household")
        .first()
    )
    if resident is None:
        refuse(_("Only confirmed residents write on the board: confirm your household first."))
    text = _text(text, field="text", limit=1000)
    community = resident.household.community
    most = int(rule(keys.BOARD_POSTS_PER_DAY, node=community))
    since = timezone.now() - datetime.timedelta(days=1)
    if BoardPost.objects.filter(author=user, created_at__gte=since).count() >= most:
        refuse(_("At most %(count)d messages a day.") % {"count": most})
    # Shown by surname only: 张* (masked like everywhere on public pages).
    shown = f"{resident.name[:1]}*" if resident.name else _("Resident")
    return BoardPost.objects.create(
        community_id=community.pk, author=user, author_name=shown, text=text
    )


def _office_post(by, post: BoardPost) -> BoardPost:
    post = BoardPost.objects.select_for_update(of=("self",)).get(pk=post.pk)
    if not by.has_perm(BoardPerm.CHANGE_POST, post):
        raise OutOfScope()
    return post


@transaction.atomic
def answer_message(*, by, post: BoardPost, text: str) -> BoardReply:
    """The community office answers; the author is told."""
    post = _office_post(by, post)
    reply = BoardReply.objects.create(
        post=post, author=by, text=_text(text, field="text", limit=1000)
    )
    notify(
        key=f"board:{post.pk}:reply:{reply.pk}",
        kind=notices.BOARD_ANSWER,
        recipients=[post.author],
        subject=post,
        context={"text": reply.text[:200]},
        url=f"/community/board/#message-{post.pk}",
        actor=by,
    )
    return reply


@transaction.atomic
def hide_message(*, by, post: BoardPost, reason: str) -> BoardPost:
    """The office hides a message, with a reason kept in the audit trail."""
    post = _office_post(by, post)
    reason = (reason or "").strip()
    if not reason:
        refuse({"reason": _("Give the reason for hiding the message.")})
    if post.state == BoardPost.State.HIDDEN:
        raise Conflict(_("The message is hidden already."))
    post.state = BoardPost.State.HIDDEN
    post.hidden_reason = reason[:200]
    post.save(update_fields=["state", "hidden_reason"])
    audit.record(
        audit.Kind.MODERATION, actor=by, target=post, details={"reason": post.hidden_reason}
    )
    return post


@transaction.atomic
def restore_message(*, by, post: BoardPost) -> BoardPost:
    post = _office_post(by, post)
    if post.state != BoardPost.State.HIDDEN:
        raise Conflict(_("The message is not hidden."))
    post.state = BoardPost.State.VISIBLE
    post.save(update_fields=["state"])
    audit.record(audit.Kind.MODERATION, actor=by, target=post, details={"restored": True})
    return post


@transaction.atomic
def report_message(*, user, post: BoardPost, reason: str = "") -> BoardPost:
    """A resident reports a message once; enough reports hide it until the office looks."""
    if post.author_id == getattr(user, "pk", None):
        refuse(_("You cannot report your own message."))
    BoardReport.objects.bulk_create(
        [BoardReport(post=post, reporter=user, reason=(reason or "").strip()[:200])],
        ignore_conflicts=True,
    )
    post = BoardPost.objects.select_for_update(of=("self",)).get(pk=post.pk)
    post.report_count = BoardReport.objects.filter(post=post).count()
    fields = ["report_count"]
    limit = int(rule(keys.BOARD_HIDE_REPORTS, node=post.community))
    if post.state == BoardPost.State.VISIBLE and post.report_count >= limit:
        post.state = BoardPost.State.HIDDEN
        post.hidden_reason = in_site_language(_("Reported by residents; the office will look."))
        fields += ["state", "hidden_reason"]
    post.save(update_fields=fields)
    return post
