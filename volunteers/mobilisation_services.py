"""Household mobilisation (paper 1.2): an office starts one on a node in an emergency;
every household below it nominates one healthy member as a volunteer (the resident on
the phone, or a building leader or grid member for them); coverage by building and
grid, and the households not yet answered. One nomination per household and
mobilisation is the database's (a unique constraint), so two members of a household
answering at once give one answer.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.notify.services import notify
from core.rules import rule
from core.timeline import Conflict, expect_state, refuse
from grid.models import Household, Resident
from grid.scoping import OutOfScope, save_in_scope

from . import notices
from . import rules as keys
from .models import Mobilisation, Nomination
from .services import age_on, clean_text, is_office, must_be_signed_in


@transaction.atomic
def start_mobilisation(*, by, node, title: str, reason: str = "") -> Mobilisation:
    """An office starts a mobilisation on a community, grid or building it holds; the
    residents with an account below it are told."""
    if getattr(node, "tier", None) is None or node.tier.value not in (
        "community",
        "grid",
        "building",
    ):
        refuse({"node": _("Start it on a community, a grid or a building.")})
    mobilisation = Mobilisation(
        title=clean_text(title, field="title", limit=100),
        reason=clean_text(reason, field="reason", limit=500, required=False),
        started_by=by,
        **{node.tier.value: node},
    )
    save_in_scope(by, mobilisation, "add")
    users = (
        Resident.objects.filter(
            state=Resident.State.LIVING,
            user__isnull=False,
            **{f"household__{k}": v for k, v in mobilisation.household_filter().items()},
        )
        .values_list("user_id", flat=True)
        .distinct()
    )
    recipients = list(get_user_model().objects.filter(pk__in=list(users[:5000])))
    if recipients:
        notify(
            key=f"{notices.MOBILISATION}:{mobilisation.pk}",
            kind=notices.MOBILISATION,
            recipients=recipients,
            subject=mobilisation,
            context={"title": mobilisation.title, "reason": mobilisation.reason or "-"},
            url="/volunteers/mobilisations/",
            actor=by,
        )
    return mobilisation


@transaction.atomic
def close_mobilisation(*, by, mobilisation: Mobilisation) -> Mobilisation:
    if not is_office(by, mobilisation):
        raise OutOfScope()
    mobilisation = Mobilisation.objects.select_for_update().get(pk=mobilisation.pk)
    expect_state(mobilisation, Mobilisation.State.OPEN)
    mobilisation.state = Mobilisation.State.CLOSED
    mobilisation.closed_at = timezone.now()
    mobilisation.save(update_fields=["state", "closed_at"])
    return mobilisation


def covers(mobilisation: Mobilisation, household: Household) -> bool:
    return all(getattr(household, k) == v for k, v in mobilisation.household_filter().items())


def _speaks_for(user, household: Household) -> bool:
    """A living member of the household with an account."""
    return Resident.objects.filter(
        user_id=user.pk, household=household, state=Resident.State.LIVING
    ).exists()


@transaction.atomic
def nominate(*, by, mobilisation: Mobilisation, household: Household, resident, healthy: bool):
    """The household's volunteer: a living member of it, of age, declared healthy; the
    household's own member or a post holding the household's building nominates."""
    must_be_signed_in(by)
    expect_state(mobilisation, Mobilisation.State.OPEN)
    if not covers(mobilisation, household):
        refuse({"household": _("This household is not in the mobilisation's area.")})
    if resident.household_id != household.pk or resident.state != Resident.State.LIVING:
        refuse({"resident": _("Choose a member living in the household.")})
    if not healthy:
        refuse({"healthy": _("Nominate a member in good health.")})
    age = age_on(resident.birth_date, timezone.localdate())
    youngest = int(rule(keys.ADULT_AGE, node=household))
    oldest = int(rule(keys.MOBILISATION_MAX_AGE, node=household))
    if age is None or not youngest <= age <= oldest:
        refuse(
            {
                "resident": _("Nominate a member aged %(youngest)d to %(oldest)d.")
                % {"youngest": youngest, "oldest": oldest}
            }
        )
    nomination = Nomination(
        mobilisation=mobilisation,
        household=household,
        resident=resident,
        healthy=True,
        nominated_by=by,
    )
    try:
        with transaction.atomic():
            if _speaks_for(by, household):
                nomination.save()
            else:
                save_in_scope(by, nomination, "add")
    except IntegrityError:
        raise Conflict(_("This household has nominated its volunteer already.")) from None
    return nomination


def coverage(mobilisation: Mobilisation) -> list[dict]:
    """Per building below the node: households, those answered, the share (one query)."""
    rows = (
        Household.objects.filter(**mobilisation.household_filter())
        .values("building_id", "building__name", "grid_id", "grid__name")
        .annotate(
            households=Count("id", distinct=True),
            answered=Count(
                "mobilisation_nominations",
                filter=Q(mobilisation_nominations__mobilisation=mobilisation),
                distinct=True,
            ),
        )
        .order_by("grid__name", "building__name")
    )
    return [
        {
            **row,
            "share": _share(row),
        }
        for row in rows
    ]


def _share(row) -> int:
    return round(100 * row["answered"] / row["households"]) if row["households"] else 0


def by_grid(rows: list[dict]) -> list[dict]:
    grids: dict[int, dict] = {}
    for row in rows:
        grid = grids.setdefault(
            row["grid_id"],
            {
                "grid_id": row["grid_id"],
                "grid__name": row["grid__name"],
                "households": 0,
                "answered": 0,
            },
        )
        grid["households"] += row["households"]
        grid["answered"] += row["answered"]
    for grid in grids.values():
        grid["share"] = (
            round(100 * grid["answered"] / grid["households"]) if grid["households"] else 0
        )
    return list(grids.values())


def unanswered(mobilisation: Mobilisation, households):
    """``households`` (a scoped queryset) below the node that have not answered."""
    return (
        households.filter(**mobilisation.household_filter())
        .exclude(mobilisation_nominations__mobilisation=mobilisation)
        .order_by("building__code", "unit", "room")
    )


def open_for_household(mobilisations, household: Household):
    """The open ones among ``mobilisations`` (a scoped queryset) whose node holds
    ``household``."""
    return [
        m
        for m in mobilisations.filter(
            community_id=household.community_id, state=Mobilisation.State.OPEN
        )
        if covers(m, household)
    ]
