"""Emergency mode (应急状态): a street or community office opens an emergency for a
node; every household of the node is told on every channel (the inbox of each resident
with an account, one text message per household); each household answers the roll call
("safe" or "needs help") on the phone, or a building leader or grid member answers for
it; a call for help becomes a service request in the urgent category (a rule parameter)
and the office is told at once; coverage by building is live, with the households that
have not answered; closing the emergency archives it with its timeline.

One answer per household is held by a unique index; a later answer replaces the earlier
one under the answer's row lock, and both are in the timeline."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core import mobilisation
from core.notify.services import in_site_language, notify
from core.rules import rule
from core.timeline import Conflict, refuse
from grid.models import Building, Category, Household, Post, Resident
from grid.permissions import NODE_TIERS
from grid.scoping import holding_tiers, save_in_scope, tier_column
from grid.services.requests import submit_request

from .. import notices
from .. import rules as keys
from ..models import Emergency, EmergencyEvent, EmergencyKind, RollCallAnswer
from ..permissions import EmergencyPerm

Status = RollCallAnswer.Status


def node_of(emergency: Emergency):
    """``(column, id)`` of the emergency's own node, for filtering what hangs below it."""
    tier = emergency.scope_tier()
    column = emergency.tier_columns[tier]
    return column, getattr(emergency, column)


def exact_node(obj) -> dict:
    """The filter of the rows on exactly ``obj``'s node (not below it)."""
    tier = obj.scope_tier()
    depth = NODE_TIERS.index(tier)
    exact = {obj.tier_columns[tier]: getattr(obj, obj.tier_columns[tier])}
    for lower in NODE_TIERS[depth + 1 :]:
        exact[f"{obj.tier_columns[lower]}__isnull"] = True
    return exact


def households_of(emergency: Emergency):
    column, node_id = node_of(emergency)
    return Household.objects.filter(**{column: node_id})


def posts_below(emergency: Emergency):
    tier = emergency.scope_tier()
    column, node_id = node_of(emergency)
    return Post.objects.filter(is_active=True, **{tier_column(Post, tier): node_id})


def household_phones(emergency: Emergency) -> list[tuple]:
    """One ``(user or None, phone)`` per household that has a phone on the roster: the
    head's if it has one, else the first living member's with a phone."""
    column, node_id = node_of(emergency)
    rows = (
        Resident.objects.filter(state=Resident.State.LIVING, **{f"household__{column}": node_id})
        .exclude(phone="")
        .order_by("household_id", "-relation", "id")
        .values_list("household_id", "relation", "user_id", "phone")
    )
    users = get_user_model().objects.in_bulk(
        [user_id for _h, _r, user_id, _p in rows if user_id is not None]
    )
    chosen: dict[int, tuple] = {}
    for household_id, relation, user_id, phone in rows:
        current = chosen.get(household_id)
        if current is None or (relation == Resident.Relation.HEAD and current[2] != "head"):
            chosen[household_id] = (users.get(user_id), phone, relation)
    return [(user, phone) for user, phone, _relation in chosen.values()]


def _context(emergency: Emergency) -> dict:
    return {
        "kind": in_site_language(EmergencyKind(emergency.kind).label),
        "title": emergency.title,
        "message": emergency.message,
    }


@transaction.atomic
def open_emergency(*, by, node, kind: str, title: str, message: str) -> Emergency:
    """Open an emergency for ``node`` (a street, community, grid or building the user's
    post may open one on) and tell every household of it."""
    title, message = (title or "").strip(), (message or "").strip()
    errors = {}
    if kind not in EmergencyKind.values:
        errors["kind"] = _("Choose the kind of emergency.")
    if not title:
        errors["title"] = _("Give the emergency a title.")
    elif len(title) > 100:
        errors["title"] = _("The title is at most 100 characters.")
    if not message:
        errors["message"] = _("Write what households must know and do.")
    elif len(message) > 1000:
        errors["message"] = _("The message is at most 1,000 characters.")
    if node is None or isinstance(node, Household):
        errors["node"] = _("Choose the street, community, grid or building it is for.")
    if errors:
        refuse(errors)
    if not by.has_perm(EmergencyPerm.ADD_EMERGENCY):
        raise PermissionDenied(_("Only street and community offices open an emergency."))
    emergency = Emergency(
        kind=kind, title=title, message=message, opened_by=by, **{node.tier.value: node}
    )
    emergency.fill_tier_columns()
    if Emergency.objects.filter(state=Emergency.State.OPEN, **exact_node(emergency)).exists():
        raise Conflict(_("An emergency is already in force here: close it first."))
    save_in_scope(by, emergency, "add")
    column, node_id = node_of(emergency)
    living = Resident.objects.filter(
        state=Resident.State.LIVING, user__isnull=False, **{f"household__{column}": node_id}
    )
    users = get_user_model().objects.filter(is_active=True)
    recipients = list(users.filter(pk__in=living.values("user_id")))
    recipients += list(users.filter(pk__in=posts_below(emergency).values("user_id")))
    emergency.households_told = households_of(emergency).count()
    emergency.save(update_fields=["households_told"])
    EmergencyEvent.record(emergency=emergency, actor=by, action="open", from_state="")
    notify(
        key=f"emergency:{emergency.pk}",
        kind=notices.EMERGENCY,
        recipients=recipients,
        subject=emergency,
        context=_context(emergency),
        url=f"/community/emergencies/{emergency.pk}/",
        sms=household_phones(emergency),
        actor=by,
    )
    # The volunteers' household mobilisation for the same node, through the core's
    # registry (the modes do not import each other); a refusal is kept, not raised.
    emergency.mobilisation_links = mobilisation.mobilise(
        by=by,
        node=node,
        kind=kind,
        title=title,
        reason=f"{in_site_language(EmergencyKind(kind).label)}: {message}",
    )
    emergency.save(update_fields=["mobilisation_links"])
    return emergency


def mobilisation_states(emergency: Emergency, viewer) -> list:
    """The volunteers' mobilisations of the emergency that ``viewer`` may see."""
    return mobilisation.states(emergency.mobilisation_links, viewer)


def own_household(user) -> Household | None:
    resident = (
        Resident.objects.filter(user_id=user.pk, state=Resident.State.LIVING)
        .select_related("household")
        .first()
    )
    return resident.household if resident is not None else None


def may_answer_for(user, emergency: Emergency, household: Household) -> bool:
    """A member answers for their own household; a post with the roll-call permission
    on the household's building answers for it."""
    if not getattr(user, "is_authenticated", False):
        return False
    own = own_household(user)
    if own is not None and own.pk == household.pk:
        return True
    # The household is grid's model: the post's holding is asked directly (guardian's
    # object permissions answer for one app's models only).
    return bool(holding_tiers(user, EmergencyPerm.CHANGE_ANSWER, household))


def reporter_of(household: Household) -> Resident | None:
    members = Resident.objects.filter(household=household, state=Resident.State.LIVING)
    return members.order_by("-relation", "id").filter(relation="head").first() or (
        members.order_by("id").first()
    )


def _help_request(*, by, emergency: Emergency, household: Household, note: str, own: bool):
    """The service request of a call for help: in the rule's urgent category, at the
    household's building, reported by the member (or by the post for the household)."""
    code = rule(keys.EMERGENCY_HELP_CATEGORY, node=emergency)
    category = Category.objects.filter(code=code, is_active=True, parent__isnull=False).first()
    if category is None:
        return None
    description = _("[Emergency: %(title)s] %(note)s") % {
        "title": emergency.title,
        "note": note or _("The household needs help."),
    }
    if own:
        return submit_request(
            user=by, category=category, description=description, building=household.building
        )
    reporter = reporter_of(household)
    if reporter is None:
        return None
    return submit_request(
        user=by,
        category=category,
        description=description,
        building=household.building,
        reporter=reporter,
    )


@transaction.atomic
def answer_roll_call(
    *, by, emergency: Emergency, status: str, note: str = "", household: Household | None = None
) -> RollCallAnswer:
    """``by`` answers the roll call for ``household`` (their own when not given)."""
    if not getattr(by, "is_authenticated", False):
        raise PermissionDenied(_("Sign in to answer the roll call."))
    if status not in Status.values:
        refuse({"status": _("Answer “safe” or “needs help”.")})
    note = (note or "").strip()
    if len(note) > 200:
        refuse({"note": _("At most %(limit)d characters.") % {"limit": 200}})
    if status == Status.NEEDS_HELP and not note:
        refuse({"note": _("Say what help the household needs.")})
    emergency = Emergency.objects.select_for_update(of=("self",)).get(pk=emergency.pk)
    if emergency.state != Emergency.State.OPEN:
        raise Conflict(_("This emergency is closed."))
    household = household or own_household(by)
    if household is None:
        raise PermissionDenied(_("Only confirmed residents answer for their household."))
    if not households_of(emergency).filter(pk=household.pk).exists():
        refuse({"household": _("This household is not in the emergency's area.")})
    if not may_answer_for(by, emergency, household):
        raise PermissionDenied(_("You may not answer for this household."))
    mine = own_household(by)
    own = mine is not None and mine.pk == household.pk
    answer = (
        RollCallAnswer.objects.select_for_update(of=("self",))
        .filter(emergency=emergency, household=household)
        .first()
    )
    before = answer.status if answer is not None else ""
    if answer is None:
        answer = RollCallAnswer(emergency=emergency, household=household)
    answer.status, answer.note, answer.answered_by = status, note, by
    answer.on_behalf = not own
    answer.answered_at = timezone.now()
    if status == Status.NEEDS_HELP and answer.help_request_id is None:
        answer.help_request = _help_request(
            by=by, emergency=emergency, household=household, note=note, own=own
        )
    try:
        with transaction.atomic():
            answer.save()
    except IntegrityError:
        # Two first answers for one household at once: the other one is kept.
        raise Conflict(_("The household has just been answered for; look again.")) from None
    EmergencyEvent.record(
        emergency=emergency,
        actor=by,
        action="help" if status == Status.NEEDS_HELP else "safe",
        from_state=emergency.state,
        note=f"{household} {before and '(' + before + ' →) '}{status} {note}".strip()[:4000],
    )
    if status == Status.NEEDS_HELP and before != Status.NEEDS_HELP:
        office = list(
            get_user_model().objects.filter(
                is_active=True,
                pk__in=posts_below(emergency).values("user_id"),
            )
        )
        office.append(emergency.opened_by)
        notify(
            key=f"emergency:{emergency.pk}:help:{household.pk}:{int(answer.answered_at.timestamp())}",
            kind=notices.EMERGENCY_HELP,
            recipients=[u for u in office if u.has_perm(EmergencyPerm.VIEW_ANSWER, answer)],
            subject=emergency,
            context={"household": str(household), "note": note},
            url=f"/community/emergencies/{emergency.pk}/",
            actor=by,
        )
    return answer


@transaction.atomic
def close_emergency(*, by, emergency: Emergency, note: str = "") -> Emergency:
    """Close the emergency: it is archived with its timeline and households are told."""
    note = (note or "").strip()
    if len(note) > 1000:
        refuse({"note": _("At most %(limit)d characters.") % {"limit": 1000}})
    emergency = Emergency.objects.select_for_update(of=("self",)).get(pk=emergency.pk)
    if not by.has_perm(EmergencyPerm.CHANGE_EMERGENCY, emergency):
        raise PermissionDenied(_("Only street and community offices close an emergency."))
    if emergency.state != Emergency.State.OPEN:
        raise Conflict(_("This emergency is closed."))
    emergency.state = Emergency.State.CLOSED
    emergency.closed_at = timezone.now()
    emergency.closing_note = note
    emergency.save(update_fields=["state", "closed_at", "closing_note"])
    EmergencyEvent.record(
        emergency=emergency, actor=by, action="close", from_state="open", note=note
    )
    mobilisation.stand_down(by=by, links=emergency.mobilisation_links)
    column, node_id = node_of(emergency)
    living = Resident.objects.filter(
        state=Resident.State.LIVING, user__isnull=False, **{f"household__{column}": node_id}
    )
    notify(
        key=f"emergency:{emergency.pk}:closed",
        kind=notices.EMERGENCY_CLOSED,
        recipients=get_user_model().objects.filter(is_active=True, pk__in=living.values("user_id")),
        subject=emergency,
        context={"title": emergency.title, "note": note},
        url=f"/community/emergencies/{emergency.pk}/",
        actor=by,
    )
    return emergency


@dataclass
class BuildingCoverage:
    building: Building
    households: int
    safe: int = 0
    help: int = 0
    missing: list = field(default_factory=list)

    @property
    def answered(self) -> int:
        return self.safe + self.help

    @property
    def percent(self) -> int:
        return round(100 * self.answered / self.households) if self.households else 100


@dataclass
class Coverage:
    goal: int
    buildings: list[BuildingCoverage]

    @property
    def households(self) -> int:
        return sum(b.households for b in self.buildings)

    @property
    def answered(self) -> int:
        return sum(b.answered for b in self.buildings)

    @property
    def help(self) -> int:
        return sum(b.help for b in self.buildings)

    @property
    def percent(self) -> int:
        return round(100 * self.answered / self.households) if self.households else 100


def coverage(emergency: Emergency, *, buildings=None, with_missing: bool = True) -> Coverage:
    """Live coverage by building: households, safe, needs help, and (for the building
    leader) the households that have not answered. ``buildings`` narrows it (a
    building leader sees their own)."""
    households = households_of(emergency)
    if buildings is not None:
        households = households.filter(building__in=buildings)
    answers = RollCallAnswer.objects.filter(emergency=emergency, household__in=households)
    counted = {
        row["building_id"]: row
        for row in answers.values("building_id").annotate(
            safe=Count("id", filter=Q(status=Status.SAFE)),
            help=Count("id", filter=Q(status=Status.NEEDS_HELP)),
        )
    }
    totals = dict(
        households.values("building_id").annotate(n=Count("id")).values_list("building_id", "n")
    )
    rows = {
        b.pk: BuildingCoverage(
            building=b,
            households=totals[b.pk],
            safe=counted.get(b.pk, {}).get("safe", 0),
            help=counted.get(b.pk, {}).get("help", 0),
        )
        for b in Building.objects.filter(pk__in=totals).order_by("grid_id", "code", "id")
    }
    if with_missing:
        answered = answers.values("household_id")
        for household in (
            households.exclude(pk__in=answered)
            .select_related("building")
            .order_by("building_id", "unit", "room")[:2000]
        ):
            rows[household.building_id].missing.append(household)
    return Coverage(
        goal=rule(keys.EMERGENCY_COVERAGE_GOAL, node=emergency), buildings=list(rows.values())
    )
