"""Training pages. A worker (phone first): my courses and sessions, scan to check in, my
hours against my quota, my certificates and qualifications, what I am due for, my
archive. The organiser's workbench: courses, a course's roster and sessions, a session's
rotating QR code and attendance sheet, the compliance board, the Excel export. A
resident: the community's appraisal."""

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic.detail import SingleObjectMixin

from core.checkin import (
    CHECKIN_RATE_SCOPE,
    checkin_url,
    current_code,
    period_seconds,
    qr_svg,
    refresh_payload,
)
from core.exports import Column, excel_response
from core.ratelimit import limit
from core.timeline import Conflict, refusal_text
from grid.models import Community, Grid, Post, ServiceRequest, Street
from grid.scoped_views import ScopedViewMixin
from grid.scoping import filter_for_perm

from . import compliance, services
from .models import (
    Attendance,
    Campaign,
    Compliance,
    Course,
    CourseKind,
    Enrolment,
    GradeRecord,
    Qualification,
    Rating,
    Session,
    Span,
)
from .permissions import TrainingPerm
from .querysets import session_for


def organises(user) -> bool:
    return user.has_perm(TrainingPerm.CHANGE_COURSE)


def _year(request) -> int:
    raw = request.GET.get("year", "")
    if raw.isdigit() and 2000 <= int(raw) <= 2100:
        return int(raw)
    return timezone.localdate().year


def refused(request, exc) -> int:
    """Show a refused step's reason (translated) and give its status: 409 when the state
    stands in the way, else 400; the service's transaction changed nothing."""
    if isinstance(exc, ValidationError):
        messages.error(request, refusal_text(exc))
        return 409 if isinstance(exc, Conflict) else 400
    messages.error(request, _("Check the values entered."))
    return 400


def again(status: int, response):
    """The page shown again with the refusal (``status`` first: the reason is added to
    the messages before the page renders), answered with its 4xx status."""
    response.status_code = status
    return response


def archive_of(user) -> dict:
    """A worker's training archive: courses, hours by year, certificates, qualifications,
    grades and the residents' average."""
    enrolments = list(
        Enrolment.objects.filter(user_id=user.pk)
        .select_related("course", "certificate")
        .order_by("-course__year", "-enrolled_at")
    )
    hours = list(
        Attendance.objects.filter(user_id=user.pk)
        .values("on__year")
        .annotate(total=Sum("hours"))
        .order_by("-on__year")
    )
    qualifications = list(Qualification.objects.filter(user_id=user.pk))
    today = timezone.localdate()
    for qualification in qualifications:
        qualification.ce_hours = services.continuing_hours(qualification)
        qualification.ce_needed = services.hours_needed(qualification)
        qualification.expired = qualification.expires_on <= today
        qualification.due_soon = services.registration_due_soon(qualification, today)
    return {
        "person": user,
        "name": services.person_name(user),
        "enrolments": enrolments,
        "hours": [(row["on__year"], row["total"]) for row in hours],
        "certificates": [e.certificate for e in enrolments if e.certificate_id],
        "qualifications": qualifications,
        "grades": list(GradeRecord.objects.filter(user_id=user.pk).select_related("approved_by")),
        "rating": services.worker_rating(user),
        "compliance": Compliance.objects.filter(user_id=user.pk).order_by("-year").first(),
    }


class HomeView(ScopedViewMixin, View):
    """My training (every worker) and, for an organiser, the way to the workbench."""

    model = Enrolment

    def get(self, request):
        now = timezone.now()
        mine = list(
            Enrolment.objects.for_user(request.user)
            .filter(user_id=request.user.pk)
            .exclude(state=Enrolment.State.WITHDRAWN)
            .select_related("course", "certificate")
            .order_by("-enrolled_at")[:50]
        )
        running = [e.course_id for e in mine if e.state == Enrolment.State.ENROLLED]
        upcoming = list(
            Session.objects.filter(course_id__in=running, ends_at__gte=now)
            .select_related("course")
            .order_by("starts_at")[:20]
        )
        taken = {e.course_id for e in mine}
        open_courses = [
            c
            for c in Course.objects.for_user(request.user)
            .filter(state=Course.State.OPEN, open_enrolment=True)
            .order_by("-year", "title")[:20]
            if c.pk not in taken and services.learner_post(request.user, c) is not None
        ]
        campaigns = list(
            Campaign.objects.for_user(request.user)
            .filter(state=Campaign.State.OPEN, community__isnull=False)
            .select_related("community")[:5]
        )
        standing = (
            Compliance.objects.filter(user_id=request.user.pk, year=now.year)
            .select_related("post")
            .first()
        ) or compliance.live_standing(request.user, timezone.localdate().year)
        return render(
            request,
            "training/home.html",
            {
                "mine": mine,
                "upcoming": upcoming,
                "open_courses": open_courses,
                "campaigns": campaigns,
                "standing": standing,
                "needs": [compliance.NEEDS[n] for n in (standing.needs if standing else [])],
                "organiser": organises(request.user),
                "to_rate": sum(
                    1 for row in services.requests_to_rate(request.user) if row.my_score is None
                ),
                "now": now,
            },
        )


class EnrolSelfView(ScopedViewMixin, SingleObjectMixin, View):
    model = Course

    def post(self, request, pk):
        course = self.get_object()
        try:
            enrolment = services.enrol(by=request.user, course=course)
        except ValidationError as exc:
            return again(refused(request, exc), HomeView().get(request))
        messages.success(request, enrolment.get_state_display())
        return redirect("training:home")


class CheckInView(ScopedViewMixin, View):
    """Where the session's QR code leads: confirm with one tap (or type the digits)."""

    model = Session

    def get(self, request, pk):
        session = session_for(request.user, pk)
        code = request.GET.get("code", "")[:12]
        return render(request, "training/checkin.html", {"session": session, "code": code})

    @limit(CHECKIN_RATE_SCOPE)
    def post(self, request, pk):
        session = session_for(request.user, pk)
        code = request.POST.get("code", "")[:12]
        try:
            attendance = services.check_in(user=request.user, session=session, code=code)
        except ValidationError as exc:
            status = refused(request, exc)
            response = render(
                request, "training/checkin.html", {"session": session, "code": ""}, status=status
            )
            return response
        messages.success(
            request,
            _("Checked in: %(status)s, %(hours)s hours.")
            % {"status": attendance.get_status_display(), "hours": attendance.hours},
        )
        return redirect("training:home")


class ArchiveView(ScopedViewMixin, View):
    """A worker's training archive (培训档案): one's own, or a worker under one's posts."""

    model = Enrolment

    def get(self, request, user_id=None):
        person = request.user
        if user_id is not None and user_id != request.user.pk:
            if not request.user.has_perm(TrainingPerm.VIEW_ENROLMENT):
                raise Http404
            seen = Post.objects.for_user(request.user).filter(user_id=user_id, is_active=True)
            if not seen.exists():
                raise Http404
            person = get_user_model().objects.get(pk=user_id)
        return render(request, "training/archive.html", archive_of(person))


class OrganiserMixin(ScopedViewMixin):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.has_perm(
            TrainingPerm.VIEW_COMPLIANCE
        ):
            raise Http404
        return super().dispatch(request, *args, **kwargs)


def organiser_nodes(user) -> list:
    """The nodes where the user may organise: the county, streets and communities."""
    nodes = []
    if user.has_perm(TrainingPerm.ADD_COURSE) and any(
        p.tier == "county" for p in Post.objects.filter(user_id=user.pk, is_active=True)
    ):
        nodes.append(("", _("The county")))
    for street in filter_for_perm(Street.objects.all(), user, TrainingPerm.ADD_COURSE):
        nodes.append((f"street:{street.pk}", street.name))
    for community in filter_for_perm(Community.objects.all(), user, TrainingPerm.ADD_COURSE):
        nodes.append((f"community:{community.pk}", community.name))
    return nodes


def node_of(user, value: str):
    if not value:
        return None
    tier, _sep, pk = value.partition(":")
    model = {"street": Street, "community": Community, "grid": Grid}.get(tier)
    if model is None or not pk.isdigit() or len(pk) > 12:
        raise Http404
    node = model.objects.for_user(user).filter(pk=int(pk)).first()
    if node is None:
        raise Http404
    return node


class CourseListView(OrganiserMixin, View):
    """The organiser's courses, and a new one."""

    model = Course

    def get(self, request):
        year = _year(request)
        courses = (
            Course.objects.for_user(request.user)
            .filter(year=year)
            .select_related("street", "community")
            .order_by("state", "title")[:200]
        )
        return render(
            request,
            "training/courses.html",
            {
                "courses": courses,
                "year": year,
                "kinds": CourseKind.choices,
                "nodes": organiser_nodes(request.user),
                "roles": [(r.value, r.label) for r in services.WORKER_ROLES],
                "may_add": request.user.has_perm(TrainingPerm.ADD_COURSE),
            },
        )

    def post(self, request):
        data = request.POST
        try:
            node = node_of(request.user, data.get("node", ""))
            course = services.create_course(
                by=request.user,
                node=node,
                title=data.get("title", "")[:100],
                kind=data.get("kind", ""),
                year=int(data.get("year", "0") or 0)
                if data.get("year", "").isdigit()
                else timezone.localdate().year,
                audience=data.getlist("audience"),
                assessment=data.get("assessment", "none"),
                pass_mark=int(data["pass_mark"]) if data.get("pass_mark", "").isdigit() else None,
                capacity=int(data["capacity"]) if data.get("capacity", "").isdigit() else 50,
                open_enrolment=data.get("open_enrolment") == "on",
                skill=data.get("skill", "")[:40],
            )
        except PermissionDenied:
            raise Http404 from None
        except (ValidationError, ValueError) as exc:
            return again(refused(request, exc), self.get(request))
        return redirect("training:course", pk=course.pk)


def _moment(text: str):
    moment = parse_datetime(str(text or "")[:32]) if text else None
    if moment is None:
        raise ValidationError({"starts_at": _("Enter a date and time.")})
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


class CourseDetailView(OrganiserMixin, SingleObjectMixin, View):
    """A course's sessions and roster: add a session, enrol the audience, assess."""

    model = Course

    def get(self, request, pk):
        course = self.get_object()
        roster = (
            Enrolment.objects.for_user(request.user)
            .filter(course=course)
            .select_related("user", "post__community", "post__grid", "certificate")
            .order_by("state", "id")
        )
        return render(
            request,
            "training/course.html",
            {
                "course": course,
                "sessions": course.sessions.all(),
                "roster": roster,
                "spans": Span.choices,
                "may_change": request.user.has_perm(TrainingPerm.CHANGE_COURSE, course),
                "communities": Community.objects.for_user(request.user).order_by("code")[:100],
                "events": course.events.select_related("actor")[:50],
            },
        )

    def post(self, request, pk):
        course = self.get_object()
        step = request.POST.get("step", "")
        data = request.POST
        try:
            if step == "session":
                hours = data.get("hours", "").strip()
                services.add_session(
                    by=request.user,
                    course=course,
                    starts_at=_moment(data.get("starts_at")),
                    ends_at=_moment(data.get("ends_at")),
                    span=data.get("span", ""),
                    hours=Decimal(hours) if hours else None,
                    place=data.get("place", "")[:100],
                    online_link=data.get("online_link", "")[:200],
                    trainer=data.get("trainer", "")[:60],
                )
                messages.success(request, _("The session is added."))
            elif step == "enrol":
                node = node_of(request.user, data.get("node", ""))
                counts = services.enrol_audience(by=request.user, course=course, node=node)
                messages.success(
                    request,
                    _("Enrolled %(enrolled)d, waiting list %(waitlisted)d, already %(skipped)d.")
                    % counts,
                )
            elif step in ("complete", "withdraw"):
                enrolment = (
                    Enrolment.objects.for_user(request.user)
                    .filter(course=course, pk=data.get("enrolment", "0")[:12] or 0)
                    .first()
                )
                if enrolment is None:
                    raise Http404
                if step == "withdraw":
                    services.withdraw(
                        by=request.user, enrolment=enrolment, reason=data.get("reason", "")
                    )
                else:
                    score = data.get("score", "")
                    passed = data.get("passed", "")
                    services.complete_enrolment(
                        by=request.user,
                        enrolment=enrolment,
                        score=int(score) if score.isdigit() else None,
                        passed={"yes": True, "no": False}.get(passed),
                    )
            elif step == "finish":
                services.finish_course(by=request.user, course=course)
            else:
                raise Http404
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as exc:
            return again(refused(request, exc), self.get(request, pk))
        except InvalidOperation:
            messages.error(request, _("Enter the hours as a number."))
            return again(400, self.get(request, pk))
        return redirect("training:course", pk=course.pk)


class SessionView(OrganiserMixin, SingleObjectMixin, View):
    """The organiser's screen: the rotating QR code and the attendance sheet."""

    model = Session

    def _url(self, request, session):
        code = current_code(services.CHECKIN_PURPOSE, session.pk)
        return code, checkin_url(reverse("training:checkin", args=[session.pk]), code, request)

    def get(self, request, pk):
        session = self.get_object()
        may_change = request.user.has_perm(TrainingPerm.CHANGE_SESSION, session)
        code, url = self._url(request, session)
        if request.GET.get("refresh") == "1":
            if not may_change:
                raise Http404
            return JsonResponse(refresh_payload(url, code=code, title=session.course.title))
        marks = {a.enrolment_id: a for a in Attendance.objects.filter(session=session)}
        roster = list(
            Enrolment.objects.for_user(request.user)
            .filter(course_id=session.course_id, state__in=["enrolled", "completed", "failed"])
            .select_related("user", "post__community")
            .order_by("id")
        )
        for enrolment in roster:
            enrolment.mark = marks.get(enrolment.pk)
        return render(
            request,
            "training/session.html",
            {
                "session": session,
                "course": session.course,
                "roster": roster,
                "statuses": Attendance.Status.choices,
                "may_change": may_change,
                "svg": qr_svg(url, title=session.course.title) if may_change else "",
                "code": code if may_change else "",
                "period": period_seconds(),
                "refresh_url": "?refresh=1",
            },
        )

    def post(self, request, pk):
        session = self.get_object()
        try:
            if request.POST.get("step") == "close":
                services.close_session(by=request.user, session=session)
                messages.success(request, _("The attendance is closed."))
            else:
                enrolment = (
                    Enrolment.objects.for_user(request.user)
                    .filter(
                        course_id=session.course_id,
                        pk=request.POST.get("enrolment", "0")[:12] or 0,
                    )
                    .first()
                )
                if enrolment is None:
                    raise Http404
                services.mark_attendance(
                    by=request.user,
                    session=session,
                    enrolment=enrolment,
                    status=request.POST.get("status", ""),
                )
        except PermissionDenied:
            raise Http404 from None
        except (ValidationError, ValueError) as exc:
            return again(refused(request, exc), self.get(request, pk))
        return redirect("training:session", pk=session.pk)


class BoardView(OrganiserMixin, View):
    """The compliance board of the caller's nodes: shares, per community, who is behind."""

    model = Compliance

    def get(self, request):
        year = _year(request)
        data = compliance.board(request.user, year=year)
        for row in data["behind"]:
            row.need_labels = [compliance.NEEDS[n] for n in row.needs if n in compliance.NEEDS]
        data.update(
            {
                "tiles": [
                    (label, data["counts"][value], data["shares"][value])
                    for value, label in Compliance.Status.choices
                ],
                "staffing": compliance.staffing(request.user),
                "skills": compliance.skill_gaps(request.user),
            }
        )
        return render(request, "training/board.html", data)

    def post(self, request):
        written = 0
        for node in _held_nodes(request.user):
            written += compliance.compute_compliance(year=_year(request), node=node)
        messages.success(request, _("%(count)d workers computed.") % {"count": written})
        return redirect(reverse("training:board") + f"?year={_year(request)}")


def _held_nodes(user):
    """The nodes of the user's posts that may see compliance (None: the county)."""
    nodes = []
    for post in Post.objects.filter(user_id=user.pk, is_active=True):
        if user.has_perm(TrainingPerm.VIEW_COMPLIANCE) and post.role in (
            "county_admin",
            "street_admin",
            "community_secretary",
            "community_worker",
        ):
            nodes.append(post.scope_node())
    if None in nodes:
        return [None]
    return nodes


ARCHIVE_COLUMNS = [
    Column(gettext_lazy("Worker"), lambda row: row.user.display_name or row.user.username),
    Column(gettext_lazy("Post"), lambda row: row.post.get_role_display()),
    Column(gettext_lazy("Community"), lambda row: row.community.name if row.community else ""),
    Column(gettext_lazy("Year"), "year"),
    Column(gettext_lazy("Hours this year"), "hours"),
    Column(gettext_lazy("Hours required"), "quota"),
    Column(gettext_lazy("Status"), lambda row: row.get_status_display()),
    Column(
        gettext_lazy("Needs"),
        lambda row: "、".join(str(compliance.NEEDS[n]) for n in row.needs if n in compliance.NEEDS),
    ),
]


class ExportView(OrganiserMixin, View):
    """The archive of the caller's nodes for a year, as Excel."""

    model = Compliance

    def get(self, request):
        year = _year(request)
        rows = (
            Compliance.objects.for_user(request.user)
            .filter(year=year)
            .select_related("user", "post", "community")
            .order_by("community_id", "user_id")
        )
        return excel_response(
            rows=rows,
            columns=ARCHIVE_COLUMNS,
            filename=f"培训档案-{year}.xlsx",
            sheet_title=_("Training archive"),
        )


class CampaignView(ScopedViewMixin, SingleObjectMixin, View):
    """A resident rates the community's workers; the offices see the averages (of the
    appraisal's ratings and of those given after closed requests in its year)."""

    model = Campaign

    def _page(self, request, campaign, status=200):
        rated = set(
            campaign.ratings.filter(rater_id=request.user.pk).values_list("post_id", flat=True)
        )
        workers = list(services.rateable_workers(campaign))
        for post in workers:
            post.rated = post.pk in rated
            post.name = services.person_name(post.user)
        may_see = request.user.has_perm(TrainingPerm.VIEW_RATING)
        return render(
            request,
            "training/campaign.html",
            {
                "campaign": campaign,
                "workers": workers,
                "results": services.campaign_results(campaign) if may_see else None,
                "may_close": request.user.has_perm(TrainingPerm.CHANGE_CAMPAIGN, campaign),
                "may_rate": services.is_resident_of(request.user, campaign.community_id),
            },
            status=status,
        )

    def get(self, request, pk):
        return self._page(request, self.get_object())

    def post(self, request, pk):
        campaign = self.get_object()
        try:
            if request.POST.get("step") == "close":
                services.close_campaign(by=request.user, campaign=campaign)
            else:
                raw = request.POST.get("post", "")[:12]
                post = (
                    services.rateable_workers(campaign)
                    .filter(pk=int(raw) if raw.isdigit() else 0)
                    .first()
                )
                if post is None:
                    raise Http404
                services.rate_in_campaign(
                    user=request.user,
                    campaign=campaign,
                    worker_post=post,
                    score=request.POST.get("score", ""),
                    comment=request.POST.get("comment", "")[:300],
                )
                messages.success(request, _("Thank you: your rating is recorded."))
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as exc:
            status = refused(request, exc)
            campaign.refresh_from_db()
            return self._page(request, campaign, status=status)
        return redirect("training:campaign", pk=campaign.pk)


class RateServiceView(ScopedViewMixin, View):
    """A resident's closed requests and who of the net served each: rate them 1–5 with
    a comment, once per request. Reached from the notice sent when a request closes and
    from the training home."""

    model = Rating

    def _page(self, request, status=200):
        rows = services.requests_to_rate(request.user)
        return render(
            request,
            "training/rate.html",
            {"rows": rows, "scores": ["5", "4", "3", "2", "1"]},
            status=status,
        )

    def get(self, request):
        return self._page(request)

    def post(self, request):
        raw = request.POST.get("request", "")[:12]
        service_request = (
            ServiceRequest.objects.filter(
                pk=int(raw) if raw.isdigit() else 0, reporter_user_id=request.user.pk
            )
            .select_related("category")
            .first()
        )
        if service_request is None:
            raise Http404
        try:
            rating = services.rate_after_request(
                user=request.user,
                request=service_request,
                score=request.POST.get("score", ""),
                comment=request.POST.get("comment", "")[:300],
            )
        except ValidationError as exc:
            return self._page(request, status=refused(request, exc))
        messages.success(
            request,
            _("Thank you: your rating of %(name)s is recorded.")
            % {"name": services.person_name(rating.worker)},
        )
        return redirect("training:rate")


class MakeUpView(OrganiserMixin, View):
    """The make-up list (补训名单): who missed a session this year (absent or on leave),
    and the make-up course each is enrolled in; offer one to those without."""

    model = Enrolment

    def get(self, request):
        year = _year(request)
        missed = list(
            Attendance.objects.for_user(request.user)
            .filter(
                on__year=year,
                status__in=[Attendance.Status.ABSENT, Attendance.Status.EXCUSED],
            )
            .exclude(enrolment__course__kind=CourseKind.MAKE_UP)
            .select_related("enrolment__course", "user", "session", "enrolment__post__community")
            .order_by("-session__starts_at", "id")[:300]
        )
        makeups = {}
        for makeup in (
            Enrolment.objects.filter(makeup_for_id__in=[a.enrolment_id for a in missed])
            .exclude(state=Enrolment.State.WITHDRAWN)
            .select_related("course")
        ):
            makeups.setdefault(makeup.makeup_for_id, makeup)
        rows, seen = [], set()
        for attendance in missed:
            if attendance.enrolment_id in seen:
                continue
            seen.add(attendance.enrolment_id)
            attendance.makeup = makeups.get(attendance.enrolment_id)
            attendance.may_offer = attendance.makeup is None and request.user.has_perm(
                TrainingPerm.CHANGE_ENROLMENT, attendance.enrolment
            )
            rows.append(attendance)
        courses = (
            Course.objects.for_user(request.user)
            .filter(kind=CourseKind.MAKE_UP, state=Course.State.OPEN)
            .order_by("-year", "title")[:50]
        )
        return render(
            request,
            "training/makeup.html",
            {"rows": rows, "courses": courses, "year": year},
        )

    def post(self, request):
        raw = request.POST.get("enrolment", "")[:12]
        enrolment = (
            Enrolment.objects.for_user(request.user)
            .filter(pk=int(raw) if raw.isdigit() else 0)
            .select_related("course", "user")
            .first()
        )
        if enrolment is None or not request.user.has_perm(TrainingPerm.CHANGE_ENROLMENT, enrolment):
            raise Http404
        with transaction.atomic():
            makeup = services.offer_make_up(enrolment=enrolment, by=request.user)
        if makeup is None:
            messages.error(
                request,
                _("No open make-up course with a session ahead: create one (kind: make-up)."),
            )
        else:
            messages.success(
                request,
                _("%(name)s is enrolled in %(course)s.")
                % {"name": services.person_name(enrolment.user), "course": makeup.course.title},
            )
        return redirect(reverse("training:makeup") + f"?year={_year(request)}")
