"""Community life in the shared world: an evening slot of the first community booked by
the verified resident, and a Saturday slot of the third community."""

from community.models import (
    Appointment,
    AppointmentSlot,
    BoardPost,
    Emergency,
    GroupMember,
    GroupPost,
    InterestGroup,
    Notice,
    NoticeRead,
    RollCallAnswer,
    Service,
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
