"""Demo consultations for the demo resident's building: the resident's topic on a lift,
accepted by the community and supported by the resident's household, with a household
vote open for a week (the resident can cast the ballot); and the grid member's topic on
parking, waiting in the community's review queue."""

import datetime

from django.utils import timezone

from grid.models import Post, Resident
from grid.permissions import Role

from . import services
from .models import Topic


def _holder(role, **node):
    post = Post.objects.filter(role=role, is_active=True, **node).select_related("user").first()
    return post.user if post else None


def seed_demo_consultation() -> int:
    resident = (
        Resident.objects.filter(user__username="resident1")
        .select_related("household__building__grid__community", "user")
        .first()
    )
    if resident is None:
        return 0
    building = resident.household.building
    grid, community = building.grid, building.grid.community
    secretary = _holder(Role.COMMUNITY_SECRETARY, community=community)
    member = _holder(Role.GRID_MEMBER, grid=grid)
    if secretary is None or member is None or Topic.objects.filter(community=community).exists():
        return 0
    lift = services.propose_topic(
        user=resident.user,
        node=building,
        title="本幢加装电梯",
        description="本幢六层无电梯，老人上下楼困难，希望大家协商加装电梯及费用分摊。",
        stakeholders=["residents"],
    )
    lift = services.review_topic(
        by=secretary, topic=lift, decision="accept", reason="属于居民协商议事范围"
    )
    services.support_topic(user=resident.user, topic=lift)
    now = timezone.now()
    vote = services.create_vote(
        by=secretary,
        question="是否同意本幢加装电梯并按楼层分摊费用？",
        basis="household",
        opens_at=now,
        closes_at=now + datetime.timedelta(days=7),
        node=building,
        topic=lift,
    )
    services.open_vote(by=secretary, vote=vote)
    services.propose_topic(
        user=member,
        node=grid,
        title="网格内停车位规划",
        description="晚间停车难，消防通道常被占用，建议重新规划停车位。",
        stakeholders=["residents"],
    )
    return 3
