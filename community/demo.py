"""Demo appointments: the first community's office opens weekday-evening slots for
certificates and Saturday-morning consultations over the next two weeks."""

import datetime
import math

from django.utils import timezone

from grid.models import Post, Resident
from grid.permissions import Role

from .models import AppointmentSlot, Service
from .services import open_slots


def seed_demo_appointments() -> int:
    resident = (
        Resident.objects.filter(user__username="resident1").select_related("household").first()
    )
    if resident is None:
        return 0
    community = resident.household.community
    post = (
        Post.objects.filter(community=community, role=Role.COMMUNITY_SECRETARY, is_active=True)
        .select_related("user")
        .first()
    )
    if post is None or AppointmentSlot.objects.filter(community=community).exists():
        return 0
    place = community.office_address or community.name
    made = 0
    today = timezone.localdate()
    for offset in range(1, 15):
        day = today + datetime.timedelta(days=offset)
        if day.weekday() < 5:
            made += len(
                open_slots(
                    by=post.user,
                    community=community,
                    service=Service.CERTIFICATE,
                    day=day,
                    start=datetime.time(18, 0),
                    end=datetime.time(20, 0),
                    minutes=30,
                    capacity=2,
                    place=place,
                )
            )
        elif day.weekday() == 5:
            made += len(
                open_slots(
                    by=post.user,
                    community=community,
                    service=Service.CONSULTATION,
                    day=day,
                    start=datetime.time(9, 0),
                    end=datetime.time(12, 0),
                    minutes=30,
                    capacity=3,
                    place=place,
                )
            )
    return made


def seed_demo_emergency() -> int:
    """A typhoon emergency for the grid of the demo resident: the community secretary
    opens it, and within the simulated hour after it 80 % of the grid's households have
    answered the roll call (most through their grid member, a few needing help); the
    rest are on the building leaders' lists."""
    from .models import Emergency, RollCallAnswer
    from .services import answer_roll_call, households_of, open_emergency

    resident = (
        Resident.objects.filter(user__username="resident1").select_related("household").first()
    )
    if resident is None or Emergency.objects.exists():
        return 0
    grid = resident.household.grid
    secretary = (
        Post.objects.filter(community=grid.community, role=Role.COMMUNITY_SECRETARY, is_active=True)
        .select_related("user")
        .first()
    )
    member = (
        Post.objects.filter(grid=grid, role=Role.GRID_MEMBER, is_active=True)
        .select_related("user")
        .first()
    )
    if secretary is None or member is None:
        return 0
    emergency = open_emergency(
        by=secretary.user,
        node=grid,
        kind="typhoon",
        title="台风“海葵”防御（演示）",
        message="台风预计今晚登陆。请关好门窗、收好阳台物品，低洼处住户请到党群服务中心避险。",
    )
    households = list(
        households_of(emergency).exclude(pk=resident.household_id).order_by("building_id", "id")
    )
    # 80 % of all the grid's households (the demo resident's own is left to answer).
    answering = households[: math.ceil((len(households) + 1) * 0.8)]
    opened = emergency.opened_at
    for index, household in enumerate(answering):
        needs_help = index % 5 == 2
        answer = answer_roll_call(
            by=member.user,
            emergency=emergency,
            household=household,
            status="help" if needs_help else "safe",
            note="家中老人行动不便，需要协助转移" if needs_help else "",
        )
        minutes = 2 + (index * 55) // max(1, len(answering))
        RollCallAnswer.objects.filter(pk=answer.pk).update(
            answered_at=opened + datetime.timedelta(minutes=minutes)
        )
    return 1 + len(answering)
