"""Every change of training goes through these functions (keyword-only, one transaction).

Courses and sessions (``create_course``, ``add_session``): the organiser holds the node;
a session's hours are the rule's (a full day 8, half a day 4, otherwise 1 per hour) and
hours that do not match are refused. Enrolment (``enrol``, ``enrol_audience``,
``withdraw``): the course's counter moves with ``F()`` under its row lock and a check
constraint keeps it within the capacity; a full course puts the learner on the waiting
list, a place freed promotes the first waiting. Attendance (``check_in`` by the rotating
QR code of ``core.checkin``, ``mark_attendance`` by the organiser, ``close_session``):
once per enrolment and session (unique); leave above 1/N of the course's hours withdraws
the learner, an absence offers the next make-up course. Completion
(``complete_enrolment``) needs the attendance and the assessment, and issues the
certificate through ``core.certificates``.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Avg, Count, F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from core.certificates.services import issue_certificate
from core.checkin import is_valid_code
from core.notify.services import notify
from core.rules import rule
from core.timeline import Conflict, refuse
from grid.models import Post, RequestEvent, ServiceRequest
from grid.permissions import Role
from grid.scoping import OutOfScope, own_ids, save_in_scope

from . import notices
from . import rules as keys
from .compliance import WORKER_ROLES, person_name
from .models import (
    MAX_CAPACITY,
    Assessment,
    Attendance,
    Campaign,
    Course,
    CourseEvent,
    CourseKind,
    Enrolment,
    EnrolmentEvent,
    GradeRecord,
    Ladder,
    Nomination,
    Qualification,
    Rating,
    Session,
    Span,
)

CHECKIN_PURPOSE = "training.session"
CHECKIN_EARLY = datetime.timedelta(minutes=30)
ACTIVE = (Enrolment.State.ENROLLED, Enrolment.State.COMPLETED, Enrolment.State.FAILED)


def local(moment: datetime.datetime) -> datetime.datetime:
    return timezone.localtime(moment)


def _may(user, perm: str, obj) -> None:
    """Refuse unless ``user`` holds ``perm`` on ``obj``: out of scope is a 404."""
    if not user.has_perm(perm, obj):
        if user.has_perm(perm.replace(".change_", ".view_").replace(".add_", ".view_"), obj):
            raise Conflict(_("You may see this but not change it."))
        raise OutOfScope()


# --- hours ---------------------------------------------------------------------------


def rule_hours(*, span: str, starts_at, ends_at, node=None) -> Decimal:
    """The hours the rule credits for a session: a full day, half a day, or by the hour
    (whole hours of teaching)."""
    if span == Span.FULL_DAY:
        return Decimal(rule(keys.HOURS_FULL_DAY, node=node))
    if span == Span.HALF_DAY:
        return Decimal(rule(keys.HOURS_HALF_DAY, node=node))
    minutes = int((ends_at - starts_at).total_seconds() // 60)
    whole = Decimal(minutes // 60)
    return (whole * Decimal(rule(keys.HOURS_PER_HOUR, node=node))).quantize(Decimal("0.1"))


# --- courses and sessions ------------------------------------------------------------


def _clean_audience(audience) -> list[str]:
    roles = []
    for role in audience or []:
        if role not in WORKER_ROLES:
            refuse({"audience": _("The audience is chosen among the posts that are trained.")})
        if role not in roles:
            roles.append(str(role))
    return roles


@transaction.atomic
def create_course(
    *,
    by,
    node=None,
    title: str,
    kind: str,
    year: int,
    audience=(),
    assessment: str = Assessment.NONE,
    pass_mark: int | None = None,
    capacity: int = 50,
    open_enrolment: bool = False,
    skill: str = "",
) -> Course:
    """A course of ``node`` (None: the county)."""
    title = str(title).strip()
    if not title:
        refuse({"title": _("Give the course a title.")})
    if kind not in CourseKind.values:
        refuse({"kind": _("Choose a kind of course.")})
    if assessment not in Assessment.values:
        refuse({"assessment": _("Choose how the course is assessed.")})
    if assessment == Assessment.SCORE:
        if pass_mark is None or not 1 <= int(pass_mark) <= 100:
            refuse({"pass_mark": _("A scored course needs a pass mark from 1 to 100.")})
    else:
        pass_mark = None
    if not 1 <= int(capacity) <= MAX_CAPACITY:
        refuse({"capacity": _("A course takes 1 to %(max)d learners.") % {"max": MAX_CAPACITY}})
    if not 2000 <= int(year) <= 2100:
        refuse({"year": _("Enter a year such as 2026.")})
    course = Course(
        title=title[:100],
        kind=kind,
        year=int(year),
        audience=_clean_audience(audience),
        assessment=assessment,
        pass_mark=pass_mark,
        capacity=int(capacity),
        open_enrolment=bool(open_enrolment),
        skill=str(skill).strip()[:40],
        created_by=by,
    )
    if node is not None:
        setattr(course, node.tier.value, node)
    save_in_scope(by, course, "add")
    CourseEvent.record(course=course, actor=by, action="create", from_state="")
    return course


def _locked_course(course: Course) -> Course:
    return Course.objects.select_for_update(of=("self",)).get(pk=course.pk)


@transaction.atomic
def add_session(
    *,
    by,
    course: Course,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    span: str,
    hours: Decimal | None = None,
    place: str = "",
    online_link: str = "",
    trainer: str = "",
) -> Session:
    """Add a session; ``hours`` given must be the rule's for its length."""
    course = _locked_course(course)
    _may(by, "training.change_course", course)
    if course.state != Course.State.OPEN:
        raise Conflict(_("Sessions are added only to an open course."))
    if span not in Span.values:
        refuse({"span": _("Choose the length of the session.")})
    if ends_at <= starts_at:
        refuse({"ends_at": _("The end must be later than the start.")})
    if ends_at - starts_at > datetime.timedelta(hours=12):
        refuse({"ends_at": _("A session lasts at most 12 hours.")})
    if not place.strip() and not online_link.strip():
        refuse({"place": _("Give a place or an online link.")})
    node = course.scope_node()
    expected = rule_hours(span=span, starts_at=starts_at, ends_at=ends_at, node=node)
    if hours is not None and Decimal(hours) != expected:
        refuse(
            {
                "hours": _("The rule credits %(expected)s hours for this session, not %(given)s.")
                % {"expected": expected, "given": Decimal(hours)}
            }
        )
    if expected <= 0:
        refuse({"ends_at": _("A session by the hour lasts at least one hour.")})
    session = Session.objects.create(
        course=course,
        starts_at=starts_at,
        ends_at=ends_at,
        span=span,
        hours=expected,
        place=place.strip()[:100],
        online_link=online_link.strip()[:200],
        trainer=trainer.strip()[:60],
    )
    Course.objects.filter(pk=course.pk).update(hours=F("hours") + expected)
    CourseEvent.record(
        course=course,
        actor=by,
        action="add_session",
        from_state=course.state,
        note=f"{local(starts_at):%Y-%m-%d %H:%M} · {expected}",
    )
    return session


@transaction.atomic
def finish_course(*, by, course: Course) -> Course:
    course = _locked_course(course)
    _may(by, "training.change_course", course)
    if course.state != Course.State.OPEN:
        raise Conflict(_("This course is not open."))
    course.state = Course.State.FINISHED
    course.save(update_fields=["state"])
    CourseEvent.record(course=course, actor=by, action="finish", from_state=Course.State.OPEN)
    return course


# --- enrolment -----------------------------------------------------------------------


def learner_post(user, course: Course) -> Post | None:
    """The learner's active post that the course is for: of the audience's roles and
    under the organiser's node."""
    posts = Post.objects.filter(user_id=user.pk, is_active=True, role__in=WORKER_ROLES)
    if course.audience:
        posts = posts.filter(role__in=course.audience)
    node = course.scope_node()
    if node is not None:
        posts = posts.filter(**{f"{node.tier.value}_id": node.pk})
    return posts.order_by("id").first()


def _tell(enrolment: Enrolment, kind: str, key: str, actor=None, **extra):
    course = enrolment.course
    first = course.sessions.order_by("starts_at").first()
    context = {
        "course": course.title,
        "when": local(first.starts_at).strftime("%Y-%m-%d %H:%M") if first else "-",
        "place": (first.place or first.online_link) if first else "-",
        **extra,
    }
    notify(
        key=key,
        kind=kind,
        recipients=[enrolment.user],
        subject=enrolment,
        context=context,
        url="/training/",
        actor=actor,
    )


def _admit(course: Course, enrolment: Enrolment) -> bool:
    """Take a place of the course (the counter under the check constraint)."""
    return bool(
        Course.objects.filter(pk=course.pk, enrolled__lt=F("capacity")).update(
            enrolled=F("enrolled") + 1
        )
    )


def _enrol_one(*, by, course: Course, user, post: Post, makeup_for=None) -> Enrolment:
    existing = Enrolment.objects.select_for_update(of=("self",)).filter(course=course, user=user)
    enrolment = existing.first()
    previous = ""
    if enrolment is not None:
        if enrolment.state != Enrolment.State.WITHDRAWN:
            raise Conflict(_("%(name)s is enrolled already.") % {"name": person_name(user)})
        previous = enrolment.state
    else:
        enrolment = Enrolment(course=course, user=user, post=post, makeup_for=makeup_for)
    enrolment.post = post
    enrolment.state = (
        Enrolment.State.ENROLLED if _admit(course, enrolment) else Enrolment.State.WAITLISTED
    )
    enrolment.reason = ""
    try:
        with transaction.atomic():
            enrolment.save()
    except IntegrityError:
        raise Conflict(_("%(name)s is enrolled already.") % {"name": person_name(user)}) from None
    EnrolmentEvent.record(enrolment=enrolment, actor=by, action="enrol", from_state=previous)
    kind = notices.ENROLLED if enrolment.state == Enrolment.State.ENROLLED else notices.WAITLISTED
    _tell(enrolment, kind, f"training:{enrolment.pk}:{enrolment.state}:{timezone.now():%s}", by)
    return enrolment


@transaction.atomic
def enrol(*, by, course: Course, user=None) -> Enrolment:
    """Enrol ``user`` (default: ``by`` themselves, where the course is open to it)."""
    user = user or by
    course = _locked_course(course)
    if course.state != Course.State.OPEN:
        raise Conflict(_("This course is not open for enrolment."))
    if user.pk == by.pk and not by.has_perm("training.change_course", course):
        if not course.open_enrolment:
            refuse(_("The organiser enrols the learners of this course."))
        if not by.has_perm("training.view_course", course):
            raise OutOfScope()
    else:
        _may(by, "training.change_course", course)
    post = learner_post(user, course)
    if post is None:
        refuse(_("%(name)s holds no post that this course is for.") % {"name": person_name(user)})
    return _enrol_one(by=by, course=course, user=user, post=post)


@transaction.atomic
def enrol_audience(*, by, course: Course, node=None) -> dict:
    """Enrol, in bulk, every worker of the course's audience under ``node`` (default: the
    organiser's node); those enrolled already are skipped. Answers the counts."""
    course = _locked_course(course)
    _may(by, "training.change_course", course)
    if course.state != Course.State.OPEN:
        raise Conflict(_("This course is not open for enrolment."))
    posts = Post.objects.filter(is_active=True, role__in=course.audience or WORKER_ROLES)
    organiser = course.scope_node()
    if organiser is not None:
        posts = posts.filter(**{f"{organiser.tier.value}_id": organiser.pk})
    if node is not None:
        if organiser is not None and node.tier_values().get(f"{organiser.tier.value}_id") != (
            organiser.pk
        ):
            refuse({"node": _("Enrol workers under the organiser's own node.")})
        posts = posts.filter(**{f"{node.tier.value}_id": node.pk})
    taken = set(
        Enrolment.objects.filter(course=course)
        .exclude(state=Enrolment.State.WITHDRAWN)
        .values_list("user_id", flat=True)
    )
    counts = {"enrolled": 0, "waitlisted": 0, "skipped": 0}
    seen = set()
    for post in posts.select_related("user").order_by("id"):
        if post.user_id in taken or post.user_id in seen:
            counts["skipped"] += post.user_id in taken
            continue
        seen.add(post.user_id)
        enrolment = _enrol_one(by=by, course=course, user=post.user, post=post)
        counts[enrolment.state] += 1
    return counts


def _promote_waiting(course: Course, by) -> Enrolment | None:
    waiting = (
        Enrolment.objects.select_for_update(of=("self",))
        .filter(course=course, state=Enrolment.State.WAITLISTED)
        .order_by("enrolled_at", "id")
        .first()
    )
    if waiting is None or not _admit(course, waiting):
        return None
    waiting.state = Enrolment.State.ENROLLED
    waiting.save(update_fields=["state"])
    EnrolmentEvent.record(
        enrolment=waiting, actor=by, action="promote", from_state=Enrolment.State.WAITLISTED
    )
    _tell(waiting, notices.ENROLLED, f"training:{waiting.pk}:promoted", by)
    return waiting


def _withdraw(enrolment: Enrolment, *, by, reason: str, action: str = "withdraw"):
    previous = enrolment.state
    enrolment.state = Enrolment.State.WITHDRAWN
    enrolment.reason = reason[:200]
    enrolment.save(update_fields=["state", "reason"])
    if previous == Enrolment.State.ENROLLED:
        Course.objects.filter(pk=enrolment.course_id, enrolled__gt=0).update(
            enrolled=F("enrolled") - 1
        )
        _promote_waiting(enrolment.course, by)
    EnrolmentEvent.record(
        enrolment=enrolment, actor=by, action=action, from_state=previous, note=reason
    )
    _tell(enrolment, notices.WITHDRAWN, f"training:{enrolment.pk}:withdrawn", by, reason=reason)


def _locked(enrolment: Enrolment) -> Enrolment:
    return (
        Enrolment.objects.select_for_update(of=("self",))
        .select_related("course", "user")
        .get(pk=enrolment.pk)
    )


@transaction.atomic
def withdraw(*, by, enrolment: Enrolment, reason: str = "") -> Enrolment:
    """The learner withdraws, or the organiser withdraws them; the first waiting moves up."""
    _locked_course(enrolment.course)
    enrolment = _locked(enrolment)
    if enrolment.user_id != by.pk:
        _may(by, "training.change_course", enrolment.course)
    if enrolment.state not in (Enrolment.State.ENROLLED, Enrolment.State.WAITLISTED):
        raise Conflict(_("Only an enrolment still running can be withdrawn."))
    _withdraw(enrolment, by=by, reason=reason.strip() or _("Withdrawn on request"))
    return enrolment


# --- attendance ----------------------------------------------------------------------


def _missed_hours(enrolment: Enrolment) -> Decimal:
    return Attendance.objects.filter(
        enrolment=enrolment, status__in=[Attendance.Status.EXCUSED, Attendance.Status.ABSENT]
    ).aggregate(total=Sum("session__hours"))["total"] or Decimal(0)


def _record(*, by, enrolment: Enrolment, session: Session, status: str, method: str):
    credited = (
        session.hours
        if status in (Attendance.Status.PRESENT, Attendance.Status.LATE)
        else Decimal(0)
    )
    attendance = Attendance.objects.filter(enrolment=enrolment, session=session).first()
    if attendance is None:
        attendance = Attendance(enrolment=enrolment, session=session, user_id=enrolment.user_id)
    before = attendance.hours if attendance.pk else Decimal(0)
    attendance.status, attendance.method = status, method
    attendance.on, attendance.hours = local(session.starts_at).date(), credited
    try:
        with transaction.atomic():
            attendance.save()
    except IntegrityError:
        raise Conflict(_("This attendance is recorded already.")) from None
    Enrolment.objects.filter(pk=enrolment.pk).update(
        hours_credited=F("hours_credited") + credited - before
    )
    enrolment.refresh_from_db(fields=["hours_credited"])
    EnrolmentEvent.record(
        enrolment=enrolment,
        actor=by,
        action=f"attend_{status}",
        from_state=enrolment.state,
        note=f"{local(session.starts_at):%Y-%m-%d %H:%M}",
    )
    if status in (Attendance.Status.EXCUSED, Attendance.Status.ABSENT):
        _apply_leave_rule(enrolment, by=by, session=session)
    return attendance


def _apply_leave_rule(enrolment: Enrolment, *, by, session: Session) -> None:
    """Leave or absence above 1/N of the course's hours withdraws the learner and offers
    the next make-up course; any absence from a course that is not itself a make-up
    offers one too."""
    course = Course.objects.get(pk=enrolment.course_id)
    denominator = int(rule(keys.LEAVE_SHARE, node=course.scope_node()))
    missed = _missed_hours(enrolment)
    above = course.hours and missed * denominator > course.hours
    if above and enrolment.state == Enrolment.State.ENROLLED:
        _withdraw(
            enrolment,
            by=by,
            reason=_("Leave of %(missed)s hours is above 1/%(n)d of the course's hours.")
            % {"missed": missed, "n": denominator},
            action="withdraw_leave",
        )
    if course.kind != CourseKind.MAKE_UP:
        offer_make_up(enrolment=enrolment, session=session, by=by)


def offer_make_up(*, enrolment: Enrolment, session: Session | None = None, by=None):
    """Enrol the learner in the next open make-up course of the organiser (or above),
    once; None when there is none (the compliance board lists them as needing one)."""
    if Enrolment.objects.filter(makeup_for=enrolment).exclude(state="withdrawn").exists():
        return None
    course = enrolment.course
    now = timezone.now()
    organisers = Q(street__isnull=True)
    if course.street_id:
        organisers |= Q(street_id=course.street_id, community__isnull=True)
    if course.community_id:
        organisers |= Q(community_id=course.community_id)
    candidates = (
        Course.objects.filter(organisers, kind=CourseKind.MAKE_UP, state=Course.State.OPEN)
        .filter(sessions__starts_at__gt=now)
        .exclude(enrolments__user_id=enrolment.user_id)
        .distinct()
        .order_by("id")
    )
    for candidate in candidates:
        post = learner_post(enrolment.user, candidate)
        if post is None:
            continue
        locked = _locked_course(candidate)
        makeup = _enrol_one(
            by=by, course=locked, user=enrolment.user, post=post, makeup_for=enrolment
        )
        missed = local(session.starts_at).strftime("%Y-%m-%d") if session else course.title
        _tell(
            makeup,
            notices.MAKE_UP,
            f"training:{makeup.pk}:make-up",
            by,
            missed=f"{course.title} {missed}",
        )
        return makeup
    return None


def _checkin_window(session: Session, now) -> bool:
    return session.starts_at - CHECKIN_EARLY <= now <= session.ends_at


@transaction.atomic
def check_in(*, user, session: Session, code) -> Attendance:
    """The learner scans the session's rotating QR code: present, or late after the
    rule's minutes; refused when not enrolled, the code expired or the session closed."""
    if not getattr(user, "is_authenticated", False):
        refuse(_("Sign in to check in."))
    session = Session.objects.select_for_update(of=("self",)).get(pk=session.pk)
    enrolment = (
        Enrolment.objects.select_for_update(of=("self",))
        .filter(course_id=session.course_id, user_id=user.pk, state=Enrolment.State.ENROLLED)
        .first()
    )
    if enrolment is None:
        refuse(_("You are not enrolled in this course."))
    if session.state == Session.State.CLOSED:
        raise Conflict(_("Attendance of this session is closed."))
    if not is_valid_code(CHECKIN_PURPOSE, session.pk, code):
        refuse({"code": _("This code has expired or is wrong: scan the code on the screen.")})
    now = timezone.now()
    if not _checkin_window(session, now):
        refuse(_("Check-in opens 30 minutes before the session and closes at its end."))
    if Attendance.objects.filter(enrolment=enrolment, session=session).exists():
        raise Conflict(_("You have checked in already."))
    late = now > session.starts_at + datetime.timedelta(
        minutes=int(rule(keys.LATE_MINUTES, node=session.course.scope_node()))
    )
    status = Attendance.Status.LATE if late else Attendance.Status.PRESENT
    return _record(
        by=user, enrolment=enrolment, session=session, status=status, method=Attendance.Method.QR
    )


@transaction.atomic
def mark_attendance(*, by, session: Session, enrolment: Enrolment, status: str) -> Attendance:
    """The organiser ticks a learner's attendance (present, late, excused, absent)."""
    session = Session.objects.select_for_update(of=("self",)).get(pk=session.pk)
    _may(by, "training.change_session", session)
    if status not in Attendance.Status.values:
        refuse({"status": _("Choose present, late, excused or absent.")})
    if session.state == Session.State.CLOSED:
        raise Conflict(_("Attendance of this session is closed."))
    enrolment = _locked(enrolment)
    if enrolment.course_id != session.course_id:
        refuse({"enrolment": _("This learner is not on this course.")})
    if enrolment.state != Enrolment.State.ENROLLED:
        raise Conflict(_("Only enrolled learners have attendance."))
    return _record(
        by=by,
        enrolment=enrolment,
        session=session,
        status=status,
        method=Attendance.Method.ORGANISER,
    )


@transaction.atomic
def close_session(*, by, session: Session) -> Session:
    """Close the attendance: whoever has none is absent (and the leave rule applies)."""
    session = Session.objects.select_for_update(of=("self",)).get(pk=session.pk)
    _may(by, "training.change_session", session)
    if session.state == Session.State.CLOSED:
        raise Conflict(_("Attendance of this session is closed."))
    if timezone.now() < session.starts_at:
        refuse(_("A session is closed after it has started."))
    recorded = Attendance.objects.filter(session=session).values_list("enrolment_id", flat=True)
    for enrolment in (
        Enrolment.objects.filter(course_id=session.course_id, state=Enrolment.State.ENROLLED)
        .exclude(pk__in=list(recorded))
        .select_related("course", "user")
    ):
        _record(
            by=by,
            enrolment=enrolment,
            session=session,
            status=Attendance.Status.ABSENT,
            method=Attendance.Method.ORGANISER,
        )
    session.state = Session.State.CLOSED
    session.save(update_fields=["state"])
    CourseEvent.record(
        course=session.course,
        actor=by,
        action="close_session",
        from_state=session.course.state,
        note=f"{local(session.starts_at):%Y-%m-%d %H:%M}",
    )
    return session


# --- completion and certificates -----------------------------------------------------


def _assessed(course: Course, score, passed) -> tuple[int | None, bool]:
    if course.assessment == Assessment.NONE:
        return None, True
    if course.assessment == Assessment.PASS_FAIL:
        if passed is None:
            refuse({"passed": _("Say whether the learner passed.")})
        return None, bool(passed)
    if score is None or not 0 <= int(score) <= 100:
        refuse({"score": _("Enter a score from 0 to 100.")})
    return int(score), int(score) >= (course.pass_mark or 0)


@transaction.atomic
def complete_enrolment(*, by, enrolment: Enrolment, score=None, passed=None) -> Enrolment:
    """Record the assessment: completed (with a certificate) when the attendance
    threshold is met and the assessment passed, else not passed."""
    enrolment = _locked(enrolment)
    course = enrolment.course
    _may(by, "training.change_course", course)
    if enrolment.state != Enrolment.State.ENROLLED:
        raise Conflict(_("Only an enrolled learner completes a course."))
    sessions = list(course.sessions.all())
    if not sessions:
        refuse(_("The course has no sessions yet."))
    if any(s.state != Session.State.CLOSED for s in sessions):
        refuse(_("Close the attendance of every session first."))
    score, ok = _assessed(course, score, passed)
    denominator = int(rule(keys.LEAVE_SHARE, node=course.scope_node()))
    attended = enrolment.hours_credited >= course.hours - course.hours / denominator
    previous = enrolment.state
    enrolment.score, enrolment.passed = score, ok if course.assessment != "none" else None
    if ok and attended:
        enrolment.state = Enrolment.State.COMPLETED
        enrolment.completed_on = timezone.localdate()
    else:
        enrolment.state = Enrolment.State.FAILED
        enrolment.reason = (
            _("The assessment was not passed.") if attended else _("Too little attendance.")
        )
    enrolment.save()
    EnrolmentEvent.record(
        enrolment=enrolment,
        actor=by,
        action="complete" if enrolment.state == Enrolment.State.COMPLETED else "fail",
        from_state=previous,
        note=str(score) if score is not None else "",
    )
    if enrolment.state == Enrolment.State.COMPLETED:
        issue_training_certificate(by=by, enrolment=enrolment)
    return enrolment


def issue_training_certificate(*, by, enrolment: Enrolment):
    """The certificate of a completed course (number, QR, verification page, PDF);
    refused without completion, answered as it is when issued already."""
    if enrolment.state != Enrolment.State.COMPLETED:
        raise Conflict(_("A certificate is issued only for a completed course."))
    if enrolment.certificate_id:
        return enrolment.certificate
    course = enrolment.course
    certificate = issue_certificate(
        kind="training",
        title=_("Training certificate: %(course)s") % {"course": course.title},
        holder=enrolment.user,
        holder_name=person_name(enrolment.user),
        issuer_name=course.organiser_name,
        subject=enrolment,
        details=[
            (_("Course"), course.title),
            (_("Kind"), course.get_kind_display()),
            (_("Hours"), str(enrolment.hours_credited)),
            (_("Completed on"), enrolment.completed_on.isoformat()),
        ],
        issued_by=by,
        issued_on=enrolment.completed_on,
    )
    Enrolment.objects.filter(pk=enrolment.pk).update(certificate=certificate)
    enrolment.certificate = certificate
    _tell(
        enrolment,
        notices.COMPLETED,
        f"training:{enrolment.pk}:completed",
        by,
        hours=str(enrolment.hours_credited),
        number=certificate.number,
    )
    return certificate


# --- reminders -----------------------------------------------------------------------


def send_reminders(now: datetime.datetime | None = None) -> int:
    """Remind the enrolled learners of the sessions starting in the next 24 hours, once."""
    now = now or timezone.now()
    sent = 0
    due = Session.objects.filter(
        state=Session.State.PLANNED,
        reminded_at__isnull=True,
        starts_at__gt=now,
        starts_at__lte=now + datetime.timedelta(hours=24),
    ).select_related("course")
    for session in due:
        with transaction.atomic():
            if not Session.objects.filter(pk=session.pk, reminded_at__isnull=True).update(
                reminded_at=now
            ):
                continue
            learners = [
                e.user
                for e in Enrolment.objects.filter(
                    course_id=session.course_id, state=Enrolment.State.ENROLLED
                ).select_related("user")
            ]
            if learners:
                sent += notify(
                    key=f"training:session:{session.pk}:reminder",
                    kind=notices.REMINDER,
                    recipients=learners,
                    subject=session,
                    context={
                        "course": session.course.title,
                        "when": local(session.starts_at).strftime("%Y-%m-%d %H:%M"),
                        "place": session.place or session.online_link,
                    },
                    url="/training/",
                )
    return sent


# --- qualifications ------------------------------------------------------------------


def _years_later(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def continuing_hours(qualification: Qualification) -> Decimal:
    """Hours from attended training in the registration period (counted automatically)."""
    return Attendance.objects.filter(
        user_id=qualification.user_id,
        on__gte=qualification.registered_on,
        on__lt=qualification.expires_on,
    ).aggregate(total=Sum("hours"))["total"] or Decimal(0)


def hours_needed(qualification: Qualification) -> Decimal:
    key = keys.CE_ASSISTANT if qualification.level == "assistant" else keys.CE_SENIOR
    return Decimal(rule(key, node=qualification.scope_node()))


@transaction.atomic
def register_qualification(
    *, by, post: Post, level: str, registered_on: datetime.date, number: str = ""
) -> Qualification:
    """Record a worker's social-work qualification; it expires after the rule's years."""
    if level not in Qualification.Level.values:
        refuse({"level": _("Choose assistant, intermediate or senior.")})
    if registered_on > timezone.localdate():
        refuse({"registered_on": _("The registration date cannot be in the future.")})
    years = int(rule(keys.REGISTRATION_YEARS, node=post.scope_node()))
    qualification = Qualification(
        user_id=post.user_id,
        post=post,
        level=level,
        number=str(number).strip()[:40],
        registered_on=registered_on,
        expires_on=_years_later(registered_on, years),
    )
    return save_in_scope(by, qualification, "add")


@transaction.atomic
def renew_qualification(*, by, qualification: Qualification) -> Qualification:
    """Renew the registration for another period: refused below the continuing hours."""
    qualification = Qualification.objects.select_for_update(of=("self",)).get(pk=qualification.pk)
    _may(by, "training.change_qualification", qualification)
    done, needed = continuing_hours(qualification), hours_needed(qualification)
    if done < needed:
        refuse(
            _("Continuing education of %(done)s hours is below the %(needed)s hours required.")
            % {"done": done, "needed": needed}
        )
    years = int(rule(keys.REGISTRATION_YEARS, node=qualification.scope_node()))
    qualification.registered_on = qualification.expires_on
    qualification.expires_on = _years_later(qualification.expires_on, years)
    qualification.alerted_before_on = qualification.alerted_after_on = None
    qualification.save()
    return qualification


def registration_due_soon(qualification: Qualification, today: datetime.date) -> bool:
    """Whether the registration expires within the rule's alert days (not yet expired)."""
    days = int(rule(keys.EXPIRY_ALERT_DAYS, node=qualification.scope_node()))
    return today < qualification.expires_on <= today + datetime.timedelta(days=days)


def send_qualification_alerts(today: datetime.date | None = None) -> int:
    """Tell the holders whose registration expires within the rule's days (once), and
    once more after it has expired."""
    today = today or timezone.localdate()
    sent = 0
    for qualification in Qualification.objects.filter(
        Q(alerted_before_on__isnull=True) | Q(alerted_after_on__isnull=True),
        expires_on__lte=today + datetime.timedelta(days=366),
    ).select_related("user"):
        days = int(rule(keys.EXPIRY_ALERT_DAYS, node=qualification.scope_node()))
        expired = qualification.expires_on <= today
        if expired and qualification.alerted_after_on is None:
            field, when = "alerted_after_on", _("expired on %(day)s")
        elif (
            not expired
            and qualification.alerted_before_on is None
            and qualification.expires_on <= today + datetime.timedelta(days=days)
        ):
            field, when = "alerted_before_on", _("expires on %(day)s")
        else:
            continue
        Qualification.objects.filter(pk=qualification.pk).update(**{field: today})
        sent += notify(
            key=f"training:qualification:{qualification.pk}:{field}:{qualification.expires_on}",
            kind=notices.QUALIFICATION,
            recipients=[qualification.user],
            subject=qualification,
            context={
                "level": qualification.get_level_display(),
                "when": when % {"day": qualification.expires_on.isoformat()},
                "hours": str(continuing_hours(qualification)),
                "needed": str(hours_needed(qualification)),
            },
            url="/training/archive/",
        )
    return sent


# --- the career ladder and the talent pool -------------------------------------------


def grade_band(ladder: str, node=None) -> tuple[int, int]:
    return keys.parse_band(rule(keys.BANDS[ladder], node=node))


@transaction.atomic
def set_grade(
    *,
    by,
    post: Post,
    ladder: str,
    grade: int,
    reason: str,
    since: datetime.date | None = None,
    approved_by: Post | None = None,
) -> GradeRecord:
    """A step of the grade history: a grade within the post kind's band, with a reason
    and the approving post (default: the recorder's own post over the worker)."""
    if ladder not in Ladder.values:
        refuse({"ladder": _("Choose head, deputy or other post.")})
    reason = str(reason).strip()
    if not reason:
        refuse({"reason": _("Give the reason of the grade.")})
    low, high = grade_band(ladder, node=post.scope_node())
    if not low <= int(grade) <= high:
        refuse(
            {
                "grade": _("A %(ladder)s is graded %(low)d to %(high)d.")
                % {"ladder": Ladder(ladder).label, "low": low, "high": high}
            }
        )
    if approved_by is None:
        approved_by = (
            Post.objects.filter(user_id=by.pk, is_active=True)
            .exclude(role__in=[Role.GRID_MEMBER, Role.BUILDING_LEADER])
            .order_by("id")
            .first()
        )
    record = GradeRecord(
        user_id=post.user_id,
        post=post,
        ladder=ladder,
        grade=int(grade),
        since=since or timezone.localdate(),
        reason=reason[:200],
        approved_by=approved_by,
        recorded_by=by,
    )
    return save_in_scope(by, record, "add")


@transaction.atomic
def nominate(*, by, post: Post, reason: str, plan: str = "") -> Nomination:
    """Nominate a worker to the reserve talent pool, with a development plan."""
    reason = str(reason).strip()
    if not reason:
        refuse({"reason": _("Give the reason of the nomination.")})
    nomination = Nomination(
        user_id=post.user_id,
        post=post,
        reason=reason[:200],
        plan=str(plan).strip()[:2000],
        nominated_by=by,
    )
    try:
        with transaction.atomic():
            return save_in_scope(by, nomination, "add")
    except IntegrityError:
        raise Conflict(_("This worker is nominated or in the pool already.")) from None


@transaction.atomic
def decide_nomination(*, by, nomination: Nomination, accept: bool) -> Nomination:
    nomination = Nomination.objects.select_for_update(of=("self",)).get(pk=nomination.pk)
    _may(by, "training.change_nomination", nomination)
    if nomination.state == Nomination.State.REMOVED:
        raise Conflict(_("This nomination was removed."))
    nomination.state = Nomination.State.IN_POOL if accept else Nomination.State.REMOVED
    nomination.save(update_fields=["state"])
    return nomination


# --- residents' appraisal ------------------------------------------------------------


@transaction.atomic
def open_campaign(*, by, community, year: int, title: str = "") -> Campaign:
    campaign = Campaign(
        community=community,
        year=int(year),
        title=(
            str(title).strip()
            or _("%(year)d appraisal of the community's workers") % {"year": int(year)}
        )[:100],
        created_by=by,
    )
    try:
        with transaction.atomic():
            return save_in_scope(by, campaign, "add")
    except IntegrityError:
        raise Conflict(_("This community has an appraisal for that year already.")) from None


@transaction.atomic
def close_campaign(*, by, campaign: Campaign) -> Campaign:
    campaign = Campaign.objects.select_for_update(of=("self",)).get(pk=campaign.pk)
    _may(by, "training.change_campaign", campaign)
    if campaign.state != Campaign.State.OPEN:
        raise Conflict(_("This appraisal is closed."))
    campaign.state = Campaign.State.CLOSED
    campaign.save(update_fields=["state"])
    return campaign


def is_resident_of(user, community_id) -> bool:
    """Whether the user lives in the community (who takes part in its appraisal)."""
    return community_id in own_ids(user, "community")


def _score(score) -> int:
    try:
        value = int(score)
    except (TypeError, ValueError):
        value = 0
    if not 1 <= value <= 5:
        refuse({"score": _("Rate from 1 to 5.")})
    return value


def rateable_workers(campaign: Campaign):
    """The posts of the community a campaign rates (its workers and grid members)."""
    return (
        Post.objects.filter(
            community_id=campaign.community_id, is_active=True, role__in=WORKER_ROLES
        )
        .select_related("user", "grid")
        .order_by("role", "id")
    )


@transaction.atomic
def rate_in_campaign(
    *, user, campaign: Campaign, worker_post: Post, score, comment: str = ""
) -> Rating:
    """A resident of the community rates one of its workers, once per campaign."""
    campaign = Campaign.objects.select_for_update(of=("self",)).get(pk=campaign.pk)
    if campaign.state != Campaign.State.OPEN:
        raise Conflict(_("This appraisal is closed."))
    if not is_resident_of(user, campaign.community_id):
        refuse(_("Only the residents of this community take part in its appraisal."))
    if not rateable_workers(campaign).filter(pk=worker_post.pk).exists():
        refuse({"worker": _("This person does not work in this community.")})
    value = _score(score)
    try:
        with transaction.atomic():
            return Rating.objects.create(
                worker_id=worker_post.user_id,
                post=worker_post,
                rater=user,
                campaign=campaign,
                source=Rating.Source.CAMPAIGN,
                score=value,
                comment=str(comment).strip()[:300],
            )
    except IntegrityError:
        raise Conflict(_("You have rated this worker in this appraisal already.")) from None


# The states of a request that is over for its reporter: closed on the net (核查结案),
# or closed and rated by the reporter (the grid's own 1-5 of the request). A resident
# rates who served them from then on; the grid's rating of the request is another one.
RATEABLE_STATES = ("closed", "evaluated")


def request_servers(requests) -> dict[int, Post | None]:
    """Who of the net served each request: its handler, else who handled it, else who
    verified and closed it (the grid member), the first of them holding a worker post;
    that post, in the request's community when they hold several. Two queries for any
    number of requests."""
    requests = list(requests)
    last_actor: dict[tuple[int, str], int | None] = {}
    events = (
        RequestEvent.objects.filter(
            request_id__in=[r.pk for r in requests], action__in=("handle", "close")
        )
        .order_by("request_id", "action", "-at", "-id")
        .values_list("request_id", "action", "actor_id")
    )
    for request_id, action, actor_id in events:
        last_actor.setdefault((request_id, action), actor_id)
    candidates = {
        r.pk: [
            r.handler_user_id,
            last_actor.get((r.pk, "handle")),
            last_actor.get((r.pk, "close")),
        ]
        for r in requests
    }
    users = {u for ids in candidates.values() for u in ids if u is not None}
    posts_of: dict[int, list[Post]] = {}
    posts = Post.objects.filter(user_id__in=users, is_active=True, role__in=WORKER_ROLES)
    for post in posts.select_related("user").order_by("id"):
        posts_of.setdefault(post.user_id, []).append(post)
    servers: dict[int, Post | None] = {}
    for r in requests:
        servers[r.pk] = None
        for user_id in candidates[r.pk]:
            held = posts_of.get(user_id)
            if held:
                here = [p for p in held if p.community_id == r.community_id]
                servers[r.pk] = (here or held)[0]
                break
    return servers


def request_server(request) -> Post | None:
    """Who of the net served one request (see :func:`request_servers`)."""
    return request_servers([request])[request.pk]


def requests_to_rate(user, limit: int = 30) -> list:
    """The user's own closed requests with who served each (``server``, a post) and the
    user's rating of them (``my_score``, None when not yet rated); requests nobody of
    the net served are left out."""
    if not getattr(user, "is_authenticated", False):
        return []
    rows = list(
        ServiceRequest.objects.filter(reporter_user_id=user.pk, state__in=RATEABLE_STATES)
        .select_related("category")
        .order_by("-closed_at", "-id")[:limit]
    )
    scores = dict(
        Rating.objects.filter(
            rater_id=user.pk,
            source=Rating.Source.REQUEST,
            source_id__in=[r.pk for r in rows],
            campaign__isnull=True,
        ).values_list("source_id", "score")
    )
    servers = request_servers(rows)
    found = []
    for row in rows:
        row.server = servers[row.pk]
        if row.server is None:
            continue
        row.server_name = person_name(row.server.user)
        row.my_score = scores.get(row.pk)
        found.append(row)
    return found


@transaction.atomic
def rate_after_request(*, user, request, score, comment: str = "") -> Rating:
    """The reporter of a closed request rates the grid member (or worker) who served it,
    once per request (database unique)."""
    if not getattr(user, "is_authenticated", False) or request.reporter_user_id != user.pk:
        refuse(_("Only the person who reported the request rates who handled it."))
    request = ServiceRequest.objects.select_for_update(of=("self",)).get(pk=request.pk)
    if request.state not in RATEABLE_STATES:
        raise Conflict(_("A request is rated after it is closed."))
    post = request_server(request)
    if post is None:
        refuse(_("Nobody of the net handled this request."))
    value = _score(score)
    try:
        with transaction.atomic():
            return Rating.objects.create(
                worker_id=post.user_id,
                post=post,
                rater=user,
                source=Rating.Source.REQUEST,
                source_id=request.pk,
                score=value,
                comment=str(comment).strip()[:300],
            )
    except IntegrityError:
        raise Conflict(_("You have rated this request already.")) from None


def _average(value) -> Decimal | None:
    return Decimal(str(value)).quantize(Decimal("0.01")) if value is not None else None


def appraisal_ratings(campaign: Campaign):
    """The ratings a yearly appraisal counts: those given in the campaign, and those
    residents gave in the campaign's year after a closed request to a worker of the
    campaign's community (by the rated post's community). Both are one resident's 1–5
    of one worker who served them, so the year's average counts both alike."""
    return Rating.objects.filter(
        Q(campaign_id=campaign.pk)
        | Q(
            campaign__isnull=True,
            source=Rating.Source.REQUEST,
            community_id=campaign.community_id,
            created_at__year=campaign.year,
        )
    )


def campaign_results(campaign: Campaign) -> dict:
    """Averages per worker and for the community: of the campaign, of the ratings after
    closed requests in its year, and of both together (``average``, what the appraisal
    reports); counts and averages only, never who rated what."""
    in_campaign = Q(source=Rating.Source.CAMPAIGN)
    after_request = Q(source=Rating.Source.REQUEST)
    figures = {
        "count": Count("id"),
        "average": Avg("score"),
        "campaign_count": Count("id", filter=in_campaign),
        "campaign_average": Avg("score", filter=in_campaign),
        "request_count": Count("id", filter=after_request),
        "request_average": Avg("score", filter=after_request),
    }
    ratings = appraisal_ratings(campaign)
    per_worker = list(
        ratings.values("worker_id", "post__role")
        .annotate(**figures)
        .order_by("-average", "worker_id")
    )
    names = {
        u.pk: person_name(u)
        for u in get_user_model().objects.filter(pk__in=[r["worker_id"] for r in per_worker])
    }
    averages = ("average", "campaign_average", "request_average")
    for row in per_worker:
        row["name"] = names.get(row["worker_id"], "")
        for key in averages:
            row[key] = _average(row[key])
    overall = ratings.aggregate(**figures)
    for key in averages:
        overall[key] = _average(overall[key])
    return {"workers": per_worker, **overall}


def worker_rating(user) -> dict:
    """A worker's own average (shown to the worker and superiors, never the raters)."""
    result = Rating.objects.filter(worker_id=user.pk).aggregate(
        count=Count("id"), average=Avg("score")
    )
    result["average"] = _average(result["average"])
    return result


def send_qualification_reminders(now: datetime.datetime | None = None) -> int:
    """The deadline task's sweep (``now`` a moment): the alerts of today."""
    return send_qualification_alerts(timezone.localdate(now) if now else None)
