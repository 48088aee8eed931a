"""Consultation pages: residents raise and support topics, see their meetings, sign in,
give proxies, vote, read results and minutes, follow implementation and rate it, on the
phone; the community office has a workbench with the review queue, meetings with the
sign-in sheet and quorum, votes with reconciliation, and the implementation board."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic.detail import SingleObjectMixin

from core.checkin import checkin_url, current_code, period_seconds, qr_svg, refresh_payload
from core.timeline import refusal_text
from grid.models import Category, Post, Resident
from grid.scoped_views import ScopedViewMixin

from . import services
from .forms import AnswerForm, ProgressForm, ProxyForm, ReviewForm, TaskForm, TextForm, TopicForm
from .models import (
    Attendance,
    Meeting,
    Option,
    Proxy,
    Rating,
    Resolution,
    Stakeholder,
    Task,
    Topic,
    Vote,
)
from .permissions import ConsultationPerm


def keeps(user) -> bool:
    return user.has_perm(ConsultationPerm.CHANGE_TOPIC)


def _events(rows):
    return [
        {
            "when": e.at,
            "title": e.action,
            "who": e.actor.get_username() if e.actor else "",
            "note": e.note,
        }
        for e in rows
    ]


class HomeView(ScopedViewMixin, View):
    """The resident's page: topics of my community, votes open to me, my meetings and
    the resolutions under way. The office is sent to its workbench."""

    model = Topic

    def get(self, request):
        if keeps(request.user):
            return redirect("negotiation:work")
        resident = services.living_resident(request.user)
        topics = list(
            Topic.objects.for_user(request.user)
            .exclude(state__in=[Topic.State.MERGED, Topic.State.REJECTED])
            .order_by("-created_at")[:30]
        )
        votes = list(Vote.objects.for_user(request.user).exclude(state=Vote.State.DRAFT)[:20])
        meetings = list(Meeting.objects.for_user(request.user)[:20])
        resolutions = list(Resolution.objects.for_user(request.user)[:20])
        return render(
            request,
            "negotiation/home.html",
            {
                "resident": resident,
                "topics": topics,
                "votes": votes,
                "meetings": meetings,
                "resolutions": resolutions,
            },
        )


def places_of(user):
    """The nodes a user may raise a topic on: their building, grid and community."""
    resident = services.living_resident(user)
    if resident is None:
        return []
    home = resident.household
    building = home.building
    return [
        (f"building:{building.pk}", building.name),
        (f"grid:{building.grid_id}", building.grid.name),
        (f"community:{building.grid.community_id}", building.grid.community.name),
    ]


def node_from(value):
    from grid.models import Building, Community, Grid

    kind, _sep, pk = str(value).partition(":")
    model = {"building": Building, "grid": Grid, "community": Community}.get(kind)
    if model is None or not pk.isdigit():
        return None
    return model.objects.filter(pk=int(pk)).first()


class TopicCreateView(ScopedViewMixin, View):
    model = Topic

    def get(self, request):
        form = TopicForm(places=places_of(request.user))
        return render(request, "negotiation/topic_form.html", {"form": form})

    def post(self, request):
        form = TopicForm(request.POST, request.FILES, places=places_of(request.user))
        if form.is_valid():
            data = form.cleaned_data
            try:
                topic = services.propose_topic(
                    user=request.user,
                    node=node_from(data["place"]),
                    title=data["title"],
                    description=data["description"],
                    stakeholders=data["stakeholders"],
                    photo=data.get("photo"),
                )
            except ValidationError as exc:
                form.add_error(None, refusal_text(exc))
            else:
                messages.success(
                    request, _("Your topic is in. The community reviews it and tells you.")
                )
                return redirect("negotiation:topic", pk=topic.pk)
        return render(request, "negotiation/topic_form.html", {"form": form}, status=400)


class TopicView(ScopedViewMixin, SingleObjectMixin, View):
    model = Topic

    def get(self, request, pk):
        topic = self.get_object()
        resident = services.living_resident(request.user)
        supported = (
            resident is not None
            and topic.support_rows.filter(voter_key=services.support_key(topic, resident)).exists()
        )
        return render(
            request,
            "negotiation/topic.html",
            {
                "topic": topic,
                "events": _events(topic.events.select_related("actor")),
                "supported": supported,
                "may_review": request.user.has_perm(ConsultationPerm.CHANGE_TOPIC, topic),
                "may_convene": topic.state in (Topic.State.GATHERING, Topic.State.SCHEDULED)
                and request.user.has_perm(ConsultationPerm.ADD_MEETING, topic),
                "review_form": ReviewForm(),
                "meetings": topic.meetings.all(),
                "votes": topic.votes.all(),
            },
        )


class MeetingView(ScopedViewMixin, SingleObjectMixin, View):
    model = Meeting

    def get(self, request, pk):
        meeting = self.get_object()
        keeper = request.user.has_perm(ConsultationPerm.CHANGE_MEETING, meeting)
        context = {
            "meeting": meeting,
            "items": [_heard(item) for item in meeting.items.all()],
            "quorum": services.meeting_quorum(meeting),
            "keeper": keeper,
            "signed_in": Attendance.objects.filter(meeting=meeting, user=request.user).exists(),
            "my_proxy": Proxy.objects.filter(
                meeting=meeting, giver=request.user, active=True
            ).first(),
            "proxy_form": ProxyForm(),
            "votes": meeting.votes.all(),
            "may_add_vote": meeting.state in (Meeting.State.PLANNED, Meeting.State.OPEN)
            and request.user.has_perm(ConsultationPerm.ADD_VOTE, meeting),
        }
        if keeper:
            context["sheet"] = meeting.attendances.select_related("user").order_by("at")
            if (
                meeting.state in (Meeting.State.PLANNED, Meeting.State.OPEN)
                and meeting.mode != Meeting.Mode.ONLINE
            ):
                code = current_code(services.CHECKIN, meeting.pk)
                url = checkin_url(
                    reverse("negotiation:meeting-checkin", args=[meeting.pk]), code, request
                )
                context.update(
                    qr={
                        "svg": qr_svg(url, title=meeting.title),
                        "code": code,
                        "refresh_url": reverse("negotiation:meeting-qr", args=[meeting.pk]),
                        "period": period_seconds(),
                    }
                )
        return render(request, "negotiation/meeting.html", context)


def _heard(item):
    """An agenda item with its positions under the groups' names."""
    labels = dict(Stakeholder.choices)
    item.heard = [(labels.get(g, g), text) for g, text in (item.positions or {}).items()]
    return item


class MeetingQrView(ScopedViewMixin, SingleObjectMixin, View):
    """The organiser's screen refreshes its rotating QR code here."""

    model = Meeting

    def get(self, request, pk):
        meeting = self.get_object()
        if not request.user.has_perm(ConsultationPerm.CHANGE_MEETING, meeting):
            raise Http404
        code = current_code(services.CHECKIN, meeting.pk)
        url = checkin_url(reverse("negotiation:meeting-checkin", args=[meeting.pk]), code, request)
        return JsonResponse(refresh_payload(url, code=code, title=meeting.title))


class MeetingCheckinView(ScopedViewMixin, SingleObjectMixin, View):
    """Where the room's QR code lands: the signed-in resident is signed in."""

    model = Meeting

    def get(self, request, pk):
        meeting = self.get_object()
        try:
            services.sign_in(
                by=request.user,
                meeting=meeting,
                channel=Attendance.Channel.QR,
                code=request.GET.get("code", "")[:12],
            )
        except ValidationError as exc:
            messages.error(request, refusal_text(exc))
        else:
            messages.success(request, _("You are signed in. Welcome."))
        return redirect("negotiation:meeting", pk=meeting.pk)


class VoteView(ScopedViewMixin, SingleObjectMixin, View):
    model = Vote

    def get(self, request, pk):
        vote = self.get_object()
        resident = services.living_resident(request.user)
        mine = None
        if resident is not None:
            key = services.voter_key(vote.basis, resident)
            mine = vote.ballots.filter(voter_key=key).first()
        keeper = request.user.has_perm(ConsultationPerm.CHANGE_VOTE, vote)
        may_vote = vote.state == Vote.State.OPEN
        return render(
            request,
            "negotiation/vote.html",
            {
                "vote": vote,
                "options": vote.options.all(),
                "rule_words": services.rule_words(vote),
                "result_words": services.result_words(vote)
                if vote.state == Vote.State.PUBLISHED
                else "",
                "result": vote.result if vote.state == Vote.State.PUBLISHED or keeper else {},
                "tally_words": services.tally_words(vote)
                if vote.state == Vote.State.PUBLISHED or keeper
                else [],
                "may_publish": vote.state == Vote.State.PUBLISHED
                and (vote.result or {}).get("passed")
                and not Resolution.objects.filter(vote=vote).exists()
                and request.user.has_perm(ConsultationPerm.ADD_RESOLUTION, vote),
                "resolution": Resolution.objects.for_user(request.user).filter(vote=vote).first(),
                "mine": mine,
                "may_vote": may_vote and services.lives_on(resident, vote),
                "held": held_proxies(request.user, vote) if may_vote else [],
                "keeper": keeper,
                "differences": services.paper_differences(vote) if keeper else [],
                "published": services.published_ballots(vote),
                "proxy_form": ProxyForm(),
            },
        )


def held_proxies(user, vote):
    """The proxies ``user`` holds for this vote or its meeting whose givers have not
    voted yet."""
    scope = Q(vote=vote)
    if vote.meeting_id:
        scope |= Q(meeting_id=vote.meeting_id)
    voted = set(vote.ballots.values_list("voter_key", flat=True))
    out = []
    for proxy in Proxy.objects.filter(scope, holder=user, active=True).select_related("giver"):
        giver = services.living_resident(proxy.giver)
        if giver is not None and services.voter_key(vote.basis, giver) not in voted:
            out.append(proxy)
    return out


class ResolutionView(ScopedViewMixin, SingleObjectMixin, View):
    model = Resolution

    def get(self, request, pk):
        resolution = self.get_object()
        return render(
            request, "negotiation/resolution.html", resolution_context(request, resolution)
        )


def task_posts(resolution: Resolution):
    """The posts of the resolution's community that may own an implementation task."""
    return (
        Post.objects.filter(community_id=resolution.community_id, is_active=True)
        .select_related("user")
        .order_by("grid_id", "role", "id")[:200]
    )


def resolution_context(request, resolution) -> dict:
    """What the resolution's page shows (also when a workbench form on it is refused)."""
    keeper = request.user.has_perm(ConsultationPerm.CHANGE_RESOLUTION, resolution)
    return {
        "resolution": resolution,
        "trail": services.trail(resolution),
        "progress": services.progress_of(resolution),
        "open_for_objection": resolution.state == Resolution.State.NOTICE
        and timezone.now() < resolution.notice_ends,
        "notice_running": resolution.state == Resolution.State.NOTICE
        and timezone.now() < resolution.notice_ends,
        "keeper": keeper,
        "text_form": TextForm(),
        "progress_form": ProgressForm(),
        "task_form": TaskForm(posts=task_posts(resolution)) if keeper else None,
        "answer_form": AnswerForm(),
        "rated": Rating.objects.filter(resolution=resolution, user=request.user).exists(),
    }


class WorkbenchView(ScopedViewMixin, View):
    """The office: the review queue, meetings, votes and the implementation board."""

    model = Topic

    def get(self, request):
        if not keeps(request.user):
            raise Http404
        topics = Topic.objects.for_user(request.user)
        return render(
            request,
            "negotiation/work.html",
            {
                "queue": topics.filter(state=Topic.State.SUBMITTED).order_by("review_due")[:100],
                "gathering": topics.filter(
                    state__in=[Topic.State.GATHERING, Topic.State.SCHEDULED]
                )[:100],
                "meetings": Meeting.objects.for_user(request.user)[:50],
                "votes": Vote.objects.for_user(request.user)[:50],
                "resolutions": Resolution.objects.for_user(request.user).prefetch_related("tasks")[
                    :50
                ],
                "now": timezone.now(),
            },
        )


def _user_by_phone(phone, obj):
    resident = Resident.objects.filter(
        phone=phone, state=Resident.State.LIVING, user__isnull=False
    ).first()
    return resident.user if resident is not None else None


# One view for every step a page posts: (model, step) → the service call.
def _step(request, obj, step):
    user = request.user
    post = request.POST
    if step == "support":
        services.support_topic(user=user, topic=obj)
        return _("Thank you: your support is counted.")
    if step == "review":
        form = ReviewForm(post)
        if not form.is_valid():
            raise ValidationError(_("Choose a decision and give the reason."))
        data = form.cleaned_data
        into = Topic.objects.for_user(user).filter(pk=data.get("into") or 0).first()
        category = Category.objects.filter(pk=data.get("category") or 0).first()
        services.review_topic(
            by=user,
            topic=obj,
            decision=data["decision"],
            reason=data["reason"],
            into=into,
            category=category,
        )
        return _("The topic is reviewed; the proposer is told.")
    if step in ("online", "room") and isinstance(obj, Meeting):
        channel = Attendance.Channel.ONLINE if step == "online" else Attendance.Channel.CLERK
        attendee = None
        if step == "room":
            attendee = _user_by_phone(post.get("phone", "")[:11], obj)
            if attendee is None:
                raise ValidationError(_("No verified resident has this mobile number."))
        services.sign_in(by=user, meeting=obj, channel=channel, attendee=attendee)
        return _("Signed in.")
    if step == "proxy":
        form = ProxyForm(post)
        if not form.is_valid():
            raise ValidationError(_("Enter the 11-digit mobile number of the person you trust."))
        holder = _user_by_phone(form.cleaned_data["phone"], obj)
        if holder is None:
            raise ValidationError(_("No verified resident has this mobile number."))
        kind = "meeting" if isinstance(obj, Meeting) else "vote"
        services.give_proxy(user=user, holder=holder, **{kind: obj})
        return _("Your written proxy is given.")
    if step == "revoke":
        proxy = get_object_or_404(
            Proxy,
            giver=user,
            active=True,
            **{"meeting" if isinstance(obj, Meeting) else "vote": obj},
        )
        services.revoke_proxy(user=user, proxy=proxy)
        return _("Your proxy is revoked.")
    if isinstance(obj, Meeting) and step in ("open", "close", "countersign"):
        {"open": services.open_meeting, "close": services.close_meeting}.get(
            step, lambda by, meeting: services.countersign_minutes(by=by, meeting=meeting)
        )(by=user, meeting=obj)
        return _("Done.")
    if step == "cast":
        option = get_object_or_404(Option, vote=obj, pk=_int(post.get("option")))
        giver = None
        if post.get("giver"):
            proxy = next(
                (p for p in held_proxies(user, obj) if p.giver_id == _int(post.get("giver"))),
                None,
            )
            if proxy is None:
                raise ValidationError(_("You hold no proxy of this person for this vote."))
            giver = proxy.giver
        services.cast_ballot(user=user, vote=obj, option=option, giver=giver)
        return _("Your ballot is in. Thank you for voting.")
    if isinstance(obj, Vote) and step in ("open", "close", "tally", "reconcile", "sign_off"):
        {
            "open": services.open_vote,
            "close": services.close_vote,
            "tally": services.tally_vote,
            "reconcile": services.reconcile_paper,
            "sign_off": services.sign_off_vote,
        }[step](by=user, vote=obj)
        return _("Done.")
    if step == "object":
        form = TextForm(post)
        if not form.is_valid():
            raise ValidationError(_("Write your objection (at most 1,000 characters)."))
        services.object_to(user=user, resolution=obj, text=form.cleaned_data["text"])
        return _("Your objection is recorded; the answer will be public.")
    if step == "progress":
        form = ProgressForm(post, request.FILES)
        if not form.is_valid():
            raise ValidationError(_("Give the progress (0–100) and what was done."))
        task = get_object_or_404(Task, resolution=obj, pk=form.cleaned_data["task"])
        services.report_progress(
            by=user,
            task=task,
            progress=form.cleaned_data["progress"],
            note=form.cleaned_data["note"],
            photo=form.cleaned_data.get("photo"),
        )
        return _("Progress recorded.")
    if step in ("satisfied", "unsatisfied"):
        services.rate_result(user=user, resolution=obj, satisfied=step == "satisfied")
        return _("Thank you for your rating.")
    raise Http404


def _int(value) -> int:
    text = str(value or "")
    return int(text) if text.isdigit() and len(text) < 12 else 0


class StepView(ScopedViewMixin, SingleObjectMixin, View):
    """A step posted from a page: the service decides, the page shows what it said."""

    model = Topic

    def post(self, request, pk, model, step):
        self.model = {"topic": Topic, "meeting": Meeting, "vote": Vote, "resolution": Resolution}[
            model
        ]
        obj = self.get_object()
        try:
            message = _step(request, obj, step)
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as exc:
            messages.error(request, refusal_text(exc))
        else:
            messages.success(request, message)
        return redirect(f"negotiation:{model}", pk=obj.pk)
