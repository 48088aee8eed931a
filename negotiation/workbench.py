"""The community office's consultation pages beyond the review queue: convening a
meeting on a topic (invitations by stakeholder group, the agenda), a vote with its
basis and rules (the Civil Code art. 278 presets, editable), paper ballots entered by
two clerks and their reconciliation, the minutes editor per agenda item with the signed
minutes attached, the resolution published from a passed vote, implementation tasks and
answers to objections, the implementation board and the exports (Excel).

Every page reads through ``Model.objects.for_user(user)`` (outside the scope: 404) and
every change goes through ``negotiation.services``; a refused step shows the service's
words and answers 400 (409 for a state in the way), changing nothing."""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from core.exports import Column, excel_response
from core.masking import mask_name
from core.timeline import Conflict, refusal_text
from grid.models import Household, Resident
from grid.scoped_views import ScopedViewMixin

from . import services
from .forms import (
    AnswerForm,
    ConveneForm,
    MinutesFileForm,
    MinutesForm,
    PaperForm,
    ResolutionForm,
    TaskForm,
    VoteForm,
)
from .models import (
    Ballot,
    Meeting,
    Objection,
    PaperEntry,
    Resolution,
    Stakeholder,
    Task,
    Topic,
    Vote,
)
from .permissions import ConsultationPerm
from .views import resolution_context, task_posts


def _scoped(model, user, pk, perm=None):
    """The object if the user sees it (and holds ``perm`` on it); otherwise 404."""
    obj = model.objects.for_user(user).filter(pk=pk).first()
    if obj is None or (perm and not user.has_perm(perm, obj)):
        raise Http404
    return obj


def _status(exc) -> int:
    return 409 if isinstance(exc, Conflict) else 400


def _refused(request, form, exc):
    text = refusal_text(exc)
    if form is not None:
        form.add_error(None, text)
    messages.error(request, text)
    return _status(exc)


class _Office(ScopedViewMixin, View):
    model = Topic


# --- convening ---------------------------------------------------------------------


class ConveneView(_Office):
    """Convene a meeting on a topic: when, in the room or online or both, the invited
    stakeholder groups (told through the notifications) and the agenda."""

    def _topic(self, request, pk):
        return _scoped(Topic, request.user, pk, ConsultationPerm.ADD_MEETING)

    def _page(self, request, topic, form, status=200):
        return render(
            request, "negotiation/convene.html", {"topic": topic, "form": form}, status=status
        )

    def get(self, request, pk):
        topic = self._topic(request, pk)
        groups = [g for g in topic.stakeholders.split(",") if g in Stakeholder.values]
        form = ConveneForm(
            initial={
                "title": _("Consultation: %(title)s") % {"title": topic.title},
                "mode": Meeting.Mode.HYBRID,
                "groups": groups or [Stakeholder.RESIDENTS],
                "agenda": topic.title,
            }
        )
        return self._page(request, topic, form)

    def post(self, request, pk):
        topic = self._topic(request, pk)
        form = ConveneForm(request.POST)
        if not form.is_valid():
            return self._page(request, topic, form, status=400)
        data = form.cleaned_data
        try:
            meeting = services.convene_meeting(
                by=request.user,
                topic=topic,
                title=data["title"],
                starts_at=data["starts_at"],
                mode=data["mode"],
                place=data["place"],
                online_link=data["online_link"],
                groups=data["groups"],
                agenda=data["agenda"].splitlines(),
            )
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as exc:
            return self._page(request, topic, form, status=_refused(request, form, exc))
        messages.success(
            request,
            _("The meeting is convened; %(n)d residents are invited.") % {"n": meeting.invited},
        )
        return redirect("negotiation:meeting", pk=meeting.pk)


# --- votes -------------------------------------------------------------------------


class VoteCreateView(_Office):
    """A vote of a meeting (or standing alone on a topic) with its basis and rules."""

    def _subject(self, request, kind, pk):
        model = Meeting if kind == "meeting" else Topic
        return _scoped(model, request.user, pk, ConsultationPerm.ADD_VOTE)

    def _page(self, request, subject, form, status=200):
        return render(
            request,
            "negotiation/vote_form.html",
            {"subject": subject, "form": form, "presets": services.PRESETS},
            status=status,
        )

    def get(self, request, pk, kind):
        subject = self._subject(request, kind, pk)
        now = timezone.localtime().replace(second=0, microsecond=0)
        topic = subject if isinstance(subject, Topic) else subject.topic
        form = VoteForm(
            initial={
                "question": _("Do you agree: %(title)s?") % {"title": topic.title}
                if topic
                else subject.title,
                "options": "\n".join([_("Agree"), _("Disagree"), _("Abstain")]),
                "basis": Vote.Basis.HOUSEHOLD,
                "secret": True,
                "opens_at": now,
                "closes_at": now + datetime.timedelta(days=7),
                "preset": "ordinary",
            }
        )
        return self._page(request, subject, form)

    def post(self, request, pk, kind):
        subject = self._subject(request, kind, pk)
        form = VoteForm(request.POST)
        if not form.is_valid():
            return self._page(request, subject, form, status=400)
        data = form.cleaned_data
        try:
            vote = services.create_vote(
                by=request.user,
                question=data["question"],
                options=form.option_labels(),
                basis=data["basis"],
                opens_at=data["opens_at"],
                closes_at=data["closes_at"],
                secret=data["secret"],
                preset=data["preset"],
                rules=form.rules(),
                **{kind: subject},
            )
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as exc:
            return self._page(request, subject, form, status=_refused(request, form, exc))
        messages.success(request, _("The vote is set up. Open it when voting begins."))
        return redirect("negotiation:vote", pk=vote.pk)


def node_households(vote: Vote, limit: int = 2000):
    column = vote.tier_columns[vote.scope_tier()]
    return (
        Household.objects.filter(**{column: getattr(vote, column)})
        .select_related("building")
        .order_by("building_id", "unit", "room", "id")[:limit]
    )


class PaperView(_Office):
    """Paper ballots: each clerk enters every paper on their own; the two entries of a
    household are reconciled into one ballot when they agree; a difference is settled
    by the paper; a household that voted on another channel is refused."""

    def _vote(self, request, pk):
        return _scoped(Vote, request.user, pk, ConsultationPerm.CHANGE_VOTE)

    def _page(self, request, vote, form=None, status=200):
        households = list(node_households(vote))
        options = list(vote.options.all())
        form = form or PaperForm(households=households, options=options)
        entries = list(
            PaperEntry.objects.filter(vote=vote)
            .select_related("household__building", "option", "clerk")
            .order_by("household_id", "id")
        )
        voted = set(
            Ballot.objects.filter(
                vote=vote, household_id__in={e.household_id for e in entries}
            ).values_list("household_id", flat=True)
        )
        differences = {row["household"]: row for row in services.paper_differences(vote)}
        rows = {}
        for entry in entries:
            row = rows.setdefault(
                entry.household_id,
                {"household": entry.household, "entries": [], "voted": entry.household_id in voted},
            )
            row["entries"].append(entry)
        for household_id, row in rows.items():
            diff = differences.get(household_id)
            row["open"] = diff is not None
            row["agree"] = diff["agree"] if diff else True
        return render(
            request,
            "negotiation/paper.html",
            {
                "vote": vote,
                "form": form,
                "rows": list(rows.values()),
                "options": options,
                "open_count": len(differences),
                "mine": {e.household_id for e in entries if e.clerk_id == request.user.pk},
            },
            status=status,
        )

    def get(self, request, pk):
        return self._page(request, self._vote(request, pk))

    def post(self, request, pk):
        vote = self._vote(request, pk)
        action = request.POST.get("action", "")
        households = list(node_households(vote))
        options = list(vote.options.all())
        form = None
        try:
            if action == "reconcile":
                outcome = services.reconcile_paper(by=request.user, vote=vote)
                messages.success(
                    request,
                    _(
                        "%(made)d paper ballots counted; %(refused)d refused (the household had "
                        "voted already); %(open)d still to settle."
                    )
                    % {
                        "made": outcome["ballots"],
                        "refused": outcome["refused_duplicates"],
                        "open": outcome["open"],
                    },
                )
                return redirect("negotiation:vote-paper", pk=vote.pk)
            form = PaperForm(request.POST, households=households, options=options)
            if not form.is_valid():
                messages.error(request, _("Choose the household and the option on the paper."))
                return self._page(request, vote, form, status=400)
            household = next(h for h in households if h.pk == form.cleaned_data["household"])
            option = form.cleaned_data["option"]
            if action == "settle":
                stored = services.settle_paper(
                    by=request.user, vote=vote, household=household, option=option
                )
                messages.success(
                    request,
                    _("Settled by the paper: the ballot is counted.")
                    if stored
                    else _("Settled: no ballot stored (the household had voted already)."),
                )
            elif action == "enter":
                services.enter_paper(by=request.user, vote=vote, household=household, option=option)
                messages.success(request, _("Paper ballot entered."))
            else:
                raise Http404
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as exc:
            return self._page(request, vote, form, status=_refused(request, form, exc))
        return redirect("negotiation:vote-paper", pk=vote.pk)


# --- minutes -----------------------------------------------------------------------


class MinutesView(_Office):
    """The minutes editor: per agenda item the positions heard by invited group, the
    resolution and the tally; the signed minutes attached; then the supervision
    committee countersigns on the meeting's page."""

    def _meeting(self, request, pk):
        return _scoped(Meeting, request.user, pk, ConsultationPerm.CHANGE_MEETING)

    def _groups(self, meeting):
        return [g for g in meeting.groups.split(",") if g in Stakeholder.values]

    def _page(self, request, meeting, bound=None, file_form=None, status=200):
        groups = self._groups(meeting)
        forms = []
        for item in meeting.items.all():
            if bound is not None and bound[0] == item.pk:
                forms.append((item, bound[1]))
            else:
                forms.append((item, MinutesForm(groups=groups, item=item)))
        return render(
            request,
            "negotiation/minutes.html",
            {
                "meeting": meeting,
                "forms": forms,
                "file_form": file_form or MinutesFileForm(),
                "editable": meeting.countersigned_at is None,
            },
            status=status,
        )

    def get(self, request, pk):
        return self._page(request, self._meeting(request, pk))

    def post(self, request, pk):
        meeting = self._meeting(request, pk)
        if "minutes_file" in request.FILES or request.POST.get("action") == "file":
            file_form = MinutesFileForm(request.POST, request.FILES)
            if not file_form.is_valid():
                return self._page(request, meeting, file_form=file_form, status=400)
            try:
                services.attach_minutes(
                    by=request.user,
                    meeting=meeting,
                    minutes_file=file_form.cleaned_data["minutes_file"],
                )
            except PermissionDenied:
                raise Http404 from None
            except ValidationError as exc:
                status = _refused(request, file_form, exc)
                return self._page(request, meeting, file_form=file_form, status=status)
            messages.success(request, _("The signed minutes are attached."))
            return redirect("negotiation:meeting-minutes", pk=meeting.pk)
        item = meeting.items.filter(pk=_int(request.POST.get("item"))).first()
        if item is None:
            raise Http404
        form = MinutesForm(request.POST, groups=self._groups(meeting), item=item)
        if not form.is_valid():
            return self._page(request, meeting, bound=(item.pk, form), status=400)
        try:
            services.record_minutes(
                by=request.user,
                item=item,
                positions=form.positions(),
                resolution=form.cleaned_data["resolution"],
                tally=form.cleaned_data["tally"],
            )
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as exc:
            status = _refused(request, form, exc)
            return self._page(request, meeting, bound=(item.pk, form), status=status)
        messages.success(request, _("The minutes of this item are saved."))
        return redirect("negotiation:meeting-minutes", pk=meeting.pk)


def _int(value) -> int:
    text = str(value or "")
    return int(text) if text.isdigit() and len(text) < 12 else 0


# --- resolutions -------------------------------------------------------------------


class ResolutionCreateView(_Office):
    """A passed vote whose result is published becomes a resolution on public notice."""

    def _vote(self, request, pk):
        return _scoped(Vote, request.user, pk, ConsultationPerm.ADD_RESOLUTION)

    def _page(self, request, vote, form, status=200):
        return render(
            request,
            "negotiation/resolution_form.html",
            {"vote": vote, "form": form, "tally_words": services.tally_words(vote)},
            status=status,
        )

    def get(self, request, pk):
        vote = self._vote(request, pk)
        title = vote.topic.title if vote.topic_id else vote.question
        form = ResolutionForm(initial={"title": title, "text": vote.question})
        return self._page(request, vote, form)

    def post(self, request, pk):
        vote = self._vote(request, pk)
        form = ResolutionForm(request.POST)
        if not form.is_valid():
            return self._page(request, vote, form, status=400)
        try:
            resolution = services.publish_resolution(
                by=request.user, vote=vote, **form.cleaned_data
            )
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as exc:
            return self._page(request, vote, form, status=_refused(request, form, exc))
        messages.success(request, _("The resolution is on public notice."))
        return redirect("negotiation:resolution", pk=resolution.pk)


class TaskCreateView(_Office):
    """An implementation task with an owner post and a deadline (from the resolution's
    page)."""

    def post(self, request, pk):
        resolution = _scoped(Resolution, request.user, pk, ConsultationPerm.CHANGE_RESOLUTION)
        posts = list(task_posts(resolution))
        form = TaskForm(request.POST, posts=posts)
        if not form.is_valid():
            messages.error(request, _("Give the task, its deadline and its owner."))
            return _resolution_page(request, resolution, task_form=form, status=400)
        owner = next(p for p in posts if p.pk == form.cleaned_data["owner"])
        try:
            services.add_task(
                by=request.user,
                resolution=resolution,
                title=form.cleaned_data["title"],
                due=form.cleaned_data["due"],
                owner_post=owner,
            )
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as exc:
            status = _refused(request, form, exc)
            return _resolution_page(request, resolution, task_form=form, status=status)
        messages.success(request, _("The task is added to the implementation board."))
        return redirect("negotiation:resolution", pk=resolution.pk)


class AnswerView(_Office):
    """The office answers an objection publicly."""

    def post(self, request, pk):
        resolution = _scoped(Resolution, request.user, pk, ConsultationPerm.CHANGE_RESOLUTION)
        form = AnswerForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Write the answer (at most 1,000 characters)."))
            return _resolution_page(request, resolution, status=400)
        objection = get_object_or_404(
            Objection, resolution=resolution, pk=form.cleaned_data["objection"]
        )
        try:
            services.answer_objection(
                by=request.user, objection=objection, text=form.cleaned_data["text"]
            )
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as exc:
            return _resolution_page(request, resolution, status=_refused(request, None, exc))
        messages.success(request, _("The answer is published."))
        return redirect("negotiation:resolution", pk=resolution.pk)


def _resolution_page(request, resolution, task_form=None, status=200):
    context = resolution_context(request, resolution)
    if task_form is not None:
        context["task_form"] = task_form
    return render(request, "negotiation/resolution.html", context, status=status)


# --- the implementation board and the exports --------------------------------------


class BoardView(_Office):
    """Every resolution being carried out, its tasks with owner, deadline, progress
    and the last milestone; overdue tasks first."""

    def get(self, request):
        if not request.user.has_perm(ConsultationPerm.CHANGE_TOPIC):
            raise Http404
        resolutions = Resolution.objects.for_user(request.user)
        tasks = (
            Task.objects.filter(resolution__in=resolutions.values("pk"))
            .select_related("resolution", "owner_post__user", "owner_unit")
            .annotate(milestone_count=Count("milestones"))
            .order_by("done_at", "due", "id")[:500]
        )
        today = timezone.localdate()
        return render(
            request,
            "negotiation/board.html",
            {
                "tasks": tasks,
                "today": today,
                "counts": resolutions.aggregate(
                    notice=Count("id", filter=Q(state=Resolution.State.NOTICE)),
                    implementing=Count("id", filter=Q(state=Resolution.State.IMPLEMENTING)),
                    acceptance=Count("id", filter=Q(state=Resolution.State.ACCEPTANCE)),
                    archived=Count("id", filter=Q(state=Resolution.State.ARCHIVED)),
                ),
            },
        )


def _owner(task) -> str:
    if task.owner_post_id:
        return task.owner_post.get_role_display()
    return task.owner_unit.name if task.owner_unit_id else ""


class BoardExportView(_Office):
    def get(self, request):
        if not request.user.has_perm(ConsultationPerm.CHANGE_TOPIC):
            raise Http404
        resolutions = Resolution.objects.for_user(request.user)
        tasks = (
            Task.objects.filter(resolution__in=resolutions.values("pk"))
            .select_related("resolution", "owner_post", "owner_unit")
            .order_by("resolution_id", "due", "id")
        )
        columns = [
            Column(gettext_lazy("Resolution"), "resolution.title", width=30),
            Column(gettext_lazy("State"), lambda t: t.resolution.get_state_display(), width=12),
            Column(gettext_lazy("Task"), "title", width=30),
            Column(gettext_lazy("Owner"), _owner, width=16),
            Column(gettext_lazy("Deadline"), "due", number_format="yyyy-mm-dd", width=12),
            Column(gettext_lazy("Progress (%)"), "progress", width=10),
            Column(gettext_lazy("Done at"), "done_at", number_format="yyyy-mm-dd hh:mm", width=16),
        ]
        return excel_response(
            rows=tasks,
            columns=columns,
            filename=_("implementation-tasks") + ".xlsx",
            sheet_title=_("Implementation"),
        )


class AttendanceExportView(_Office):
    """The sign-in sheet of a meeting: names masked, channel, time."""

    def get(self, request, pk):
        meeting = _scoped(Meeting, request.user, pk, ConsultationPerm.CHANGE_MEETING)
        names = dict(
            Resident.objects.filter(
                user_id__in=meeting.attendances.values("user_id"), state=Resident.State.LIVING
            ).values_list("user_id", "name")
        )
        rows = meeting.attendances.select_related("user").order_by("at", "id")
        columns = [
            Column(
                gettext_lazy("Attendee"),
                lambda a: mask_name(names.get(a.user_id) or a.user.display_name or ""),
                width=12,
            ),
            Column(gettext_lazy("Channel"), lambda a: a.get_channel_display(), width=16),
            Column(gettext_lazy("At"), "at", number_format="yyyy-mm-dd hh:mm", width=18),
        ]
        return excel_response(
            rows=rows,
            columns=columns,
            filename=_("sign-in-sheet") + ".xlsx",
            sheet_title=_("Sign-in sheet"),
        )


class BallotExportView(_Office):
    """Who voted, by household and channel (and how, for an open ballot once the result
    is published); no names."""

    def get(self, request, pk):
        vote = _scoped(Vote, request.user, pk, ConsultationPerm.CHANGE_VOTE)
        rows = (
            Ballot.objects.filter(vote=vote)
            .select_related("household__building", "option")
            .order_by("household__building_id", "household__unit", "household__room", "id")
        )
        columns = [
            Column(gettext_lazy("Household"), lambda b: str(b.household), width=30),
            Column(gettext_lazy("Channel"), lambda b: b.get_channel_display(), width=12),
            Column(gettext_lazy("Floor area (m²)"), "area", number_format="0.00", width=12),
        ]
        if not vote.secret and vote.state == Vote.State.PUBLISHED:
            columns.append(Column(gettext_lazy("Option"), "option.label", width=12))
        return excel_response(
            rows=rows, columns=columns, filename=_("ballots") + ".xlsx", sheet_title=_("Ballots")
        )
