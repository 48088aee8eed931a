"""Whose numbers a dashboard shows: the viewer's highest post on the net (county,
street, community or grid), its node, and the parts below it that the comparison charts
set side by side (streets for the county, communities for a street, grids for a
community, buildings for a grid)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.http import Http404

from grid.identity import identity
from grid.models import Building, Community, Grid, Street
from grid.permissions import Role, Tier

# The tier below each dashboard tier, and the model of its nodes.
PART_OF = {
    Tier.COUNTY: (Tier.STREET, Street),
    Tier.STREET: (Tier.COMMUNITY, Community),
    Tier.COMMUNITY: (Tier.GRID, Grid),
    Tier.GRID: (Tier.BUILDING, Building),
}
# Posts without a part of the net of their own have no dashboard.
NO_DASHBOARD = {Role.DEPARTMENT_STAFF, Role.UNIT_STAFF}
MAX_PARTS = 40  # parts in a comparison chart (a county has about 21 streets)


@dataclass
class Scope:
    """The viewer, the tier and node of the dashboard (``node`` is None for the county),
    and the tier of its parts."""

    user: object
    role: str
    tier: Tier
    node: object | None
    part_tier: Tier
    part_model: type
    _parts: list | None = field(default=None, repr=False)

    @property
    def key(self) -> str:
        """What the cached parts are keyed by: the role (its permissions decide what
        ``for_user`` returns) and the node."""
        return f"{self.role}:{self.tier.value}:{self.node.pk if self.node is not None else 0}"

    @property
    def node_filter(self) -> dict:
        """The tier-column filter narrowing a scoped queryset to the node."""
        if self.node is None:
            return {}
        return {f"{self.tier.value}_id": self.node.pk}

    @property
    def node_params(self) -> dict:
        """The same as the list pages' query parameters (``?street=3``)."""
        if self.node is None:
            return {}
        return {self.tier.value: self.node.pk}

    @property
    def part_column(self) -> str:
        return f"{self.part_tier.value}_id"

    def narrow(self, queryset):
        """A ``for_user`` queryset narrowed to the dashboard's node."""
        return queryset.filter(**self.node_filter)

    def parts(self) -> list[tuple[int, str]]:
        """The parts the viewer may see below the node, in code order (read once a
        request, never cached: a renamed street shows at once)."""
        if self._parts is None:
            nodes = self.part_model.objects.for_user(self.user).filter(**self.node_filter)
            self._parts = list(nodes.order_by("code").values_list("pk", "name")[:MAX_PARTS])
        return self._parts


def scope_for(user) -> Scope:
    """The dashboard scope of ``user``; a 404 for a user without a post on the net (a
    resident, a department's or a unit's staff, a building leader)."""
    who = identity(user)
    if who is None or who.post is None or who.post.role in NO_DASHBOARD:
        raise Http404
    tier = who.post.tier
    if tier not in PART_OF:
        raise Http404
    part_tier, part_model = PART_OF[tier]
    node = who.node if tier != Tier.COUNTY else None
    return Scope(
        user=user,
        role=who.post.role,
        tier=tier,
        node=node,
        part_tier=part_tier,
        part_model=part_model,
    )
