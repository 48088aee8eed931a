"""Consultation in the shared world: a topic of the first building gathering supports
(one from the verified resident's household), a meeting and a per-household vote of it
with one ballot, a resolution on notice, and the household's floor area."""

import datetime
from decimal import Decimal

from django.utils import timezone

from grid.models import Resident
from negotiation.models import (
    Ballot,
    HouseholdArea,
    Meeting,
    Option,
    Resolution,
    Support,
    Topic,
    Vote,
)


def extend_world(world) -> None:
    now = timezone.now()
    resident = Resident.objects.get(user=world.users["resident"])
    building = world.buildings[0]
    topic = Topic.objects.create(
        building=building,
        title="加装电梯",
        description="一号楼没有电梯，老人上下楼难。",
        proposer=world.users["resident"],
        state=Topic.State.GATHERING,
        support_goal=10,
        supports=1,
    )
    Support.objects.create(
        topic=topic,
        user=world.users["resident"],
        household=resident.household,
        voter_key=f"h:{resident.household_id}",
    )
    meeting = Meeting.objects.create(
        topic=topic,
        building=building,
        title="加装电梯协商会",
        starts_at=now + datetime.timedelta(days=3),
        place="党群服务中心",
        convenor=world.users["community_secretary"],
        invited=2,
    )
    vote = Vote.objects.create(
        meeting=meeting,
        topic=topic,
        building=building,
        question="是否同意加装电梯？",
        basis=Vote.Basis.HOUSEHOLD,
        opens_at=now - datetime.timedelta(hours=1),
        closes_at=now + datetime.timedelta(days=7),
        state=Vote.State.OPEN,
        electorate=1,
        created_by=world.users["community_secretary"],
    )
    agree = Option.objects.create(vote=vote, order=1, label="同意")
    Option.objects.create(vote=vote, order=2, label="不同意")
    Ballot.objects.create(
        vote=vote,
        option=agree,
        voter_key=f"h:{resident.household_id}",
        household=resident.household,
        cast_by=world.users["resident"],
        channel=Ballot.Channel.ONLINE,
    )
    Resolution.objects.create(
        vote=vote,
        topic=topic,
        building=building,
        title="加装电梯决议",
        text="同意加装电梯。",
        notice_ends=now + datetime.timedelta(days=7),
        published_by=world.users["community_secretary"],
    )
    HouseholdArea.objects.create(household=resident.household, area=Decimal("89.50"))
