"""Every change of volunteer service goes through these functions (keyword-only, one
transaction each; refusals in the user's language through ``core.timeline.refuse`` and
``Conflict``).

The invariants are the database's: a shift's ``booked`` counter moves with ``F()`` under
the shift's row lock and a check constraint keeps it within the capacity; a partial
unique index keeps one live sign-up per person and shift; one hour entry per sign-up;
the time bank's running balance is checked at zero or above and its rows numbered
uniquely per account, written under the volunteer's row lock.
"""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth.models import Permission
from django.db import IntegrityError, transaction
from django.db.models import Count, DecimalField, F, OuterRef, Q, Subquery, Sum, Value, Window
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from core.checkin import is_valid_code
from core.notify.services import in_site_language, notify
from core.rules import rule
from core.timeline import Conflict, refuse
from core.workdays.calendar import add_working_time
from grid.models import PartyMembership, Resident
from grid.scoping import OutOfScope, save_in_scope

from . import notices
from . import rules as keys
from .models import (
    MAX_CAPACITY,
    Activity,
    ActivityTag,
    Correction,
    HourEntry,
    HourEvent,
    Membership,
    RecordCertificate,
    RecordNote,
    Shift,
    SignUp,
    SignUpEvent,
    Tag,
    Team,
    TeamUserGrant,
    TimeBankEntry,
    Volunteer,
)
from .permissions import TEAM_LEADER, VolunteerPerm

CHECKIN_PURPOSE = "volunteers.shift"
MAX_SHIFT_HOURS = 24


def local(moment: datetime.datetime) -> datetime.datetime:
    return timezone.localtime(moment)


def must_be_signed_in(user):
    if not getattr(user, "is_authenticated", False):
        refuse(_("Sign in first."))


def clean_text(value, *, field: str, limit: int, required: bool = True) -> str:
    text = (value or "").strip()
    if required and not text:
        refuse({field: _("This field is required.")})
    if len(text) > limit:
        refuse({field: _("At most %(limit)d characters.") % {"limit": limit}})
    return text


# --- who may do what ---------------------------------------------------------------------


def leads(user, team: Team) -> bool:
    """The team's leader (a guardian grant) or an office holding the team."""
    return bool(getattr(user, "is_authenticated", False)) and user.has_perm(
        VolunteerPerm.CHANGE_TEAM, team
    )


def _must_lead(user, team: Team) -> None:
    if not leads(user, team):
        raise OutOfScope()


def is_office(user, obj) -> bool:
    """A post holding the change permission on ``obj`` (not a team leader's grant)."""
    perm = f"volunteers.change_{obj._meta.model_name}"
    return bool(getattr(user, "is_authenticated", False)) and user.has_perm(perm, obj)


# --- volunteers and teams ----------------------------------------------------------------


def volunteer_of(user) -> Volunteer | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Volunteer.objects.filter(user_id=user.pk).first()


def _must_be_volunteer(user) -> Volunteer:
    must_be_signed_in(user)
    volunteer = volunteer_of(user)
    if volunteer is None:
        refuse(_("Register as a volunteer first (it takes a minute)."))
    return volunteer


@transaction.atomic
def register_volunteer(*, user, consent: bool, skills: str = "") -> Volunteer:
    """A confirmed resident, or an in-service party member reporting here, registers as a
    volunteer; ``consent`` lets the organisation show their name outside it."""
    must_be_signed_in(user)
    existing = volunteer_of(user)
    if existing is not None:
        raise Conflict(_("You are registered as a volunteer already."))
    resident = (
        Resident.objects.filter(user_id=user.pk, state=Resident.State.LIVING)
        .select_related("household")
        .first()
    )
    if resident is None:
        refuse(_("Only confirmed residents register as volunteers: confirm your household first."))
    membership = PartyMembership.objects.filter(resident=resident).first()
    volunteer = Volunteer(
        user=user,
        resident=resident,
        name=resident.name,
        phone=resident.phone,
        birth_date=resident.birth_date,
        skills=clean_text(skills, field="skills", limit=200, required=False),
        in_service_member=bool(membership and membership.in_service),
        workplace=membership.workplace if membership else "",
        consent_at=timezone.now() if consent else None,
        building_id=resident.household.building_id,
    )
    try:
        with transaction.atomic():
            volunteer.save()
    except IntegrityError:
        raise Conflict(_("You are registered as a volunteer already.")) from None
    return volunteer


@transaction.atomic
def set_consent(*, user, consent: bool) -> Volunteer:
    volunteer = _must_be_volunteer(user)
    volunteer.consent_at = timezone.now() if consent else None
    volunteer.save(update_fields=["consent_at"])
    return volunteer


def shown_name(volunteer: Volunteer, viewer=None) -> str:
    """The name as shown outside the organisation: whole only with consent."""
    from core.masking import mask_name

    if viewer is not None and (viewer.pk == volunteer.user_id or is_office(viewer, volunteer)):
        return volunteer.name
    return volunteer.name if volunteer.consent_at else mask_name(volunteer.name)


def _grant_leader(team: Team, user) -> None:
    for perm in TEAM_LEADER:
        app_label, codename = str(perm).split(".")
        permission = Permission.objects.get(content_type__app_label=app_label, codename=codename)
        TeamUserGrant.objects.get_or_create(user=user, permission=permission, content_object=team)


@transaction.atomic
def create_team(
    *,
    by,
    node,
    name: str,
    kind: str = Team.Kind.SERVICE,
    description: str = "",
    leader=None,
    party_contact: str = "",
    recruiting: bool = True,
) -> Team:
    """An office creates a team on a node it holds; the leader gets the team's grant."""
    if kind not in Team.Kind.values:
        refuse({"kind": _("Choose a kind of team.")})
    team = Team(
        name=clean_text(name, field="name", limit=100),
        kind=kind,
        description=clean_text(description, field="description", limit=2000, required=False),
        party_contact=clean_text(party_contact, field="party_contact", limit=64, required=False),
        recruiting=recruiting,
        leader=leader,
        **{node.tier.value: node},
    )
    try:
        save_in_scope(by, team, "add")
    except IntegrityError:
        raise Conflict(_("A team of this name exists here already.")) from None
    if leader is not None:
        _grant_leader(team, leader)
    return team


@transaction.atomic
def set_leader(*, by, team: Team, user) -> Team:
    """An office names the team's leader: the grant moves to them."""
    team = Team.objects.select_for_update(of=("self",)).get(pk=team.pk)
    if not is_office(by, team):
        raise OutOfScope()
    TeamUserGrant.objects.filter(content_object=team).delete()
    team.leader = user
    team.save(update_fields=["leader"])
    _grant_leader(team, user)
    return team


@transaction.atomic
def set_recruiting(*, by, team: Team, recruiting: bool) -> Team:
    _must_lead(by, team)
    team.recruiting = bool(recruiting)
    team.save(update_fields=["recruiting"])
    return team


@transaction.atomic
def apply_to_team(*, user, team: Team) -> Membership:
    """A volunteer applies to a recruiting team; the leader accepts or declines."""
    volunteer = _must_be_volunteer(user)
    if not team.recruiting:
        raise Conflict(_("This team is not recruiting now."))
    if Membership.objects.filter(
        team=team,
        volunteer=volunteer,
        state__in=[Membership.State.APPLIED, Membership.State.ACTIVE],
    ).exists():
        raise Conflict(_("You have applied to or joined this team already."))
    try:
        with transaction.atomic():
            return Membership.objects.create(team=team, volunteer=volunteer, user=user)
    except IntegrityError:
        raise Conflict(_("You have applied to or joined this team already.")) from None


@transaction.atomic
def decide_membership(*, by, membership: Membership, accept: bool, reason: str = "") -> Membership:
    membership = (
        Membership.objects.select_for_update(of=("self",))
        .select_related("team", "volunteer")
        .get(pk=membership.pk)
    )
    _must_lead(by, membership.team)
    if membership.state != Membership.State.APPLIED:
        raise Conflict(_("This application is decided already."))
    reason = clean_text(reason, field="reason", limit=200, required=not accept)
    membership.state = Membership.State.ACTIVE if accept else Membership.State.DECLINED
    membership.reason = reason
    membership.decided_by = by
    membership.save(update_fields=["state", "reason", "decided_by"])
    notify(
        key=f"volunteers:membership:{membership.pk}",
        kind=notices.MEMBERSHIP,
        recipients=[membership.user],
        subject=membership,
        context={
            "team": membership.team.name,
            "outcome": in_site_language(membership.get_state_display()),
            "reason": reason or "-",
        },
        url="/volunteers/",
        actor=by,
    )
    return membership


@transaction.atomic
def set_member_role(*, by, membership: Membership, role: str) -> Membership:
    _must_lead(by, membership.team)
    if role not in Membership.Role.values:
        refuse({"role": _("Choose a role.")})
    if membership.state != Membership.State.ACTIVE:
        raise Conflict(_("Only members hold a role."))
    membership.role = role
    membership.save(update_fields=["role"])
    return membership


# --- activities and shifts ---------------------------------------------------------------


@transaction.atomic
def create_activity(
    *,
    by,
    team: Team,
    title: str,
    place: str,
    description: str = "",
    tags=(),
    min_age: int = 0,
    skills: str = "",
    time_bank: bool = False,
    **flags,
) -> Activity:
    """The team's leader or an office publishes an activity of the team, at the team's
    node, with its tags and risk flags."""
    _must_lead(by, team)
    unknown = set(flags) - set(Activity.RISK_FLAGS)
    if unknown:
        raise TypeError(f"unknown flags {sorted(unknown)}")
    tags = list(dict.fromkeys(tags))
    if any(tag not in Tag.values for tag in tags):
        refuse({"tags": _("Choose tags from the list.")})
    if not 0 <= int(min_age) <= 100:
        refuse({"min_age": _("An age from 0 to 100.")})
    activity = Activity(
        team=team,
        title=clean_text(title, field="title", limit=100),
        place=clean_text(place, field="place", limit=100),
        description=clean_text(description, field="description", limit=4000, required=False),
        skills=clean_text(skills, field="skills", limit=200, required=False),
        min_age=int(min_age),
        time_bank=bool(time_bank),
        organiser=by,
        **{flag: bool(value) for flag, value in flags.items()},
    )
    activity.save()
    ActivityTag.objects.bulk_create([ActivityTag(activity=activity, tag=tag) for tag in tags])
    return activity


@transaction.atomic
def confirm_insurance(*, by, activity: Activity) -> Activity:
    """The organiser confirms the volunteers' accident insurance (risky activities)."""
    _must_lead(by, activity.team)
    if activity.insurance_confirmed_at is not None:
        raise Conflict(_("The insurance is confirmed already."))
    activity.insurance_confirmed_at = timezone.now()
    activity.save(update_fields=["insurance_confirmed_at"])
    return activity


@transaction.atomic
def add_shift(
    *, by, activity: Activity, starts_at: datetime.datetime, ends_at: datetime.datetime, capacity
) -> Shift:
    _must_lead(by, activity.team)
    if activity.state != Activity.State.PUBLISHED:
        raise Conflict(_("The activity is cancelled."))
    if starts_at <= timezone.now():
        refuse({"starts_at": _("A shift cannot start in the past.")})
    if ends_at <= starts_at:
        refuse({"ends_at": _("The end must be later than the start.")})
    if ends_at - starts_at > datetime.timedelta(hours=MAX_SHIFT_HOURS):
        refuse({"ends_at": _("A shift lasts at most 24 hours.")})
    if not 1 <= int(capacity) <= MAX_CAPACITY:
        refuse({"capacity": _("A shift takes from 1 to %(max)d people.") % {"max": MAX_CAPACITY}})
    return Shift.objects.create(
        activity=activity, starts_at=starts_at, ends_at=ends_at, capacity=int(capacity)
    )


def _context(signup: SignUp, reason: str = "") -> dict:
    shift = signup.shift
    return {
        "activity": shift.activity.title,
        "when": local(shift.starts_at).strftime("%Y-%m-%d %H:%M"),
        "place": shift.activity.place,
        "state": in_site_language(signup.get_state_display()),
        "reason": reason or "-",
    }


def _tell(signup: SignUp, kind: str, key: str, reason: str = "", actor=None, sms=False):
    notify(
        key=key,
        kind=kind,
        recipients=[signup.user],
        subject=signup,
        context=_context(signup, reason),
        url="/volunteers/mine/",
        sms=[(signup.user, signup.volunteer.phone)] if sms and signup.volunteer.phone else [],
        actor=actor,
    )


def age_on(birth_date: datetime.date | None, day: datetime.date) -> int | None:
    if birth_date is None:
        return None
    years = day.year - birth_date.year
    if (day.month, day.day) < (birth_date.month, birth_date.day):
        years -= 1
    return years


@transaction.atomic
def sign_up(*, user, shift: Shift, agree: bool = False, waitlist: bool = False) -> SignUp:
    """Sign up for ``shift``: refused when it has started, the person is signed up
    already, too young for a dangerous activity, or has not signed the agreement a
    flagged activity needs; a full shift is refused unless ``waitlist``, which queues."""
    volunteer = _must_be_volunteer(user)
    shift = (
        Shift.objects.select_for_update(of=("self",))
        .select_related("activity__team")
        .get(pk=shift.pk)
    )
    activity = shift.activity
    if activity.state != Activity.State.PUBLISHED:
        raise Conflict(_("The activity is cancelled."))
    if shift.starts_at <= timezone.now():
        raise Conflict(_("This shift has started already."))
    day = local(shift.starts_at).date()
    age = age_on(volunteer.birth_date, day)
    if activity.dangerous and (age is None or age < int(rule(keys.ADULT_AGE, node=activity))):
        refuse(_("Minors may not join an activity that may endanger safety."))
    if activity.min_age and (age is None or age < activity.min_age):
        refuse(
            _("This activity is for volunteers aged %(age)d or more.") % {"age": activity.min_age}
        )
    if activity.is_risky and not agree:
        refuse({"agree": _("This activity needs your signed volunteer agreement.")})
    if SignUp.objects.filter(shift=shift, user=user, state__in=[*SignUp.LIVE, "attended"]).exists():
        raise Conflict(_("You have signed up for this shift already."))
    moved = Shift.objects.filter(pk=shift.pk, booked__lt=F("capacity")).update(
        booked=F("booked") + 1
    )
    if not moved and not waitlist:
        raise Conflict(_("This shift is full. Join the waitlist or choose another shift."))
    state = SignUp.State.BOOKED if moved else SignUp.State.WAITLISTED
    try:
        with transaction.atomic():
            signup = SignUp.objects.create(
                shift=shift,
                volunteer=volunteer,
                user=user,
                state=state,
                agreement_signed_at=timezone.now() if activity.is_risky else None,
            )
    except IntegrityError:
        raise Conflict(_("You have signed up for this shift already.")) from None
    SignUpEvent.record(signup=signup, actor=user, action="sign_up", from_state="")
    _tell(signup, notices.SIGNED_UP, f"volunteers:signup:{signup.pk}:made")
    return signup


def _locked_signup(signup: SignUp) -> SignUp:
    return (
        SignUp.objects.select_for_update(of=("self",))
        .select_related("shift__activity__team", "volunteer", "user")
        .get(pk=signup.pk)
    )


def _promote(shift: Shift, by) -> SignUp | None:
    """The first on the waitlist takes the place that was freed."""
    waiting = (
        SignUp.objects.select_for_update(of=("self",))
        .filter(shift=shift, state=SignUp.State.WAITLISTED)
        .order_by("created_at", "id")
        .first()
    )
    if waiting is None:
        return None
    moved = Shift.objects.filter(pk=shift.pk, booked__lt=F("capacity")).update(
        booked=F("booked") + 1
    )
    if not moved:
        return None
    waiting.state = SignUp.State.BOOKED
    waiting.save(update_fields=["state"])
    waiting = _locked_signup(waiting)
    SignUpEvent.record(
        signup=waiting, actor=by, action="promote", from_state=SignUp.State.WAITLISTED
    )
    _tell(waiting, notices.PROMOTED, f"volunteers:signup:{waiting.pk}:promoted", sms=True)
    return waiting


@transaction.atomic
def cancel_signup(*, by, signup: SignUp, reason: str = "") -> SignUp:
    """The volunteer cancels until the deadline before the shift; the leader or office
    any time before it, with a reason. A freed place goes to the waitlist's first."""
    signup = _locked_signup(signup)
    shift = Shift.objects.select_for_update(of=("self",)).get(pk=signup.shift_id)
    own = signup.user_id == by.pk
    organiser = leads(by, signup.shift.activity.team)
    if not own and not organiser:
        raise OutOfScope()
    if signup.state not in SignUp.LIVE:
        raise Conflict(_("Only a sign-up that is still ahead can be cancelled."))
    now = timezone.now()
    if shift.starts_at <= now:
        raise Conflict(_("The shift has started already."))
    reason = clean_text(reason, field="reason", limit=200, required=not own)
    if own and not organiser and signup.state == SignUp.State.BOOKED:
        hours = Decimal(str(rule(keys.CANCEL_HOURS, node=shift)))
        if shift.starts_at - now < datetime.timedelta(hours=float(hours)):
            refuse(
                _(
                    "Sign-ups are cancelled at least %(hours)s hours before the shift; "
                    "tell the leader instead."
                )
                % {"hours": f"{hours.normalize():f}"}
            )
    previous = signup.state
    signup.state = SignUp.State.CANCELLED
    signup.save(update_fields=["state"])
    SignUpEvent.record(signup=signup, actor=by, action="cancel", from_state=previous, note=reason)
    if previous == SignUp.State.BOOKED:
        Shift.objects.filter(pk=shift.pk, booked__gt=0).update(booked=F("booked") - 1)
        _promote(shift, by)
    if not own:
        _tell(signup, notices.CANCELLED, f"volunteers:signup:{signup.pk}:cancelled", reason, by)
    return signup


def send_reminders(now: datetime.datetime | None = None) -> int:
    """The deadline sweep: a reminder for each sign-up whose shift starts within the
    reminder time; idempotent (``reminded_at``)."""
    now = now or timezone.now()
    due = (
        SignUp.objects.filter(
            state=SignUp.State.BOOKED,
            reminded_at__isnull=True,
            shift__starts_at__gt=now,
            shift__starts_at__lte=now + datetime.timedelta(hours=72),
        )
        .select_related("shift__activity", "volunteer", "user")
        .order_by("shift__starts_at")[:2000]
    )
    sent = 0
    for signup in due:
        hours = Decimal(str(rule(keys.REMINDER_HOURS, node=signup.shift)))
        if signup.shift.starts_at - now > datetime.timedelta(hours=float(hours)):
            continue
        with transaction.atomic():
            if SignUp.objects.filter(pk=signup.pk, reminded_at__isnull=True).update(
                reminded_at=now
            ):
                _tell(signup, notices.REMINDER, f"volunteers:signup:{signup.pk}:reminder", sms=True)
                sent += 1
    return sent


# --- check-in, check-out and hours -------------------------------------------------------


def round_hours(hours: Decimal, step: Decimal) -> Decimal:
    """To the nearest ``step`` (0.5 h): 2 h 20 min → 2.5 h, 2 h 10 min → 2.0 h."""
    steps = (Decimal(hours) / step).quantize(Decimal("1"), rounding=ROUND_HALF_UP)
    return (steps * step).quantize(Decimal("0.1"))


def step_of(obj) -> Decimal:
    return Decimal(str(rule(keys.HOURS_STEP, node=obj)))


def served_hours(shift: Shift, checked_in: datetime.datetime, checked_out: datetime.datetime):
    """Actual time on the shift (within its start and end), rounded to the step."""
    begin = max(checked_in, shift.starts_at)
    end = min(checked_out, shift.ends_at)
    seconds = max(0, (end - begin).total_seconds())
    rounded = round_hours(Decimal(seconds) / Decimal(3600), step_of(shift))
    return min(rounded, shift.length_hours.quantize(Decimal("0.1")))


def _ready_for_checkin(signup: SignUp) -> None:
    activity = signup.shift.activity
    if activity.is_risky and signup.agreement_signed_at is None:
        refuse(_("This activity needs the volunteer's signed agreement before check-in."))
    if activity.is_risky and activity.insurance_confirmed_at is None:
        refuse(_("The organiser has not confirmed the insurance yet: no check-in before that."))


def _within_shift(shift: Shift, now) -> None:
    early = datetime.timedelta(minutes=int(rule(keys.CHECKIN_EARLY, node=shift)))
    if now < shift.starts_at - early:
        refuse(
            _("Check-in opens %(minutes)d minutes before the shift.")
            % {"minutes": early.seconds // 60}
        )
    if now > shift.ends_at:
        refuse(_("The shift is over: ask the leader to enter your hours."))


def _own_signup(user, shift: Shift) -> SignUp:
    signup = (
        SignUp.objects.filter(shift=shift, user_id=user.pk, state__in=["booked", "attended"])
        .order_by("-id")
        .first()
    )
    if signup is None:
        refuse(_("You are not signed up for this shift."))
    return _locked_signup(signup)


def _check_code(shift: Shift, code) -> None:
    if not is_valid_code(CHECKIN_PURPOSE, shift.pk, code):
        refuse(
            {"code": _("This code is not valid or has expired: scan the code on the screen now.")}
        )


def _do_check_in(signup: SignUp, by, now) -> SignUp:
    _ready_for_checkin(signup)
    if signup.checked_in_at is not None:
        raise Conflict(_("Checked in already."))
    updated = SignUp.objects.filter(pk=signup.pk, checked_in_at__isnull=True).update(
        checked_in_at=now, state=SignUp.State.ATTENDED
    )
    if not updated:
        raise Conflict(_("Checked in already."))
    signup.refresh_from_db()
    SignUpEvent.record(signup=signup, actor=by, action="check_in", from_state="booked")
    return signup


def _do_check_out(signup: SignUp, by, now) -> HourEntry | None:
    if signup.checked_in_at is None:
        refuse(_("Check in first."))
    if signup.checked_out_at is not None:
        raise Conflict(_("Checked out already."))
    SignUp.objects.filter(pk=signup.pk).update(checked_out_at=now)
    signup.checked_out_at = now
    SignUpEvent.record(signup=signup, actor=by, action="check_out", from_state=signup.state)
    hours = served_hours(signup.shift, signup.checked_in_at, now)
    if hours <= 0:
        return None
    return _record_hours(
        signup=signup,
        hours=hours,
        state=HourEntry.State.CONFIRMED,
        source=HourEntry.Source.CHECKIN,
        by=by,
    )


@transaction.atomic
def check_in(*, user, shift: Shift, code) -> SignUp:
    """The volunteer scans the shift's rotating code: checked in once."""
    must_be_signed_in(user)
    _check_code(shift, code)
    now = timezone.now()
    _within_shift(shift, now)
    return _do_check_in(_own_signup(user, shift), user, now)


@transaction.atomic
def check_out(*, user, shift: Shift, code) -> HourEntry | None:
    """The volunteer scans again when leaving: the hours on the shift are confirmed."""
    must_be_signed_in(user)
    _check_code(shift, code)
    now = timezone.now()
    if now < shift.starts_at:
        refuse(_("The shift has not started yet."))
    return _do_check_out(_own_signup(user, shift), user, now)


@transaction.atomic
def tick_in(*, by, signup: SignUp) -> SignUp:
    """The leader ticks a name on the check-in sheet."""
    signup = _locked_signup(signup)
    _must_lead(by, signup.shift.activity.team)
    if signup.state != SignUp.State.BOOKED:
        raise Conflict(_("Only a volunteer signed up for the shift is checked in."))
    now = timezone.now()
    _within_shift(signup.shift, now)
    return _do_check_in(signup, by, now)


@transaction.atomic
def tick_out(*, by, signup: SignUp) -> HourEntry | None:
    signup = _locked_signup(signup)
    _must_lead(by, signup.shift.activity.team)
    now = timezone.now()
    if now < signup.shift.starts_at:
        refuse(_("The shift has not started yet."))
    return _do_check_out(signup, by, now)


@transaction.atomic
def _record_hours(
    *, signup=None, volunteer=None, activity=None, served_on=None, hours, state, source, by, note=""
):
    if signup is not None:
        volunteer, activity = signup.volunteer, signup.shift.activity
        served_on = local(signup.shift.starts_at).date()
    try:
        with transaction.atomic():
            entry = HourEntry.objects.create(
                volunteer=volunteer,
                user_id=volunteer.user_id,
                activity=activity,
                team_id=activity.team_id,
                signup=signup,
                served_on=served_on,
                hours=hours,
                state=state,
                source=source,
                note=note,
                entered_by=by,
                confirmed_by=by if state == HourEntry.State.CONFIRMED else None,
                confirmed_at=timezone.now() if state == HourEntry.State.CONFIRMED else None,
            )
    except IntegrityError:
        raise Conflict(_("The hours of this sign-up are recorded already.")) from None
    HourEvent.record(entry=entry, actor=by, action="record", from_state="", note=note)
    if state == HourEntry.State.CONFIRMED:
        _confirmed(entry, by)
    return entry


def _eligible_for_time_bank(entry: HourEntry) -> bool:
    activity = entry.activity
    if not activity.time_bank:
        return False
    tags = set(keys.parse_tags(rule(keys.TIMEBANK_TAGS, node=activity)))
    return ActivityTag.objects.filter(activity=activity, tag__in=tags).exists()


def _confirmed(entry: HourEntry, by) -> None:
    Volunteer.objects.filter(pk=entry.volunteer_id).update(
        confirmed_hours=F("confirmed_hours") + entry.hours
    )
    volunteer = Volunteer.objects.get(pk=entry.volunteer_id)
    if _eligible_for_time_bank(entry):
        _append_ledger(
            volunteer=volunteer,
            kind=TimeBankEntry.Kind.DEPOSIT,
            amount=entry.hours,
            by=by,
            hour_entry=entry,
            note=entry.activity.title[:200],
        )
    notify(
        key=f"volunteers:hours:{entry.pk}:confirmed",
        kind=notices.HOURS,
        recipients=[volunteer.user],
        subject=entry,
        context={
            "hours": f"{entry.hours:f}",
            "activity": entry.activity.title,
            "total": f"{volunteer.confirmed_hours:f}",
        },
        url="/volunteers/record/",
        actor=by,
    )


def _valid_hours(hours, *, limit: Decimal, step: Decimal, field: str = "hours") -> Decimal:
    try:
        hours = Decimal(str(hours))
    except ArithmeticError:
        refuse({field: _("Enter a number of hours such as 2.5.")})
    if not hours.is_finite() or hours <= 0:
        refuse({field: _("Enter a number of hours greater than zero.")})
    if hours > limit:
        refuse(
            {
                field: _("At most %(limit)s hours: the length of the shift.")
                % {"limit": f"{limit.normalize():f}"}
            }
        )
    if (hours / step) % 1 != 0:
        refuse(
            {
                field: _("Hours are recorded in steps of %(step)s h.")
                % {"step": f"{step.normalize():f}"}
            }
        )
    return hours.quantize(Decimal("0.1"))


@transaction.atomic
def enter_hours(*, by, signup: SignUp, hours, note: str = "") -> HourEntry:
    """Hours entered after the shift (the volunteer forgot to scan, or the leader enters
    them): pending until the organiser confirms; at most the shift's length."""
    signup = _locked_signup(signup)
    own = signup.user_id == by.pk
    if not own and not leads(by, signup.shift.activity.team):
        raise OutOfScope()
    if signup.state not in ("booked", "attended"):
        raise Conflict(_("Hours are entered for a sign-up that was not cancelled."))
    if signup.shift.starts_at > timezone.now():
        raise Conflict(_("Hours are entered once the shift has begun."))
    limit = signup.shift.length_hours.quantize(Decimal("0.1"))
    hours = _valid_hours(hours, limit=limit, step=step_of(signup.shift))
    return _record_hours(
        signup=signup,
        hours=hours,
        state=HourEntry.State.PENDING,
        source=HourEntry.Source.ENTERED,
        by=by,
        note=clean_text(note, field="note", limit=200, required=False),
    )


@transaction.atomic
def confirm_hours(*, by, entry: HourEntry, accept: bool = True, reason: str = "") -> HourEntry:
    """The organiser confirms pending hours, or rejects them with a reason."""
    entry = (
        HourEntry.objects.select_for_update(of=("self",))
        .select_related("activity__team")
        .get(pk=entry.pk)
    )
    _must_lead(by, entry.activity.team)
    if entry.state != HourEntry.State.PENDING:
        raise Conflict(_("Only pending hours are confirmed."))
    reason = clean_text(reason, field="reason", limit=200, required=not accept)
    previous = entry.state
    entry.state = HourEntry.State.CONFIRMED if accept else HourEntry.State.REJECTED
    entry.confirmed_by, entry.confirmed_at = by, timezone.now()
    entry.save(update_fields=["state", "confirmed_by", "confirmed_at"])
    HourEvent.record(
        entry=entry,
        actor=by,
        action="confirm" if accept else "reject",
        from_state=previous,
        note=reason,
    )
    if accept:
        _confirmed(entry, by)
    return entry


@transaction.atomic
def ask_correction(*, user, entry: HourEntry, hours, reason: str) -> Correction:
    """The volunteer asks for a correction of an entry; answered within the rule's time."""
    if entry.user_id != getattr(user, "pk", None):
        raise OutOfScope()
    entry = HourEntry.objects.select_related("signup__shift").get(pk=entry.pk)
    limit = (
        entry.signup.shift.length_hours.quantize(Decimal("0.1"))
        if entry.signup_id
        else Decimal(MAX_SHIFT_HOURS)
    )
    hours = _valid_hours(hours, limit=limit, step=step_of(entry))
    if hours == entry.hours:
        refuse({"hours": _("Ask for a number of hours other than the one recorded.")})
    reason = clean_text(reason, field="reason", limit=500)
    days = int(rule(keys.CORRECTION_DAYS, node=entry))
    try:
        with transaction.atomic():
            correction = Correction.objects.create(
                entry=entry,
                user=user,
                hours=hours,
                reason=reason,
                due_at=add_working_time(timezone.now(), days=days),
            )
    except IntegrityError:
        raise Conflict(_("A correction of this entry is waiting for an answer already.")) from None
    HourEvent.record(
        entry=entry,
        actor=user,
        action="ask_correction",
        from_state=entry.state,
        note=f"{hours}: {reason}",
    )
    return correction


@transaction.atomic
def answer_correction(*, by, correction: Correction, accept: bool, answer: str) -> Correction:
    """The organiser answers; an accepted correction changes the entry's hours (and the
    confirmed total), both kept in the entry's timeline."""
    correction = (
        Correction.objects.select_for_update(of=("self",))
        .select_related("entry__activity__team")
        .get(pk=correction.pk)
    )
    entry = HourEntry.objects.select_for_update(of=("self",)).get(pk=correction.entry_id)
    _must_lead(by, correction.entry.activity.team)
    if correction.state != Correction.State.OPEN:
        raise Conflict(_("This correction is answered already."))
    answer = clean_text(answer, field="answer", limit=500, required=not accept)
    correction.state = Correction.State.ACCEPTED if accept else Correction.State.REFUSED
    correction.answer = answer
    correction.answered_by, correction.answered_at = by, timezone.now()
    correction.save(update_fields=["state", "answer", "answered_by", "answered_at"])
    note = f"{entry.hours} → {correction.hours}: {answer}" if accept else answer
    if accept:
        difference = correction.hours - entry.hours
        entry.hours = correction.hours
        entry.save(update_fields=["hours"])
        if entry.state == HourEntry.State.CONFIRMED:
            Volunteer.objects.filter(pk=entry.volunteer_id).update(
                confirmed_hours=F("confirmed_hours") + difference
            )
    HourEvent.record(
        entry=entry, actor=by, action="answer_correction", from_state=entry.state, note=note
    )
    notify(
        key=f"volunteers:correction:{correction.pk}:answered",
        kind=notices.CORRECTION,
        recipients=[correction.user],
        subject=correction,
        context={
            "outcome": in_site_language(correction.get_state_display()),
            "answer": answer or "-",
        },
        url="/volunteers/record/",
        actor=by,
    )
    return correction


@transaction.atomic
def add_record_note(*, by, kind: str, title: str, on: datetime.date, volunteer=None, team=None):
    """Training, an award or an evaluation, for a volunteer (by an office or the leader
    of one of their teams) or a team."""
    if kind not in RecordNote.Kind.values:
        refuse({"kind": _("Choose a kind.")})
    if volunteer is None and team is None:
        refuse(_("Name a volunteer or a team."))
    if team is not None:
        _must_lead(by, team)
        if (
            volunteer is not None
            and not Membership.objects.filter(
                team=team, volunteer=volunteer, state=Membership.State.ACTIVE
            ).exists()
        ):
            refuse(_("The volunteer is not a member of this team."))
    elif not is_office(by, volunteer):
        raise OutOfScope()
    node = team if team is not None else volunteer
    note = RecordNote(
        kind=kind,
        volunteer=volunteer,
        user_id=volunteer.user_id if volunteer else None,
        team=team,
        title=clean_text(title, field="title", limit=200),
        on=on,
        recorded_by=by,
    )
    for column in RecordNote.tier_columns.values():
        setattr(note, column, getattr(node, column))
    note.save()
    return note


# --- the record, stars and certificates --------------------------------------------------


def star_level(hours, node=None) -> int:
    """Stars by confirmed hours, from the rule parameters (1★ 100 h … 5★ 1,500 h)."""
    hours = Decimal(hours or 0)
    level = 0
    for number, key in enumerate(keys.STARS, start=1):
        if hours >= Decimal(int(rule(key, node=node))):
            level = number
    return level


def record_summary(volunteer: Volunteer) -> dict:
    """Confirmed and pending hours per year and per team, and the teams that can certify
    confirmed hours: one grouped query (year × team × state), folded here; the rows are
    at most years × teams × 2, whatever the number of entries."""
    by_year: dict[int, dict[str, Decimal]] = {}
    by_team: dict[int, dict] = {}
    for row in (
        HourEntry.objects.filter(volunteer=volunteer, state__in=["confirmed", "pending"])
        .values("served_on__year", "team_id", "team__name", "state")
        .annotate(total=Sum("hours"))
        .order_by()
    ):
        year = by_year.setdefault(
            row["served_on__year"], {"confirmed": Decimal("0"), "pending": Decimal("0")}
        )
        year[row["state"]] += row["total"]
        team = by_team.setdefault(
            row["team_id"],
            {"pk": row["team_id"], "name": row["team__name"]}
            | {"confirmed": Decimal("0"), "pending": Decimal("0")},
        )
        team[row["state"]] += row["total"]
    teams = sorted(by_team.values(), key=lambda t: (t["name"], t["pk"]))
    return {
        "by_year": [(y, v["confirmed"], v["pending"]) for y, v in sorted(by_year.items())],
        "by_team": [(t["name"], t["confirmed"], t["pending"]) for t in teams],
        # The teams a record certificate can be asked of (Team's order: name, id).
        "certifiable": [{"pk": t["pk"], "name": t["name"]} for t in teams if t["confirmed"]],
    }


RECORD_PAGE_SIZE = 20


def record_entries(user, volunteer: Volunteer, page: str | int | None):
    """One page of the volunteer's entries, newest first, with their corrections (three
    queries: the count, the page, the corrections)."""
    from django.core.paginator import Paginator

    entries = (
        HourEntry.objects.for_user(user)
        .filter(volunteer=volunteer)
        .select_related("activity")
        .prefetch_related("corrections")
        .order_by("-served_on", "-id")
    )
    return Paginator(entries, RECORD_PAGE_SIZE).get_page(page)


@transaction.atomic
def request_certificate(*, user, team: Team):
    """The volunteer asks the team that recorded their hours for a record certificate
    (free): numbered, with a QR code to the public verification page and a PDF."""
    from core.certificates.services import issue_certificate

    volunteer = _must_be_volunteer(user)
    confirmed = HourEntry.objects.filter(
        volunteer=volunteer, team=team, state=HourEntry.State.CONFIRMED
    )
    total = confirmed.aggregate(total=Sum("hours"))["total"]
    if total:
        total = Decimal(total).quantize(Decimal("0.1"))
    if not total:
        refuse(_("This team has no confirmed hours of yours to certify."))
    first = confirmed.order_by("served_on").values_list("served_on", flat=True).first()
    last = confirmed.order_by("-served_on").values_list("served_on", flat=True).first()
    certificate = issue_certificate(
        kind="volunteers.record",
        title=in_site_language(_("Volunteer service record certificate")),
        holder=user,
        holder_name=volunteer.name,
        issuer_name=team.name,
        issuer=team,
        subject=volunteer,
        details=[
            (in_site_language(_("Confirmed hours")), f"{total:f}"),
            (in_site_language(_("Service period")), f"{first} – {last}"),
            (
                in_site_language(_("Activities")),
                str(confirmed.values("activity").distinct().count()),
            ),
        ],
        issued_by=user,
    )
    return RecordCertificate.objects.create(
        volunteer=volunteer, user=user, team=team, certificate=certificate, hours=total
    )


# --- the time bank -----------------------------------------------------------------------


def balance_of(volunteer: Volunteer) -> Decimal:
    """The balance: the sum of the ledger's rows."""
    return TimeBankEntry.objects.filter(volunteer=volunteer).aggregate(s=Sum("amount"))[
        "s"
    ] or Decimal("0")


@transaction.atomic
def _append_ledger(
    *, volunteer: Volunteer, kind: str, amount: Decimal, by, **extra
) -> TimeBankEntry:
    """Append a row under the volunteer's row lock: the next number, the running balance
    (the database refuses a negative one and a second row of the same number)."""
    Volunteer.objects.select_for_update(of=("self",)).filter(pk=volunteer.pk).first()
    last = TimeBankEntry.objects.filter(volunteer=volunteer).order_by("-seq").first()
    balance = (last.balance if last else Decimal("0")) + amount
    if balance < 0:
        refuse(
            {
                "amount": _("The balance is %(balance)s credits: not enough.")
                % {"balance": f"{(last.balance if last else 0):f}"}
            }
        )
    try:
        with transaction.atomic():
            return TimeBankEntry.objects.create(
                volunteer=volunteer,
                user_id=volunteer.user_id,
                seq=(last.seq if last else 0) + 1,
                kind=kind,
                amount=amount,
                balance=balance,
                recorded_by=by,
                **extra,
            )
    except IntegrityError:
        raise Conflict(_("The account changed meanwhile: try again.")) from None


def family_of(volunteer: Volunteer) -> list[Resident]:
    if volunteer.resident_id is None:
        return []
    return list(
        Resident.objects.filter(
            household_id=volunteer.resident.household_id, state=Resident.State.LIVING
        ).exclude(pk=volunteer.resident_id)
    )


@transaction.atomic
def withdraw_credits(*, by, volunteer: Volunteer, amount, beneficiary=None, note: str = ""):
    """Credits withdrawn for a service to the depositor (``beneficiary`` None) or a named
    member of their household; never to strangers. By the depositor or the office."""
    if by.pk != volunteer.user_id and not is_office(by, volunteer):
        raise OutOfScope()
    amount = _valid_hours(amount, limit=Decimal("1000"), step=step_of(volunteer), field="amount")
    if beneficiary is not None and beneficiary.pk not in {r.pk for r in family_of(volunteer)}:
        refuse({"beneficiary": _("Credits serve the depositor or their family only.")})
    minimum = Decimal(str(rule(keys.TIMEBANK_MINIMUM, node=volunteer)))
    Volunteer.objects.select_for_update(of=("self",)).filter(pk=volunteer.pk).first()
    if balance_of(volunteer) < minimum:
        refuse(
            {
                "amount": _("An exchange needs a balance of at least %(minimum)s credits.")
                % {"minimum": f"{minimum.normalize():f}"}
            }
        )
    return _append_ledger(
        volunteer=volunteer,
        kind=TimeBankEntry.Kind.WITHDRAWAL,
        amount=-amount,
        by=by,
        beneficiary=beneficiary.name if beneficiary else volunteer.name,
        note=clean_text(note, field="note", limit=200, required=False),
    )


@transaction.atomic
def reverse_entry(*, by, entry: TimeBankEntry, reason: str) -> TimeBankEntry:
    """A mistake is reversed by a new row with a reason (the office only)."""
    if not is_office(by, entry.volunteer):
        raise OutOfScope()
    reason = clean_text(reason, field="reason", limit=200)
    if entry.kind == TimeBankEntry.Kind.REVERSAL:
        raise Conflict(_("A reversal is not reversed; record a new entry."))
    if TimeBankEntry.objects.filter(reverses=entry).exists():
        raise Conflict(_("This entry is reversed already."))
    return _append_ledger(
        volunteer=entry.volunteer,
        kind=TimeBankEntry.Kind.REVERSAL,
        amount=-entry.amount,
        by=by,
        reverses=entry,
        note=reason,
    )


def shift_code_window_ok(shift: Shift) -> bool:
    now = timezone.now()
    early = datetime.timedelta(minutes=int(rule(keys.CHECKIN_EARLY, node=shift)))
    return shift.starts_at - early <= now <= shift.ends_at + datetime.timedelta(hours=2)


def team_year_summary(team: Team, year: int, *, members: int | None = None) -> dict:
    """A team's year: confirmed and pending hours per month and the totals (one query
    grouped by month), and per member, most confirmed hours first, the first
    ``members`` of them (one query grouped by volunteer, sorted and cut in the database,
    which also counts them all). Two queries on the team's index, whatever the number of
    entries or members."""
    rows = HourEntry.objects.filter(
        team=team, served_on__year=year, state__in=["confirmed", "pending"]
    )
    zero = Value(Decimal("0"), output_field=DecimalField(max_digits=12, decimal_places=1))

    def hours(state):
        return Coalesce(Sum("hours", filter=Q(state=state)), zero)

    months = {m: Decimal("0") for m in range(1, 13)}
    confirmed = pending = Decimal("0")
    entries = 0
    for row in (
        rows.values("served_on__month")
        .annotate(confirmed=hours("confirmed"), pending=hours("pending"), entries=Count("id"))
        .order_by()
    ):
        months[row["served_on__month"]] = row["confirmed"]
        confirmed += row["confirmed"]
        pending += row["pending"]
        entries += row["entries"]
    ranked = (
        rows.values("volunteer_id")
        .annotate(
            # The name by the volunteer's key, after grouping: no join of the whole
            # volunteer table for a team's few thousand entries.
            name=Subquery(
                Volunteer.objects.filter(pk=OuterRef("volunteer_id")).order_by().values("name")
            ),
            confirmed=hours("confirmed"),
            pending=hours("pending"),
            entries=Count("id"),
            # Every member, counted over the groups before the cut.
            member_count=Window(Count("*")),
        )
        .order_by("-confirmed", "name", "volunteer_id")
    )
    shown = list(ranked if members is None else ranked[:members])
    return {
        "members": [
            {key: m[key] for key in ("name", "confirmed", "pending", "entries")} for m in shown
        ],
        "member_count": shown[0]["member_count"] if shown else 0,
        "months": list(months.items()),
        "confirmed": confirmed,
        "pending": pending,
        "entries": entries,
    }
