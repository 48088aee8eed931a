"""The pages of household mobilisation.

* ``/volunteers/mobilisations/``: a resident sees the open mobilisations over their
  household and nominates its volunteer (themselves or another living member).
* ``/volunteers/work/mobilisations/``: an office starts and closes one; the posts of the
  net (offices, grid members, building leaders) follow the coverage by grid and building
  and nominate for the households of their buildings that have not answered.
"""

from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic.detail import SingleObjectMixin

from grid.models import Building, Community, Grid, Household, Resident
from grid.scoped_views import ScopedViewMixin

from . import member_services as members
from . import mobilisation_services as mobilising
from .models import Mobilisation, Nomination
from .services import age_on, is_office
from .views import attempt, form_id


def _members(household_ids) -> dict[int, list]:
    today = timezone.localdate()
    found: dict[int, list] = {}
    for resident in Resident.objects.filter(
        household_id__in=household_ids, state=Resident.State.LIVING
    ).order_by("id"):
        resident.age = age_on(resident.birth_date, today)
        found.setdefault(resident.household_id, []).append(resident)
    return found


def _nominate(request, mobilisation: Mobilisation, household: Household | None):
    resident = None
    if household is not None:
        resident = Resident.objects.filter(
            pk=form_id(request.POST.get("resident")), household=household
        ).first()
    if household is None or resident is None:
        attempt(request, lambda: members.refuse_choice("resident"), "")
        return
    attempt(
        request,
        lambda: mobilising.nominate(
            by=request.user,
            mobilisation=mobilisation,
            household=household,
            resident=resident,
            healthy=request.POST.get("healthy") == "on",
        ),
        _("Thank you: the household's volunteer is nominated."),
    )


class MyMobilisationsView(ScopedViewMixin, View):
    model = Mobilisation

    def get(self, request):
        homes = list(
            Household.objects.for_user(request.user)
            .filter(residents__user_id=request.user.pk, residents__state=Resident.State.LIVING)
            .distinct()
        )
        answered = {
            (n.mobilisation_id, n.household_id): n
            for n in Nomination.objects.for_user(request.user)
            .filter(household__in=homes)
            .select_related("resident")
        }
        visible = Mobilisation.objects.for_user(request.user)
        items = []
        people = _members([h.pk for h in homes])
        for household in homes:
            for mobilisation in mobilising.open_for_household(visible, household):
                items.append(
                    {
                        "mobilisation": mobilisation,
                        "household": household,
                        "nomination": answered.get((mobilisation.pk, household.pk)),
                        "people": people.get(household.pk, []),
                    }
                )
        return render(request, "volunteers/mobilisations.html", {"items": items})

    def post(self, request):
        mobilisation = Mobilisation.objects.for_user(request.user).filter(
            pk=form_id(request.POST.get("mobilisation"))
        )
        household = (
            Household.objects.for_user(request.user)
            .filter(pk=form_id(request.POST.get("household")), residents__user_id=request.user.pk)
            .distinct()
            .first()
        )
        found = mobilisation.first()
        if found is None:
            raise Http404
        _nominate(request, found, household)
        return redirect("volunteers:mobilisations")


def _follows(user) -> bool:
    return user.has_perm("volunteers.view_nomination")


class MobilisationWorkView(ScopedViewMixin, View):
    """Open mobilisations with their coverage; the form to start one."""

    model = Mobilisation

    def get(self, request):
        if not _follows(request.user):
            raise Http404
        mobilisations = list(
            Mobilisation.objects.for_user(request.user).order_by("-started_at")[:20]
        )
        for mobilisation in mobilisations:
            rows = mobilising.coverage(mobilisation)
            mobilisation.grids = mobilising.by_grid(rows)
            mobilisation.buildings = rows
            mobilisation.may_close = is_office(request.user, mobilisation)
        return render(
            request,
            "volunteers/work_mobilisations.html",
            {
                "mobilisations": mobilisations,
                "may_start": request.user.has_perm("volunteers.add_mobilisation"),
                "communities": Community.objects.for_user(request.user).order_by("code")[:50],
                "grids": Grid.objects.for_user(request.user).order_by("code")[:200],
            },
        )

    def post(self, request):
        if not request.user.has_perm("volunteers.add_mobilisation"):
            raise Http404
        kind, _sep, pk = request.POST.get("node", "").partition(":")
        model = {"community": Community, "grid": Grid, "building": Building}.get(kind)
        nodes = model.objects.for_user(request.user) if model else None
        node = nodes.filter(pk=form_id(pk)).first() if nodes is not None else None
        if node is None:
            attempt(request, lambda: members.refuse_choice("node"), "")
        else:
            attempt(
                request,
                lambda: mobilising.start_mobilisation(
                    by=request.user,
                    node=node,
                    title=request.POST.get("title", "")[:200],
                    reason=request.POST.get("reason", "")[:1000],
                ),
                _("The mobilisation is started: the residents are told."),
            )
        return redirect("volunteers:work-mobilisations")


class MobilisationStepView(ScopedViewMixin, SingleObjectMixin, View):
    """The households not yet answered in the buildings the post holds, to nominate for;
    and closing it."""

    model = Mobilisation

    def get(self, request, pk):
        mobilisation = self.get_object()
        if not _follows(request.user):
            raise Http404
        households = list(
            mobilising.unanswered(
                mobilisation, Household.objects.for_user(request.user)
            ).select_related("building")[:300]
        )
        people = _members([h.pk for h in households])
        for household in households:
            household.people = people.get(household.pk, [])
        return render(
            request,
            "volunteers/work_mobilisation.html",
            {"mobilisation": mobilisation, "households": households},
        )

    def post(self, request, pk):
        mobilisation = self.get_object()
        if request.POST.get("step") == "close":
            attempt(
                request,
                lambda: mobilising.close_mobilisation(by=request.user, mobilisation=mobilisation),
                _("The mobilisation is closed."),
            )
            return redirect("volunteers:work-mobilisations")
        household = Household.objects.for_user(request.user).filter(
            pk=form_id(request.POST.get("household"))
        )
        _nominate(request, mobilisation, household.first())
        return redirect("volunteers:work-mobilisation", pk=mobilisation.pk)
