"""在职党员双报到: the report and placement, the needs list, small wishes, the yearly
appraisal and the quarterly summary (issue 13)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.notify.models import OutboxMessage
from core.rules.services import set_rule
from core.timeline import Conflict
from grid.scoping import OutOfScope
from volunteers import member_services as members
from volunteers import services
from volunteers.models import (
    HourEntry,
    MemberReport,
    Membership,
    Need,
    NeedClaim,
    RecordNote,
    SignUp,
    Wish,
    WishEvent,
)

from .helpers import make_activity, make_shift, resident_user, volunteer_of


def placed_member(world, username, *, household=0, grid=0, by="community_worker"):
    """A resident of ``household`` registered, reported and placed in ``grid`` by ``by``."""
    user = resident_user(world.households[household], username)
    volunteer_of(user)
    report = members.report_to_community(user=user, workplace="余姚市税务局党委")
    members.place_member(by=world.user(by), report=report, grid=world.grids[grid])
    return user


@pytest.fixture
def member(world):
    return placed_member(world, "member1")


@pytest.fixture
def need(world):
    return Need.objects.get(title="独居老人每周探访")


@pytest.fixture
def wish(world):
    return Wish.objects.get(title="想学用智能手机挂号")


def test_a_volunteer_reports_once_and_the_community_places_them(world, team):
    user = resident_user(world.households[0], "newcomer")
    with pytest.raises(ValidationError, match="志愿者"):
        members.report_to_community(user=user, workplace="某单位党支部")
    volunteer = volunteer_of(user)
    with pytest.raises(ValidationError) as refused:
        members.report_to_community(user=user, workplace="  ")
    assert "workplace" in refused.value.message_dict
    report = members.report_to_community(user=user, workplace="余姚市人民医院党委")
    volunteer.refresh_from_db()
    assert volunteer.in_service_member and volunteer.workplace == "余姚市人民医院党委"
    assert report.community_id == world.communities[0].pk
    assert report.state == MemberReport.State.REPORTED
    with pytest.raises(Conflict):
        members.report_to_community(user=user, workplace="余姚市人民医院党委")

    with pytest.raises(OutOfScope):
        members.place_member(
            by=world.user("other_street_admin"), report=report, grid=world.grids[0]
        )
    with pytest.raises(ValidationError) as refused:
        members.place_member(by=world.user("community_worker"), report=report, grid=world.grids[2])
    assert "grid" in refused.value.message_dict
    placed = members.place_member(
        by=world.user("community_worker"), report=report, grid=world.grids[1], team=team
    )
    assert placed.state == MemberReport.State.PLACED and placed.placed_grid == world.grids[1]
    assert Membership.objects.get(team=team, volunteer=volunteer).state == "active"
    notice = OutboxMessage.objects.filter(recipient=user, payload__kind="volunteers.member_placed")
    assert notice.exists()


def test_the_needs_list_never_gives_more_places_than_it_has(world, member, need):
    worker = world.user("community_worker")
    with pytest.raises(OutOfScope):
        members.post_need(by=world.user("resident"), community=world.communities[0], title="x")
    with pytest.raises(ValidationError) as refused:
        members.post_need(by=worker, community=world.communities[0], title="x", places=51)
    assert "places" in refused.value.message_dict
    # The world's resident holds one of the two places; the member takes the last.
    claim = members.claim_need(user=member, need=need)
    need.refresh_from_db()
    assert need.claimed == 2 and need.places_left == 0
    with pytest.raises(Conflict):
        members.claim_need(user=member, need=need)
    late = placed_member(world, "member2")
    with pytest.raises(Conflict, match="已"):
        members.claim_need(user=late, need=need)
    members.withdraw_need_claim(user=member, claim=claim)
    need.refresh_from_db()
    assert need.claimed == 1
    again = members.claim_need(user=late, need=need)
    with pytest.raises(OutOfScope):
        members.finish_need_claim(user=member, claim=again, note="x")
    done = members.finish_need_claim(user=late, claim=again, note="陪老人聊天一小时")
    assert done.state == NeedClaim.State.DONE
    with pytest.raises(OutOfScope):
        members.confirm_need_claim(by=late, claim=done)
    confirmed = members.confirm_need_claim(by=worker, claim=done)
    assert confirmed.state == NeedClaim.State.CONFIRMED and confirmed.confirmed_by == worker
    with pytest.raises(Conflict):
        members.withdraw_need_claim(user=late, claim=confirmed)
    members.close_need(by=worker, need=need)
    with pytest.raises(Conflict):
        members.claim_need(user=member, need=Need.objects.get(pk=need.pk))


def test_only_placed_members_of_the_community_claim(world, need):
    unplaced = resident_user(world.households[0], "unplaced")
    volunteer_of(unplaced)
    members.report_to_community(user=unplaced, workplace="某单位党支部")
    with pytest.raises(ValidationError, match="安排"):
        members.claim_need(user=unplaced, need=need)
    elsewhere = placed_member(world, "elsewhere", household=4, grid=2, by="street_admin")
    members_of_other = MemberReport.objects.get(user=elsewhere)
    assert members_of_other.community_id == world.communities[1].pk
    with pytest.raises(ValidationError, match="报到社区"):
        members.claim_need(user=elsewhere, need=need)


def test_a_small_wish_from_post_to_the_residents_confirmation(world, member, wish):
    resident = world.user("resident")
    with pytest.raises(ValidationError, match="自己"):
        members.claim_wish(user=resident, wish=wish)
    with pytest.raises(ValidationError, match="安排"):
        members.claim_wish(user=world.user("community_worker"), wish=wish)
    claimed = members.claim_wish(user=member, wish=wish)
    assert claimed.state == Wish.State.CLAIMED and claimed.claimer == member
    with pytest.raises(Conflict):
        members.claim_wish(user=placed_member(world, "member2"), wish=wish)
    with pytest.raises(OutOfScope):
        members.fulfil_wish(user=resident, wish=wish, note="x")
    released = members.release_wish(user=member, wish=wish, reason="这周出差")
    assert released.state == Wish.State.OPEN and released.claimed_by is None
    members.claim_wish(user=member, wish=wish)
    with pytest.raises(ValidationError):
        members.fulfil_wish(user=member, wish=wish, note="")
    fulfilled = members.fulfil_wish(user=member, wish=wish, note="上门教了两次")
    assert fulfilled.state == Wish.State.FULFILLED
    with pytest.raises(OutOfScope):
        members.confirm_wish(user=member, wish=wish)
    confirmed = members.confirm_wish(user=resident, wish=wish)
    assert confirmed.state == Wish.State.CONFIRMED
    actions = list(WishEvent.objects.filter(wish=wish).values_list("action", flat=True))
    assert actions == ["post", "claim", "release", "claim", "fulfil", "confirm"]
    told = OutboxMessage.objects.filter(recipient=resident, payload__kind="volunteers.wish")
    assert told.count() >= 2
    with pytest.raises(Conflict):
        members.withdraw_wish(user=resident, wish=wish)


def test_a_resident_holds_a_few_wishes_open_and_withdraws_one(world, wish):
    resident = world.user("resident")
    set_rule(
        key="volunteers.wishes_open_per_resident",
        value="2",
        scope="community",
        scope_id=world.communities[0].pk,
        in_force_from=timezone.localdate(),
    )
    members.post_wish(user=resident, title="楼道灯坏了想换个声控的")
    with pytest.raises(ValidationError, match="2"):
        members.post_wish(user=resident, title="第三个心愿")
    with pytest.raises(OutOfScope):
        members.withdraw_wish(user=world.user("outsider"), wish=wish)
    members.withdraw_wish(user=resident, wish=wish)
    members.post_wish(user=resident, title="第三个心愿")
    with pytest.raises(ValidationError, match="认证"):
        members.post_wish(user=world.user("outsider"), title="x")
    with pytest.raises(ValidationError) as refused:
        members.post_wish(user=resident, title="长" * 61)
    assert "title" in refused.value.message_dict


def test_the_yearly_appraisal_is_kept_once_a_year(world):
    report = MemberReport.objects.get(user=world.users["resident"])
    worker = world.user("community_worker")
    year = timezone.localdate().year
    with pytest.raises(OutOfScope):
        members.appraise_member(
            by=world.user("other_street_admin"), report=report, year=year, grade="good"
        )
    with pytest.raises(ValidationError):
        members.appraise_member(by=worker, report=report, year=year, grade="best")
    note = members.appraise_member(
        by=worker, report=report, year=year, grade="excellent", comment="热心"
    )
    assert note.kind == RecordNote.Kind.APPRAISAL and note.volunteer == report.volunteer
    assert str(year) in note.title and "热心" in note.title
    assert members.appraised(report, year)
    with pytest.raises(Conflict):
        members.appraise_member(by=worker, report=report, year=year, grade="good")
    with pytest.raises(ValidationError):
        members.appraise_member(by=worker, report=report, year=year + 1, grade="good")


def test_the_quarterly_summary_counts_the_quarter_only(world, member, need, wish, team):
    worker = world.user("community_worker")
    volunteer = volunteer_of(member)
    activity = make_activity(team)
    shift = make_shift(activity, starts_in=-datetime.timedelta(days=1), hours=2)
    signup = SignUp.objects.create(shift=shift, volunteer=volunteer, user=member, state="attended")
    services._record_hours(  # noqa: SLF001  (confirmed hours for the summary)
        signup=signup, hours=2, state=HourEntry.State.CONFIRMED, source="checkin", by=worker
    )
    claim = members.claim_need(user=member, need=need)
    members.confirm_need_claim(
        by=worker, claim=members.finish_need_claim(user=member, claim=claim, note="探访")
    )
    members.fulfil_wish(user=member, wish=members.claim_wish(user=member, wish=wish), note="教会了")
    today = timezone.localdate()
    served = shift.starts_at.astimezone(timezone.get_current_timezone()).date()
    quarter = (served.month - 1) // 3 + 1
    reports = MemberReport.objects.filter(community=world.communities[0])
    rows = members.quarterly_summary(reports, year=served.year, quarter=quarter)
    mine = next(r for r in rows if r["name"] == volunteer.name)
    assert mine["workplace"] == "余姚市税务局党委" and mine["grid"] == world.grids[0].name
    assert mine["hours"] == Decimal("2")
    if served.year == today.year and (today.month - 1) // 3 + 1 == quarter:
        assert mine["needs"] == 1 and mine["wishes"] == 1
    other = 1 if quarter != 1 else 2
    rows = members.quarterly_summary(reports, year=served.year, quarter=other)
    assert next(r for r in rows if r["name"] == volunteer.name)["hours"] == 0
    with pytest.raises(ValidationError):
        members.quarterly_summary(reports, year=served.year, quarter=5)
