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


def seed_demo_units() -> int:
    """Units on the net of the demo resident's community (共驻共建): the property company
    of their building (the grid's handling unit, linked), a school and a hospital with
    rooms, venues and services, a project, the needs list with one need claimed and
    delivered, an offer claimed by the community, and a resident's room request."""
    from .models import Unit
    from .services import (
        add_resource,
        claim_need,
        claim_offer,
        post_need,
        record_delivery,
        register_unit,
        request_resource,
    )

    resident = (
        Resident.objects.filter(user__username="resident1")
        .select_related("household__building", "user")
        .first()
    )
    if resident is None:
        return 0
    community = resident.household.community
    post = (
        Post.objects.filter(community=community, role=Role.COMMUNITY_SECRETARY, is_active=True)
        .select_related("user")
        .first()
    )
    if post is None or Unit.objects.filter(community=community).exists():
        return 0
    office = post.user
    company = resident.household.building.property_company
    made = 0
    units = []
    if company is not None and not hasattr(company, "community_unit"):
        units.append(
            register_unit(
                by=office,
                community=community,
                name=company.name,
                kind="property_company",
                handling_unit=company,
                contact_phone=company.contact_phone,
                description="小区物业服务企业，参与共驻共建。",
            )
        )
    units.append(
        register_unit(
            by=office,
            community=community,
            name=f"{community.name}实验小学",
            kind="school",
            address="学堂路1号",
            contact_name="王老师",
            contact_phone="13905741234",
        )
    )
    units.append(
        register_unit(
            by=office,
            community=community,
            name=f"{community.name}卫生服务站",
            kind="hospital",
            contact_phone="0574-62001234",
        )
    )
    made += len(units)
    first = units[0]
    room = add_resource(by=office, unit=first, kind="room", name="多功能会议室", capacity=40)
    offer = add_resource(
        by=office, unit=units[-1], kind="service", name="每月一次义诊", is_offered=True
    )
    add_resource(by=office, unit=units[-2], kind="venue", name="操场（周末）", capacity=300)
    from .models import UnitProject

    UnitProject.objects.create(unit=first, title="楼道照明改造", state="running")
    need = post_need(
        by=office,
        community=community,
        title="老年助餐点需要场地",
        description="每天中午11点到13点，约40位老人。",
    )
    post_need(
        by=office, community=community, title="暑期少儿托管", description="两周，约30名孩子。"
    )
    pledge = claim_need(by=office, unit=first, need=need, title="提供助餐场地")
    record_delivery(by=office, commitment=pledge, what="十一月助餐场地", people=40)
    claim_offer(by=office, offer=offer)
    start = timezone.localtime() + datetime.timedelta(days=3)
    start = start.replace(hour=19, minute=0, second=0, microsecond=0)
    if resident.user is not None:
        request_resource(
            by=resident.user,
            resource=room,
            purpose="楼栋议事会",
            starts_at=start,
            ends_at=start + datetime.timedelta(hours=2),
        )
    return made
