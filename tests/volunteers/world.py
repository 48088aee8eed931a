"""Volunteer service in the shared world: a team of the first community led by a user
who holds no post (so the tree alone decides what the personas see), the verified
resident registered as a volunteer and a member, an activity with a past shift whose
hours are confirmed (a deposit in the time bank), a pending entry with a correction, a
record note and a record certificate."""

import datetime

from volunteers import services
from volunteers.models import HourEntry, Membership, RecordNote, SignUp

from .helpers import leader_user, make_activity, make_shift, make_team


def extend_world(world) -> None:
    leader = leader_user()
    team = make_team(world.communities[0], leader=leader)
    resident = world.users["resident"]
    volunteer = services.register_volunteer(user=resident, consent=True)
    Membership.objects.create(team=team, volunteer=volunteer, user=resident, state="active")
    activity = make_activity(team, time_bank=True)
    past = make_shift(activity, starts_in=-datetime.timedelta(days=3))
    done = SignUp.objects.create(shift=past, volunteer=volunteer, user=resident, state="attended")
    services._record_hours(  # noqa: SLF001  (the world's confirmed history)
        signup=done, hours=3, state=HourEntry.State.CONFIRMED, source="checkin", by=leader
    )
    other = make_shift(activity, starts_in=-datetime.timedelta(days=2), hours=2)
    later = SignUp.objects.create(shift=other, volunteer=volunteer, user=resident, state="booked")
    pending = services._record_hours(  # noqa: SLF001
        signup=later, hours=2, state=HourEntry.State.PENDING, source="entered", by=resident
    )
    services.ask_correction(user=resident, entry=pending, hours=1.5, reason="提前离开")
    make_shift(activity, capacity=3)
    RecordNote.objects.create(
        kind="training",
        volunteer=volunteer,
        user=resident,
        title="急救培训",
        on=datetime.date(2026, 5, 1),
        recorded_by=leader,
        building=volunteer.building,
    )
    services.request_certificate(user=resident, team=team)
    extend_members(world)
    extend_mobilisation(world)


def extend_members(world) -> None:
    """双报到 in the world: the volunteer resident reported as an in-service member and
    placed in the first grid; an item of the first community's needs list claimed by
    them; a small wish they posted, still open."""
    from volunteers import member_services as members

    resident = world.users["resident"]
    worker = world.users["community_worker"]
    report = members.report_to_community(user=resident, workplace="余姚市供电公司党委")
    members.place_member(by=worker, report=report, grid=world.grids[0])
    need = members.post_need(
        by=worker, community=world.communities[0], title="独居老人每周探访", places=2
    )
    members.claim_need(user=resident, need=need)
    members.post_wish(user=resident, title="想学用智能手机挂号")


def extend_mobilisation(world) -> None:
    """An open household mobilisation on the first community, the first household's
    volunteer nominated (written directly: the world's ages are the factories')."""
    from volunteers import mobilisation_services as mobilising
    from volunteers.models import Nomination

    mobilisation = mobilising.start_mobilisation(
        by=world.users["community_worker"],
        node=world.communities[0],
        title="防台风应急动员",
        reason="台风“梅花”将于明日登陆。",
    )
    Nomination.objects.create(
        mobilisation=mobilisation,
        household=world.households[0],
        resident=world.residents[0],
        nominated_by=world.users["resident"],
    )
