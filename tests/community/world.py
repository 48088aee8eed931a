"""Community life in the shared world: an evening slot of the first community booked by
the verified resident, and a Saturday slot of the third community."""

import datetime

from community.models import (
    Appointment,
    AppointmentSlot,
    BoardPost,
    Commitment,
    CommunityNeed,
    Delivery,
    Emergency,
    GroupMember,
    GroupPost,
    InterestGroup,
    Notice,
    NoticeRead,
    ResourceRequest,
    RollCallAnswer,
    Service,
    Unit,
    UnitProject,
    UnitResource,
)
from grid.models import Resident

from .helpers import make_slot, next_weekday


def extend_world(world) -> None:
    first = make_slot(world.communities[0], hour=17, capacity=2, service=Service.OTHER)
    make_slot(world.communities[2], day=next_weekday(5), hour=10, service=Service.OTHER)
    resident = Resident.objects.get(user=world.users["resident"])
    Appointment.objects.create(slot=first, user=world.users["resident"], resident=resident)
    AppointmentSlot.objects.filter(pk=first.pk).update(booked=1)
    # A notice of the first grid, read by its grid member.
    notice = Notice.objects.create(
        grid=world.grids[0],
        title="网格议事会通知",
        body="周五晚七点。",
        published_by=world.users["community_worker"],
    )
    NoticeRead.objects.create(notice=notice, user=world.users["grid_member"])
    # A message on the first community's board.
    BoardPost.objects.create(
        community=world.communities[0],
        author=world.users["resident"],
        author_name="居*",
        text="小区东门路灯不亮了。",
    )
    # A flood emergency of the first grid, answered "safe" by the first household.
    flood = Emergency.objects.create(
        grid=world.grids[0],
        kind="flood",
        title="一网格内涝",
        message="低洼处住户请转移。",
        opened_by=world.users["community_worker"],
    )
    RollCallAnswer.objects.create(
        emergency=flood,
        household=world.households[0],
        status="safe",
        answered_by=world.users["resident"],
    )
    # An interest group of the first community, led by the verified resident.
    chess = InterestGroup.objects.create(
        community=world.communities[0],
        name="象棋角",
        description="每天下午楼下下棋。",
        leader=world.users["resident"],
        leader_name="居*",
        member_count=1,
    )
    GroupMember.objects.create(group=chess, user=world.users["resident"], shown_as="居*")
    GroupPost.objects.create(
        group=chess, author=world.users["resident"], author_name="居*", text="今天三点开局。"
    )
    # Units on the net of the first community: its property company (the grid's
    # handling unit, whose staff is unit_staff) with a meeting room and an offered
    # service, a project, a need it claimed with a delivery, and a resident's request.
    company = Unit.objects.create(
        community=world.communities[0],
        name="阳光物业",
        kind="property_company",
        handling_unit=world.units[0],
        contact_phone="13800001234",
    )
    room = UnitResource.objects.create(unit=company, kind="room", name="二楼会议室", capacity=30)
    UnitResource.objects.create(unit=company, kind="service", name="免费维修水电", is_offered=True)
    UnitProject.objects.create(unit=company, title="楼道照明改造", state="running")
    need = CommunityNeed.objects.create(
        community=world.communities[0],
        title="老人助餐点需要场地",
        description="每天中午两小时。",
        posted_by=world.users["community_worker"],
        state="claimed",
    )
    pledge = Commitment.objects.create(
        unit=company,
        side="unit",
        need=need,
        title="提供助餐场地",
        signed_by=world.users["unit_staff"],
    )
    Delivery.objects.create(
        commitment=pledge,
        what="十月助餐场地",
        delivered_on=datetime.date(2026, 10, 31),
        people=40,
        recorded_by=world.users["unit_staff"],
    )
    ResourceRequest.objects.create(
        resource=room,
        requested_by=world.users["resident"],
        requester_name="居*",
        purpose="象棋比赛",
    )
    # A school of the third community, for the scope tests.
    Unit.objects.create(community=world.communities[2], name="实验小学", kind="school")
