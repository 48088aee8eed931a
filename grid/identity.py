"""Who the signed-in user is on the net: the audiences of the posts (their tier, or
the posts outside the tree and people without one) and the user's highest post, as the
page frame, the menus and the request lists show it."""

from __future__ import annotations

from dataclasses import dataclass

from .models import Post
from .permissions import TIER_ORDER, Role, Tier

# Audiences: the tier of a post, plus the posts outside the tree and people without one.
RESIDENT, DEPARTMENT, UNIT = "resident", "department", "unit"
ROLE_AUDIENCE = {
    Role.COUNTY_ADMIN: Tier.COUNTY.value,
    Role.DEPARTMENT_STAFF: DEPARTMENT,
    Role.STREET_ADMIN: Tier.STREET.value,
    Role.COMMUNITY_SECRETARY: Tier.COMMUNITY.value,
    Role.COMMUNITY_WORKER: Tier.COMMUNITY.value,
    Role.GRID_MEMBER: Tier.GRID.value,
    Role.GRID_BRANCH_SECRETARY: Tier.GRID.value,
    Role.BUILDING_LEADER: Tier.BUILDING.value,
    Role.PARTY_GROUP_LEADER: Tier.BUILDING.value,
    Role.UNIT_STAFF: UNIT,
}
NET_AUDIENCES = frozenset(t.value for t in TIER_ORDER)
EVERYONE = NET_AUDIENCES | {RESIDENT, DEPARTMENT, UNIT}


@dataclass(frozen=True)
class Identity:
    """The post shown in the header: the user's highest post, and how many more."""

    post: object | None
    node: object | None
    audience: str
    audiences: frozenset
    others: int


def identity(user) -> Identity | None:
    if not getattr(user, "is_authenticated", False):
        return None
    cached = getattr(user, "_portal_identity", None)
    if cached is not None:
        return cached
    posts = list(
        Post.objects.filter(user=user, is_active=True).select_related(
            "street", "community", "grid", "building", "handling_unit"
        )
    )
    depth = {tier: index for index, tier in enumerate(TIER_ORDER)}
    posts.sort(key=lambda post: (depth[post.tier], post.role))
    audiences = frozenset(ROLE_AUDIENCE[Role(post.role)] for post in posts) or frozenset({RESIDENT})
    top = posts[0] if posts else None
    result = Identity(
        post=top,
        node=top.scope_node() if top else None,
        audience=ROLE_AUDIENCE[Role(top.role)] if top else RESIDENT,
        audiences=audiences,
        others=max(len(posts) - 1, 0),
    )
    user._portal_identity = result
    return result
