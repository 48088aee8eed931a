"""The workbench of offices and team leaders: teams and applications, activities with
their rosters, the check-in sheet with the rotating QR code, pending hours to confirm,
corrections to answer, a team's hours exported to Excel."""

from django.contrib import messages
from django.db.models import Q
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic.detail import SingleObjectMixin

from core.checkin import checkin_url, current_code, period_seconds, qr_svg, refresh_payload
from core.exports import Column, excel_response
from grid.scoped_views import ScopedViewMixin

from . import services
from .models import Correction, HourEntry, Membership, RecordNote, Shift, SignUp, Team
from .views import attempt, works_here


def workable_teams(user):
    """The teams an office holds (change) or the user leads (the guardian grant)."""
    return Team.objects.for_user(user, "change")


class LeaderScopeMixin(ScopedViewMixin):
    """Objects of the teams the user may work on: an office's scope, or a leader's own
    teams (what hangs below the team they lead)."""

    team_path = "activity__team"

    def get_queryset(self):
        queryset = self.model._default_manager.all()
        condition = Q(**{f"{self.team_path}__in": workable_teams(self.request.user)})
        return queryset.filter(condition)


class WorkView(ScopedViewMixin, View):
    model = Team

    def get(self, request):
        if not works_here(request.user):
            raise Http404
        teams = list(workable_teams(request.user).order_by("name")[:100])
        applications = Membership.objects.filter(team__in=teams, state="applied").select_related(
            "team", "volunteer"
        )[:100]
        shifts = (
            Shift.objects.filter(
                activity__team__in=teams,
                ends_at__gte=timezone.now() - timezone.timedelta(days=7),
            )
            .select_related("activity__team")
            .order_by("starts_at")[:100]
        )
        pending = HourEntry.objects.filter(team__in=teams, state="pending").select_related(
            "volunteer", "activity"
        )[:100]
        corrections = Correction.objects.filter(entry__team__in=teams, state="open").select_related(
            "entry__volunteer", "entry__activity"
        )[:100]
        return render(
            request,
            "volunteers/work.html",
            {
                "teams": teams,
                "applications": applications,
                "shifts": shifts,
                "pending": pending,
                "corrections": corrections,
            },
        )


class DecideView(LeaderScopeMixin, SingleObjectMixin, View):
    model = Membership
    team_path = "team"

    def post(self, request, pk):
        membership = self.get_object()
        accept = request.POST.get("accept") == "1"
        attempt(
            request,
            lambda: services.decide_membership(
                by=request.user,
                membership=membership,
                accept=accept,
                reason=request.POST.get("reason", "")[:200],
            ),
            _("Accepted.") if accept else _("Declined."),
        )
        return redirect("volunteers:work")


class ConfirmHoursView(LeaderScopeMixin, SingleObjectMixin, View):
    model = HourEntry
    team_path = "team"

    def post(self, request, pk):
        entry = self.get_object()
        accept = request.POST.get("accept") == "1"
        attempt(
            request,
            lambda: services.confirm_hours(
                by=request.user, entry=entry, accept=accept, reason=request.POST.get("reason", "")
            ),
            _("Hours confirmed.") if accept else _("Hours rejected."),
        )
        return redirect("volunteers:work")


class AnswerView(LeaderScopeMixin, SingleObjectMixin, View):
    model = Correction
    team_path = "entry__team"

    def post(self, request, pk):
        correction = self.get_object()
        attempt(
            request,
            lambda: services.answer_correction(
                by=request.user,
                correction=correction,
                accept=request.POST.get("accept") == "1",
                answer=request.POST.get("answer", "")[:500],
            ),
            _("The volunteer is told the answer."),
        )
        return redirect("volunteers:work")


def _shift_url(request, shift):
    code = current_code(services.CHECKIN_PURPOSE, shift.pk)
    return code, checkin_url(reverse("volunteers:checkin", args=[shift.pk]), code, request)


class SheetView(LeaderScopeMixin, SingleObjectMixin, View):
    """The check-in sheet: the rotating QR code on the organiser's screen, and the
    roster to tick names."""

    model = Shift

    def get(self, request, pk):
        shift = self.get_object()
        code, url = _shift_url(request, shift)
        roster = (
            SignUp.objects.filter(shift=shift)
            .exclude(state="cancelled")
            .select_related("volunteer")
            .order_by("state", "created_at")
        )
        return render(
            request,
            "volunteers/sheet.html",
            {
                "shift": shift,
                "roster": roster,
                "svg": qr_svg(url, title=shift.activity.title),
                "code": code,
                "period": period_seconds(),
                "refresh_url": reverse("volunteers:sheet-qr", args=[shift.pk]),
            },
        )


class SheetQrView(LeaderScopeMixin, SingleObjectMixin, View):
    model = Shift

    def get(self, request, pk):
        shift = self.get_object()
        code, url = _shift_url(request, shift)
        return JsonResponse(refresh_payload(url, code=code, title=shift.activity.title))


class TickView(LeaderScopeMixin, SingleObjectMixin, View):
    model = SignUp
    team_path = "shift__activity__team"

    def post(self, request, pk, step):
        signup = self.get_object()
        if step == "in":
            call, done = (
                (lambda: services.tick_in(by=request.user, signup=signup)),
                _("Checked in."),
            )
        else:
            call, done = (
                (lambda: services.tick_out(by=request.user, signup=signup)),
                _("Checked out."),
            )
        attempt(request, call, done)
        return redirect("volunteers:sheet", pk=signup.shift_id)


HOURS_COLUMNS = [
    Column(gettext_lazy("Volunteer"), "volunteer__name", width=14),
    Column(gettext_lazy("Activity"), "activity__title", width=30),
    Column(gettext_lazy("Served on"), "served_on", width=12, number_format="yyyy-mm-dd"),
    Column(gettext_lazy("Hours"), lambda row: float(row["hours"]), width=8, number_format="0.0"),
    Column(gettext_lazy("State"), lambda row: str(HourEntry.State(row["state"]).label), width=10),
    Column(
        gettext_lazy("Source"), lambda row: str(HourEntry.Source(row["source"]).label), width=14
    ),
]


class TeamWorkView(LeaderScopeMixin, SingleObjectMixin, View):
    """A page on one team the user may work on (an office's, or the one they lead)."""

    model = Team

    def get_queryset(self):
        return workable_teams(self.request.user)

    def year(self) -> int:
        """The ``year`` asked for, this year when none or not a year."""
        text = self.request.GET.get("year", "")
        return int(text) if text.isdigit() and len(text) == 4 else timezone.localdate().year


class TeamExportView(TeamWorkView):
    """A team's hours of one year, to Excel."""

    def get(self, request, pk):
        team = self.get_object()
        year = self.year()
        rows = (
            HourEntry.objects.filter(team=team, served_on__year=year)
            .order_by("served_on", "id")
            .values("volunteer__name", "activity__title", "served_on", "hours", "state", "source")
        )
        return excel_response(
            rows=rows,
            columns=HOURS_COLUMNS,
            filename=f"{team.name}-{year}-服务时长.xlsx",
            sheet_title=f"{team.name} {year}",
        )


def _past_date(text: str):
    """A date typed on a form, today when blank; None when it is not a date or ahead."""
    try:
        day = parse_date(str(text)[:10]) if text else timezone.localdate()
    except ValueError:
        return None
    return day if day is not None and day <= timezone.localdate() else None


class AwardView(TeamWorkView):
    """An award to the team (its leader or an office records it; the public page shows
    it)."""

    def post(self, request, pk):
        team = self.get_object()
        on = _past_date(request.POST.get("on", ""))
        if on is None:
            messages.error(request, _("Give the date of the award (not ahead)."))
            return redirect("volunteers:work")
        attempt(
            request,
            lambda: services.add_record_note(
                by=request.user,
                kind=RecordNote.Kind.AWARD,
                title=request.POST.get("title", "")[:400],
                on=on,
                team=team,
            ),
            _("The award is recorded and shown on the team's public page."),
        )
        return redirect("volunteers:work")


# The members shown on the page, most hours first; the Excel export has every entry.
SHOWN_MEMBERS = 100


class TeamSummaryView(TeamWorkView):
    """A team's year on one page: hours per member and per month."""

    def get(self, request, pk):
        team = self.get_object()
        year = self.year()
        this_year = timezone.localdate().year
        summary = services.team_year_summary(team, year, members=SHOWN_MEMBERS)
        return render(
            request,
            "volunteers/team_summary.html",
            {
                "team": team,
                "year": year,
                "years": range(this_year, this_year - 5, -1),
                "summary": summary,
                "shown": summary["members"],
                "more": max(0, summary["member_count"] - len(summary["members"])),
            },
        )
