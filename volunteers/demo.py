"""Demo volunteer service in resident1's community: a volunteer team led by the
community secretary and a dance group; eight volunteers with a year of past activities
and their confirmed hours (one of them past 100 h: one star), elderly-care hours in the
time bank with a withdrawal, pending hours and a correction waiting on the workbench, a
record certificate; upcoming shifts (one full with a waitlist, one starting soon for
the check-in walk-through); two in-service members with the needs list and small wishes;
an open household mobilisation on the first grid, partly answered.
resident1 is left unregistered, to try it all as new."""

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from grid.models import Post, Resident
from grid.permissions import Role

from . import services
from .models import Activity, ActivityTag, HourEntry, Shift, SignUp, Team

TEAM = "阳明蓝马甲志愿服务队"


def _shift(activity, start, hours, capacity):
    return Shift.objects.create(
        activity=activity,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=hours),
        capacity=capacity,
    )


def _activity(team, leader, title, place, tags, **fields):
    activity = Activity.objects.create(
        team=team, title=title, place=place, organiser=leader, **fields
    )
    ActivityTag.objects.bulk_create([ActivityTag(activity=activity, tag=t) for t in tags])
    return activity


def _served(shift, volunteers, by, hours=None):
    for volunteer in volunteers:
        signup = SignUp.objects.create(
            shift=shift,
            volunteer=volunteer,
            user_id=volunteer.user_id,
            state="attended",
            checked_in_at=shift.starts_at,
            checked_out_at=shift.ends_at,
        )
        Shift.objects.filter(pk=shift.pk).update(booked=shift.booked + 1)
        shift.booked += 1
        services._record_hours(  # noqa: SLF001  (history, as if checked in and out)
            signup=signup,
            hours=Decimal(hours or shift.length_hours).quantize(Decimal("0.1")),
            state=HourEntry.State.CONFIRMED,
            source=HourEntry.Source.CHECKIN,
            by=by,
        )


def seed_demo_volunteers() -> int:
    home = Resident.objects.filter(user__username="resident1").select_related("household").first()
    if home is None or Team.objects.filter(name=TEAM).exists():
        return 0
    community = home.household.community
    post = (
        Post.objects.filter(community=community, role=Role.COMMUNITY_SECRETARY, is_active=True)
        .select_related("user")
        .first()
    )
    if post is None:
        return 0
    leader = post.user
    team = services.create_team(
        by=leader,
        node=community,
        name=TEAM,
        description="关爱老人、垃圾分类、平安巡防，社区居民自愿参加。",
        leader=leader,
        party_contact="社区党委",
    )
    services.create_team(
        by=leader,
        node=community,
        name="夕阳红舞蹈队",
        kind=Team.Kind.DANCE,
        description="每周二、四晚在文化广场练习。",
        leader=leader,
    )
    users = get_user_model()
    people = (
        Resident.objects.filter(
            household__community=community,
            state=Resident.State.LIVING,
            user__isnull=True,
            birth_date__lte=datetime.date(2000, 1, 1),
        )
        .exclude(pk=home.pk)
        .order_by("id")[:8]
    )
    volunteers = []
    for n, resident in enumerate(people, start=1):
        user, _created = users.objects.get_or_create(
            username=f"volunteer{n}", defaults={"display_name": resident.name}
        )
        if not user.has_usable_password():
            user.set_unusable_password()
            user.save(update_fields=["password"])
        Resident.objects.filter(pk=resident.pk).update(user=user)
        volunteer = services.register_volunteer(user=user, consent=n % 3 != 0)
        services.apply_to_team(user=user, team=team)
        volunteers.append(volunteer)
    for membership in team.memberships.filter(state="applied")[: max(0, len(volunteers) - 1)]:
        services.decide_membership(by=leader, membership=membership, accept=True)
    made = 2 + len(volunteers)
    if not volunteers:
        return made
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    # A year of monthly activities, and a weekly visit to the elderly for the first.
    for month in range(12, 0, -1):
        start = now - datetime.timedelta(days=30 * month) + datetime.timedelta(hours=1)
        title = "垃圾分类宣传" if month % 2 else "重阳敬老活动"
        tags = ("environment",) if month % 2 else ("elderly",)
        activity = _activity(team, leader, title, "社区文化广场", tags, time_bank="elderly" in tags)
        _served(_shift(activity, start, 3, 10), volunteers[:6], leader)
        made += 8
    visits = _activity(team, leader, "独居老人上门探访", "各楼栋", ("elderly",), time_bank=True)
    for week in range(40, 0, -1):
        start = now - datetime.timedelta(weeks=week, hours=-2)
        _served(_shift(visits, start, 3, 2), volunteers[:1], leader)
        made += 3
    # Pending hours and a correction for the workbench.
    last = _shift(visits, now - datetime.timedelta(days=2), 2.5, 5)
    late = SignUp.objects.create(
        shift=last, volunteer=volunteers[1], user_id=volunteers[1].user_id, state="booked"
    )
    services.enter_hours(by=volunteers[1].user, signup=late, hours="2.5", note="忘记扫码签退")
    entry = HourEntry.objects.filter(volunteer=volunteers[2]).order_by("-served_on").first()
    services.ask_correction(
        user=volunteers[2].user, entry=entry, hours="2.5", reason="提前半小时离开"
    )
    # The time bank: the first volunteer's credits pay for help to a family member.
    family = services.family_of(volunteers[0])
    services.withdraw_credits(
        by=volunteers[0].user,
        volunteer=volunteers[0],
        amount=6,
        beneficiary=family[0] if family else None,
        note="助浴服务",
    )
    services.request_certificate(user=volunteers[0].user, team=team)
    # Shifts ahead: one full with a waitlist, one starting within the hour.
    lunch = _activity(team, leader, "助老午餐配送", "幸福食堂", ("elderly",), time_bank=True)
    full = _shift(lunch, now + datetime.timedelta(days=3, hours=2), 2, 2)
    for volunteer in volunteers[:3]:
        services.sign_up(user=volunteer.user, shift=full, waitlist=True)
    soon = _activity(team, leader, "小区环境整治", "1号楼前", ("environment",))
    _shift(soon, now + datetime.timedelta(minutes=75), 3, 10)
    patrol = _activity(
        team, leader, "防汛应急巡查", "河道沿线", ("emergency", "safety"), dangerous=True
    )
    _shift(patrol, now + datetime.timedelta(days=5), 4, 6)
    _shift(
        _activity(team, leader, "儿童阅读陪伴", "社区图书室", ("children",)),
        now + datetime.timedelta(days=7),
        2,
        8,
    )
    return made + 12 + _seed_members(community, leader, team, volunteers)


def _seed_members(community, leader, team, volunteers) -> int:
    """双报到: two in-service members placed in a grid and the team, the community's
    needs list with a confirmed and a held claim, three small wishes (open, claimed, and
    fulfilled and confirmed), and last year's appraisal of the first member."""
    from . import member_services as members

    if len(volunteers) < 8:
        return 0
    grid = community.grids.order_by("code").first()
    reports = []
    for volunteer, workplace in zip(
        volunteers[3:5], ("余姚市供电公司党委", "余姚市人民医院党委"), strict=True
    ):
        report = members.report_to_community(user=volunteer.user, workplace=workplace)
        reports.append(members.place_member(by=leader, report=report, grid=grid, team=team))
    visits = members.post_need(
        by=leader,
        community=community,
        title="独居老人每周探访",
        description="每周上门看望一次，陪聊天、查看水电煤安全。",
        tag="elderly",
        places=3,
    )
    members.post_need(
        by=leader, community=community, title="小区消防通道清理", tag="safety", places=2
    )
    members.post_need(
        by=leader, community=community, title="暑期少儿托管志愿者", tag="children", places=4
    )
    done = members.claim_need(user=reports[0].user, need=visits)
    members.confirm_need_claim(
        by=leader,
        claim=members.finish_need_claim(
            user=reports[0].user, claim=done, note="探访了 3 户独居老人，检查了燃气阀门。"
        ),
    )
    members.claim_need(user=reports[1].user, need=visits)
    members.post_wish(user=volunteers[5].user, title="想学会用手机挂号", description="子女在外地。")
    wheelchair = members.post_wish(user=volunteers[6].user, title="借一张轮椅去医院复查")
    members.claim_wish(user=reports[1].user, wish=wheelchair)
    glasses = members.post_wish(user=volunteers[7].user, title="想配一副老花镜")
    glasses = members.claim_wish(user=reports[0].user, wish=glasses)
    members.fulfil_wish(user=reports[0].user, wish=glasses, note="陪同去眼镜店验光配镜。")
    members.confirm_wish(user=volunteers[7].user, wish=glasses)
    members.appraise_member(
        by=leader,
        report=reports[0],
        year=timezone.localdate().year - 1,
        grade="excellent",
        comment="每周坚持探访",
    )
    return 2 + 3 + 3 + _seed_mobilisation(community, leader, volunteers)


def _seed_mobilisation(community, leader, volunteers) -> int:
    """An open typhoon mobilisation on the community's first grid, answered by the
    households of the volunteers living there whose ages fit (the rest wait)."""
    from django.core.exceptions import ValidationError

    from . import mobilisation_services as mobilising

    grid = community.grids.order_by("code").first()
    mobilisation = mobilising.start_mobilisation(
        by=leader, node=grid, title="防台风一户一志愿者动员", reason="台风预计明晚登陆。"
    )
    for volunteer in volunteers[:6]:
        resident = volunteer.resident
        if resident is None or resident.household.grid_id != grid.pk:
            continue
        try:
            mobilising.nominate(
                by=leader,
                mobilisation=mobilisation,
                household=resident.household,
                resident=resident,
                healthy=True,
            )
        except ValidationError:
            continue  # too young or too old, or the household answered already
    return 1
