"""The pages of 在职党员双报到, phone first.

* ``/volunteers/wishes/``: a resident posts a small wish and follows it; a placed member
  reads the community's open wishes, claims one, fulfils it or gives it back.
* ``/volunteers/member/``: an in-service member reports to the community, reads the needs
  list, claims an item and says when it is done.
* ``/volunteers/work/members/``: the community places reported members, appraises them
  once a year, keeps the needs list, confirms finished items and exports the quarter's
  summary for each workplace party organisation to Excel.
"""

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic.detail import SingleObjectMixin

from core.exports import Column, content_disposition, excel_response
from grid.models import Community, Grid
from grid.scoped_views import ScopedViewMixin

from . import member_services as members
from .models import MemberReport, Need, NeedClaim, Tag, Team, Wish
from .services import volunteer_of
from .views import attempt, form_id

WISH_STEPS = {
    "withdraw": (members.withdraw_wish, gettext_lazy("The wish is withdrawn.")),
    "claim": (members.claim_wish, gettext_lazy("You claimed the wish: the resident is told.")),
    "release": (members.release_wish, gettext_lazy("The wish is open to others again.")),
    "fulfil": (members.fulfil_wish, gettext_lazy("Thank you: the resident is asked to confirm.")),
    "confirm": (members.confirm_wish, gettext_lazy("Confirmed: your wish came true.")),
}
TEXT_OF_STEP = {"release": "reason", "fulfil": "note"}


def _quarter_now() -> tuple[int, int]:
    today = timezone.localdate()
    return today.year, (today.month - 1) // 3 + 1


class WishesView(ScopedViewMixin, View):
    """My small wishes and the form to post one; for a placed member, the community's
    open wishes and those they claimed."""

    model = Wish

    def get(self, request):
        visible = Wish.objects.for_user(request.user).select_related("resident")
        report = members.placed_report(request.user)
        open_wishes = []
        if report is not None:
            open_wishes = list(
                visible.filter(community_id=report.community_id, state=Wish.State.OPEN)
                .exclude(user=request.user)
                .order_by("created_at")[:50]
            )
        claimed = list(visible.filter(claimer=request.user).exclude(state="open")[:50])
        for wish in [*open_wishes, *claimed]:
            wish.shown_name = members.poster_name(wish, request.user)
        return render(
            request,
            "volunteers/wishes.html",
            {
                "mine": visible.filter(user=request.user)[:50],
                "open_wishes": open_wishes,
                "claimed": claimed,
                "member": report,
            },
        )

    def post(self, request):
        attempt(
            request,
            lambda: members.post_wish(
                user=request.user,
                title=request.POST.get("title", "")[:200],
                description=request.POST.get("description", "")[:1000],
            ),
            _("Your wish is posted: the community's members will see it."),
        )
        return redirect("volunteers:wishes")


class WishStepView(ScopedViewMixin, SingleObjectMixin, View):
    model = Wish

    def post(self, request, pk, step):
        if step not in WISH_STEPS:
            raise Http404
        wish = self.get_object()
        call, done = WISH_STEPS[step]
        extra = {}
        if step in TEXT_OF_STEP:
            field = TEXT_OF_STEP[step]
            extra[field] = request.POST.get(field, "")[:1000]
        attempt(request, lambda: call(user=request.user, wish=wish, **extra), str(done))
        return redirect("volunteers:wishes")


class MemberView(ScopedViewMixin, View):
    """The in-service member's page: the report, the needs list, my claims."""

    model = Need

    def get(self, request):
        report = (
            MemberReport.objects.filter(user_id=request.user.pk)
            .select_related("placed_grid", "team")
            .first()
        )
        needs = []
        if report is not None and report.state == MemberReport.State.PLACED:
            needs = list(
                Need.objects.filter(
                    community_id=report.community_id, state=Need.State.OPEN
                ).order_by("-created_at")[:50]
            )
        claims = (
            NeedClaim.objects.for_user(request.user)
            .filter(user_id=request.user.pk)
            .exclude(state=NeedClaim.State.WITHDRAWN)
            .select_related("need")[:50]
        )
        held = {c.need_id for c in claims if c.state in NeedClaim.LIVE}
        for need in needs:
            need.mine = need.pk in held
        return render(
            request,
            "volunteers/member.html",
            {
                "report": report,
                "volunteer": volunteer_of(request.user),
                "needs": needs,
                "claims": claims,
            },
        )

    def post(self, request):
        attempt(
            request,
            lambda: members.report_to_community(
                user=request.user, workplace=request.POST.get("workplace", "")[:200]
            ),
            _("You have reported: the community will place you in a grid."),
        )
        return redirect("volunteers:member")


class NeedClaimView(ScopedViewMixin, SingleObjectMixin, View):
    model = Need

    def post(self, request, pk):
        need = self.get_object()
        attempt(
            request,
            lambda: members.claim_need(user=request.user, need=need),
            _("You claimed a place on this item."),
        )
        return redirect("volunteers:member")


class ClaimStepView(ScopedViewMixin, SingleObjectMixin, View):
    model = NeedClaim

    def post(self, request, pk, step):
        claim = self.get_object()
        note = request.POST.get("note", "")[:1000]
        if step == "finish":
            result = (
                lambda: members.finish_need_claim(user=request.user, claim=claim, note=note),
                _("Thank you: the community will confirm it."),
            )
        elif step == "withdraw":
            result = (
                lambda: members.withdraw_need_claim(user=request.user, claim=claim),
                _("You gave the place back."),
            )
        else:
            raise Http404
        call, done = result
        attempt(request, call, done)
        return redirect("volunteers:member")


# --- the community's workbench -------------------------------------------------------------


def _office(user) -> bool:
    return user.has_perm("volunteers.change_memberreport")


class MembersWorkView(ScopedViewMixin, View):
    """Reported members to place and appraise, the needs list, items to confirm."""

    model = MemberReport

    def get(self, request):
        if not _office(request.user):
            raise Http404
        reports = list(
            MemberReport.objects.for_user(request.user, "change")
            .select_related("volunteer", "placed_grid", "team", "community")
            .order_by("state", "-reported_at")[:200]
        )
        year, quarter = _quarter_now()
        appraised = members.appraised_ids(reports, year)
        for report in reports:
            report.appraised = report.volunteer_id in appraised
        return render(
            request,
            "volunteers/work_members.html",
            {
                "reports": reports,
                "grids": Grid.objects.for_user(request.user).order_by("code")[:300],
                "teams": Team.objects.for_user(request.user, "change").order_by("name")[:200],
                "communities": Community.objects.for_user(request.user).order_by("code")[:100],
                "needs": Need.objects.for_user(request.user, "change")
                .filter(state=Need.State.OPEN)
                .order_by("-created_at")[:100],
                "done": NeedClaim.objects.for_user(request.user, "change")
                .filter(state=NeedClaim.State.DONE)
                .select_related("need", "volunteer")[:100],
                "workplaces": sorted({r.workplace for r in reports}),
                "tags": Tag.choices,
                "grades": members.APPRAISAL_GRADES,
                "year": year,
                "quarter": quarter,
            },
        )

    def post(self, request):
        if not _office(request.user):
            raise Http404
        step = request.POST.get("step", "")
        if step == "need":
            community = (
                Community.objects.for_user(request.user)
                .filter(pk=form_id(request.POST.get("community")))
                .first()
            )
            if community is None:
                attempt(request, lambda: members.refuse_choice("community"), "")
            else:
                attempt(
                    request,
                    lambda: members.post_need(
                        by=request.user,
                        community=community,
                        title=request.POST.get("title", "")[:200],
                        description=request.POST.get("description", "")[:4000],
                        tag=request.POST.get("tag", ""),
                        places=request.POST.get("places", "1"),
                    ),
                    _("The item is on the needs list."),
                )
        return redirect("volunteers:work-members")


class ReportStepView(ScopedViewMixin, SingleObjectMixin, View):
    """Place or appraise one member."""

    model = MemberReport
    scope_action = "change"

    def post(self, request, pk, step):
        report = self.get_object()
        if step == "place":
            grid = Grid.objects.for_user(request.user).filter(pk=form_id(request.POST.get("grid")))
            team_id = form_id(request.POST.get("team"))
            team = Team.objects.for_user(request.user, "change").filter(pk=team_id).first()
            grid = grid.first()
            if grid is None or (team_id and team is None):
                attempt(request, lambda: members.refuse_choice("grid"), "")
            else:
                attempt(
                    request,
                    lambda: members.place_member(
                        by=request.user, report=report, grid=grid, team=team
                    ),
                    _("The member is placed."),
                )
        elif step == "appraise":
            attempt(
                request,
                lambda: members.appraise_member(
                    by=request.user,
                    report=report,
                    year=form_id(request.POST.get("year")) or 0,
                    grade=request.POST.get("grade", ""),
                    comment=request.POST.get("comment", "")[:400],
                ),
                _("The appraisal is kept in the member's record."),
            )
        else:
            raise Http404
        return redirect("volunteers:work-members")


class NeedStepView(ScopedViewMixin, SingleObjectMixin, View):
    model = Need
    scope_action = "change"

    def post(self, request, pk):
        need = self.get_object()
        attempt(request, lambda: members.close_need(by=request.user, need=need), _("Closed."))
        return redirect("volunteers:work-members")


class ConfirmClaimView(ScopedViewMixin, SingleObjectMixin, View):
    model = NeedClaim
    scope_action = "change"

    def post(self, request, pk):
        claim = self.get_object()
        attempt(
            request,
            lambda: members.confirm_need_claim(by=request.user, claim=claim),
            _("Confirmed."),
        )
        return redirect("volunteers:work-members")


SUMMARY_COLUMNS = [
    Column(gettext_lazy("Workplace party organisation"), "workplace", width=26),
    Column(gettext_lazy("Party member"), "name", width=12),
    Column(gettext_lazy("Grid"), "grid", width=14),
    Column(gettext_lazy("Team"), "team", width=18),
    Column(gettext_lazy("State"), "state", width=10),
    Column(gettext_lazy("Confirmed hours"), lambda r: float(r["hours"]), 10, "0.0"),
    Column(gettext_lazy("Needs done"), "needs", width=10),
    Column(gettext_lazy("Small wishes fulfilled"), "wishes", width=12),
]


class SummaryExportView(ScopedViewMixin, View):
    """The quarter's summary of the members the office holds, to Excel, or as letters
    to the workplaces (``format=pdf``): all of them, or one workplace's."""

    model = MemberReport

    def get(self, request):
        if not _office(request.user):
            raise Http404
        default_year, default_quarter = _quarter_now()
        year = form_id(request.GET.get("year")) or default_year
        quarter = form_id(request.GET.get("quarter")) or default_quarter
        if not (2000 <= year <= 2100 and 1 <= quarter <= 4):
            year, quarter = default_year, default_quarter
        reports = MemberReport.objects.for_user(request.user, "change")
        workplace = request.GET.get("workplace", "")[:100]
        if workplace:
            reports = reports.filter(workplace=workplace)
        rows = members.quarterly_summary(reports, year=year, quarter=quarter)
        name = workplace or _("all workplaces")
        if request.GET.get("format") == "pdf":
            from .summary_letter import summary_letters_pdf

            communities = {r.community.name for r in reports.select_related("community")[:2]}
            sender = (
                _("%(community)s party committee") % {"community": communities.pop()}
                if len(communities) == 1
                else ""
            )
            body = summary_letters_pdf(rows, year=year, quarter=quarter, sender=sender)
            response = HttpResponse(body, content_type="application/pdf")
            response["Content-Disposition"] = content_disposition(
                f"在职党员服务反馈-{year}Q{quarter}-{name}.pdf"
            )
            return response
        return excel_response(
            rows=rows,
            columns=SUMMARY_COLUMNS,
            filename=f"在职党员服务-{year}Q{quarter}-{name}.xlsx",
            sheet_title=f"{year}Q{quarter}",
        )
