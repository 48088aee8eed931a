"""Community life in the shared world: an evening slot of the first community booked by
the verified resident, and a Saturday slot of the third community."""

from community.models import (
    Appointment,
    AppointmentSlot,
    BoardPost,
    Notice,
    NoticeRead,
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
