"""The resident's phone pages: find activities near me, sign up, my shifts, scan the
shift's code to check in and out, my hours and stars, ask for a certificate or a
correction, the time bank. Each step calls a service; refusals are shown as messages."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic.detail import SingleObjectMixin

from core.checkin import CHECKIN_RATE_SCOPE
from core.ratelimit import limit
from core.timeline import refusal_text
from grid.scoped_views import ScopedViewMixin

from . import services
from .models import (
    Activity,
    HourEntry,
    RecordCertificate,
    RecordNote,
    Shift,
    SignUp,
    Tag,
    Team,
    TimeBankEntry,
)
from .querysets import led_team_ids


def works_here(user) -> bool:
    """An office holding volunteer work, or a team leader: the workbench is theirs."""
    return user.has_perm("volunteers.change_team") or bool(led_team_ids(user))


def attempt(request, call, success: str):
    try:
        result = call()
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as exc:
        messages.error(request, refusal_text(exc))
        return None
    messages.success(request, success)
    return result


class HomeView(ScopedViewMixin, View):
    """Activities near me: the upcoming shifts of my street, my community's first."""

    model = Shift

    def get(self, request):
        volunteer = services.volunteer_of(request.user)
        tag = request.GET.get("tag", "")
        shifts = (
            Shift.objects.for_user(request.user)
            .filter(starts_at__gt=timezone.now(), activity__state=Activity.State.PUBLISHED)
            .select_related("activity__team")
            .order_by("starts_at")
        )
        if tag in Tag.values:
            shifts = shifts.filter(activity__tags__tag=tag)
        shifts = list(shifts[:60])
        mine = {}
        if volunteer is not None:
            mine = dict(
                SignUp.objects.filter(
                    user=request.user, shift__in=shifts, state__in=SignUp.LIVE
                ).values_list("shift_id", "state")
            )
            home = volunteer.community_id
            shifts.sort(key=lambda s: (s.community_id != home, s.starts_at))
        for shift in shifts:
            shift.my_state = mine.get(shift.pk, "")
        return render(
            request,
            "volunteers/home.html",
            {
                "volunteer": volunteer,
                "shifts": shifts,
                "tags": Tag.choices,
                "tag": tag,
                "workbench": works_here(request.user),
            },
        )


class RegisterView(ScopedViewMixin, View):
    model = Team

    def post(self, request):
        attempt(
            request,
            lambda: services.register_volunteer(
                user=request.user,
                consent=request.POST.get("consent") == "on",
                skills=request.POST.get("skills", "")[:200],
            ),
            _("Welcome: you are registered as a volunteer."),
        )
        return redirect("volunteers:home")


class SignUpView(ScopedViewMixin, SingleObjectMixin, View):
    model = Shift

    def post(self, request, pk):
        shift = self.get_object()
        attempt(
            request,
            lambda: services.sign_up(
                user=request.user,
                shift=shift,
                agree=request.POST.get("agree") == "on",
                waitlist=request.POST.get("waitlist") == "1",
            ),
            _("Done: see it under My shifts."),
        )
        return redirect("volunteers:home")


class CancelView(ScopedViewMixin, SingleObjectMixin, View):
    model = SignUp

    def post(self, request, pk):
        signup = self.get_object()
        attempt(
            request,
            lambda: services.cancel_signup(
                by=request.user, signup=signup, reason=request.POST.get("reason", "")[:200]
            ),
            _("The sign-up is cancelled."),
        )
        return redirect("volunteers:mine")


class MineView(ScopedViewMixin, View):
    """My shifts: ahead, and the last month's."""

    model = SignUp

    def get(self, request):
        since = timezone.now() - timezone.timedelta(days=30)
        signups = (
            SignUp.objects.for_user(request.user)
            .filter(user=request.user, shift__ends_at__gte=since)
            .exclude(state=SignUp.State.CANCELLED)
            .select_related("shift__activity", "hour_entry")
            .order_by("shift__starts_at")
        )
        return render(request, "volunteers/mine.html", {"signups": signups, "now": timezone.now()})


class EnterHoursView(ScopedViewMixin, SingleObjectMixin, View):
    """The volunteer forgot to scan: hours entered afterwards, pending until the
    organiser confirms them."""

    model = SignUp

    def post(self, request, pk):
        signup = self.get_object()
        attempt(
            request,
            lambda: services.enter_hours(
                by=request.user,
                signup=signup,
                hours=request.POST.get("hours", "")[:8],
                note=request.POST.get("note", "")[:200],
            ),
            _("Your hours are sent: the organiser confirms them."),
        )
        return redirect("volunteers:mine")


class CheckInView(ScopedViewMixin, SingleObjectMixin, View):
    """Where the shift's QR code leads: check in, or check out when checked in."""

    model = Shift

    def get(self, request, pk):
        shift = self.get_object()
        signup = (
            SignUp.objects.filter(shift=shift, user=request.user).exclude(state="cancelled").first()
        )
        return render(
            request,
            "volunteers/checkin.html",
            {"shift": shift, "signup": signup, "code": request.GET.get("code", "")[:12]},
        )

    @limit(CHECKIN_RATE_SCOPE)
    def post(self, request, pk):
        shift = self.get_object()
        code = request.POST.get("code", "")[:12]
        if request.POST.get("step") == "out":
            entry = attempt(
                request,
                lambda: services.check_out(user=request.user, shift=shift, code=code),
                _("Checked out. Thank you!"),
            )
            if entry is not None:
                messages.info(
                    request, _("%(hours)s hours confirmed.") % {"hours": f"{entry.hours:f}"}
                )
            return redirect("volunteers:record")
        attempt(
            request,
            lambda: services.check_in(user=request.user, shift=shift, code=code),
            _("Checked in. Scan the code again when you leave."),
        )
        return redirect("volunteers:mine")


class RecordView(ScopedViewMixin, View):
    """My record: hours by year, team and activity, stars, entries, certificates, the
    time bank."""

    model = HourEntry

    def get(self, request):
        volunteer = services.volunteer_of(request.user)
        if volunteer is None:
            return redirect("volunteers:home")
        summary = services.record_summary(volunteer)
        return render(
            request,
            "volunteers/record.html",
            {
                "volunteer": volunteer,
                "stars": services.star_level(volunteer.confirmed_hours, volunteer),
                "summary": summary,
                "entries": services.record_entries(
                    request.user, volunteer, request.GET.get("page")
                ),
                "teams": summary["certifiable"],
                "certificates": RecordCertificate.objects.filter(volunteer=volunteer)
                .select_related("certificate", "team")
                .order_by("-id")[:20],
                "ledger": TimeBankEntry.objects.filter(volunteer=volunteer).order_by("-seq")[:20],
                "balance": services.balance_of(volunteer),
            },
        )


class CertificateView(ScopedViewMixin, View):
    model = RecordCertificate

    def post(self, request):
        team = get_object_or_404(Team, pk=form_id(request.POST.get("team")) or 0)
        record = attempt(
            request,
            lambda: services.request_certificate(user=request.user, team=team),
            _("The certificate is issued."),
        )
        if record is not None:
            return redirect("certificates:verify", number=record.certificate.number)
        return redirect("volunteers:record")


class CorrectionView(ScopedViewMixin, SingleObjectMixin, View):
    model = HourEntry

    def post(self, request, pk):
        entry = self.get_object()
        attempt(
            request,
            lambda: services.ask_correction(
                user=request.user,
                entry=entry,
                hours=request.POST.get("hours", "")[:8],
                reason=request.POST.get("reason", "")[:500],
            ),
            _("Asked: the organiser answers in the time the rules give."),
        )
        return redirect("volunteers:record")


class ApplyView(ScopedViewMixin, SingleObjectMixin, View):
    model = Team

    def post(self, request, pk):
        team = self.get_object()
        attempt(
            request,
            lambda: services.apply_to_team(user=request.user, team=team),
            _("Applied: the team's leader answers."),
        )
        return redirect("volunteers:team", pk=team.pk)


def form_id(value) -> int | None:
    """An id typed on a form: a whole number, or None."""
    text = str(value or "")
    return int(text) if text.isdigit() and len(text) < 18 else None


def public_team(request, pk):
    """A team's public page (anyone, signed in or not): what the team publishes of
    itself, no personal data."""
    team = get_object_or_404(
        Team.objects.filter(is_public=True).select_related("community", "street"), pk=pk
    )
    members = team.memberships.filter(state="active").count()
    upcoming = Shift.objects.filter(
        activity__team=team, starts_at__gt=timezone.now(), activity__state="published"
    ).select_related("activity")[:10]
    # The team's own honours (awards to the team, not to a person).
    awards = team.notes.filter(kind=RecordNote.Kind.AWARD, volunteer__isnull=True)[:20]
    return render(
        request,
        "volunteers/team_public.html",
        {"team": team, "members": members, "upcoming": upcoming, "awards": awards},
    )
