"""The volunteers' side of the emergency link (``core.mobilisation``, issue 17): when an
emergency opens, the community's emergency mode asks the core to mobilise volunteers for
its node and this provider starts the household mobilisation there (one on each
community of a street); the emergency page reads the coverage back through the core,
and closing the emergency closes the mobilisations. The community app never imports
this module, nor this app the community's."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from core.mobilisation import MobilisationState, register
from core.timeline import refuse

from .mobilisation_services import close_mobilisation, coverage, start_mobilisation
from .models import Mobilisation

MAX_COMMUNITIES = 50  # a street's emergency mobilises each of its communities


def nodes_for(node) -> list:
    """A mobilisation runs on a community, grid or building: a street's emergency
    gives one on each of its communities."""
    tier = getattr(getattr(node, "tier", None), "value", None)
    if tier == "street":
        return list(node.communities.order_by("code")[:MAX_COMMUNITIES])
    if tier in ("community", "grid", "building"):
        return [node]
    refuse({"node": _("Volunteers are mobilised on a street, community, grid or building.")})
    return []


def mobilise(*, by, node, kind: str, title: str, reason: str = "") -> str:
    if not by.has_perm("volunteers.add_mobilisation"):
        raise PermissionDenied(_("Only the offices start a household mobilisation."))
    started = [
        start_mobilisation(by=by, node=target, title=title[:100], reason=(reason or "")[:500])
        for target in nodes_for(node)
    ]
    if not started:
        refuse({"node": _("There is no community here to mobilise.")})
    return ",".join(str(m.pk) for m in started)


def ids_of(ref: str) -> list[int]:
    return [int(part) for part in str(ref).split(",") if part.strip().isdigit()]


def state(*, ref: str, viewer) -> MobilisationState | None:
    mobilisations = list(Mobilisation.objects.for_user(viewer).filter(pk__in=ids_of(ref)))
    if not mobilisations:
        return None
    households = answered = 0
    for mobilisation in mobilisations:
        for row in coverage(mobilisation):
            households += row["households"]
            answered += row["answered"]
    office = viewer.has_perm("volunteers.view_nomination") and any(
        viewer.has_perm("volunteers.view_mobilisation", m) for m in mobilisations
    )
    return MobilisationState(
        provider="volunteers",
        title=mobilisations[0].title,
        is_open=any(m.state == Mobilisation.State.OPEN for m in mobilisations),
        households=households,
        answered=answered,
        url="/volunteers/work/mobilisations/" if office else "/volunteers/mobilisations/",
    )


def stand_down(*, by, ref: str) -> None:
    for mobilisation in Mobilisation.objects.filter(
        pk__in=ids_of(ref), state=Mobilisation.State.OPEN
    ):
        close_mobilisation(by=by, mobilisation=mobilisation)


def connect() -> None:
    register("volunteers", mobilise=mobilise, state=state, stand_down=stand_down)
