"""The consultation from a topic to its archive, through the services, and the refusals
of bad input (translated, nothing changed)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.checkin import current_code
from core.timeline import Conflict
from grid.models import Category, Resident
from grid.scoping import OutOfScope
from negotiation import services
from negotiation.models import (
    Attendance,
    Ballot,
    Meeting,
    Proxy,
    Resolution,
    Support,
    Topic,
    TopicEvent,
    Vote,
)

from .helpers import soon, supervisor, verified_households

pytestmark = pytest.mark.django_db


def propose(world, **kwargs):
    values = {
        "user": world.user("resident"),
        "node": world.buildings[0],
        "title": "修电梯",
        "description": "一号楼电梯常坏。",
        "stakeholders": ["residents", "property"],
    }
    values.update(kwargs)
    return services.propose_topic(**values)


def accepted(world):
    topic = propose(world)
    return services.review_topic(
        by=world.user("community_secretary"), topic=topic, decision="accept", reason="属实"
    )


def test_a_resident_proposes_and_the_review_is_due_in_working_days(world):
    topic = propose(world)
    assert topic.state == Topic.State.SUBMITTED
    assert topic.building_id == world.buildings[0].pk
    assert topic.community_id == world.communities[0].pk
    assert topic.review_due > timezone.now() + datetime.timedelta(days=4)
    assert TopicEvent.objects.filter(topic=topic, action="propose").exists()


def test_an_outsider_and_a_neighbouring_buildings_resident_cannot_propose(world):
    with pytest.raises(ValidationError):
        propose(world, user=world.user("outsider"))
    with pytest.raises(ValidationError):
        propose(world, node=world.buildings[1])
    assert not Topic.objects.exists()


def test_a_grid_member_proposes_on_the_grid(world):
    topic = propose(world, user=world.user("grid_member"), node=world.grids[0])
    assert topic.grid_id == world.grids[0].pk


def test_review_reasons_are_told_and_required(world):
    topic = propose(world)
    with pytest.raises(ValidationError):
        services.review_topic(
            by=world.user("community_secretary"), topic=topic, decision="reject", reason=" "
        )
    with pytest.raises(OutOfScope):
        services.review_topic(
            by=world.user("other_street_admin"), topic=topic, decision="reject", reason="否"
        )
    services.review_topic(
        by=world.user("community_secretary"), topic=topic, decision="reject", reason="不属协商"
    )
    topic.refresh_from_db()
    assert topic.state == Topic.State.REJECTED and topic.reason == "不属协商"
    with pytest.raises(Conflict):
        services.review_topic(
            by=world.user("community_secretary"), topic=topic, decision="accept", reason="再议"
        )


def test_merge_and_refer(world):
    first = accepted(world)
    second = propose(world, title="电梯")
    services.review_topic(
        by=world.user("community_worker"),
        topic=second,
        decision="merge",
        reason="同一事",
        into=first,
    )
    second.refresh_from_db()
    assert second.state == Topic.State.MERGED and second.merged_into == first
    third = propose(world, title="垃圾")
    category = Category.objects.get(code="environment-rubbish")
    services.review_topic(
        by=world.user("community_worker"),
        topic=third,
        decision="refer",
        reason="走诉求",
        category=category,
    )
    third.refresh_from_db()
    assert third.state == Topic.State.REFERRED and third.request is not None


def test_twelve_households_support_and_the_topic_is_scheduled(world):
    topic = accepted(world)
    users = verified_households(world.buildings[0], 12)
    for user in users[:9]:
        services.support_topic(user=user, topic=topic)
    topic.refresh_from_db()
    assert topic.state == Topic.State.GATHERING and topic.supports == 9
    services.support_topic(user=users[9], topic=topic)
    topic.refresh_from_db()
    assert topic.state == Topic.State.SCHEDULED and topic.supports == 10


def test_one_support_per_household_and_none_on_a_closed_topic(world):
    topic = accepted(world)
    services.support_topic(user=world.user("resident"), topic=topic)
    spouse = (
        Resident.objects.filter(household=world.households[0])
        .exclude(user=world.users["resident"])
        .first()
    )
    from ..factories import UserFactory

    other = UserFactory(username="spouse")
    Resident.objects.filter(pk=spouse.pk).update(user=other)
    with pytest.raises(Conflict):
        services.support_topic(user=other, topic=topic)
    assert Support.objects.filter(topic=topic).count() == 1
    with pytest.raises(ValidationError):
        services.support_topic(user=world.user("outsider"), topic=topic)
    rejected = propose(world, title="别的")
    with pytest.raises(Conflict):
        services.support_topic(user=world.user("resident"), topic=rejected)


def test_the_sweep_tells_the_office_of_an_overdue_review(world):
    topic = propose(world)
    Topic.objects.filter(pk=topic.pk).update(review_due=timezone.now() - datetime.timedelta(1))
    assert services.remind_reviews() == 1
    assert services.remind_reviews() == 0


# --- meetings, proxies, votes --------------------------------------------------------


def hybrid_meeting(world, topic=None):
    topic = topic or accepted(world)
    return services.convene_meeting(
        by=world.user("community_secretary"),
        topic=topic,
        title="电梯协商会",
        starts_at=soon(days=1),
        place="党群服务中心",
        online_link="https://meet.example/1",
        groups=["residents", "property", "owners"],
        agenda=["方案", "费用分摊"],
    )


def test_a_hybrid_meeting_counts_room_online_and_proxies_once_each(world):
    users = verified_households(world.buildings[0], 14)
    meeting = hybrid_meeting(world)
    assert meeting.items.count() == 2
    assert meeting.invited == 15
    services.give_proxy(user=users[12], holder=users[0], meeting=meeting)
    services.give_proxy(user=users[13], holder=users[1], meeting=meeting)
    services.open_meeting(by=world.user("community_secretary"), meeting=meeting)
    for user in users[:3]:
        services.sign_in(by=user, meeting=meeting, channel="online")
    with pytest.raises(ValidationError):
        services.sign_in(by=users[3], meeting=meeting, channel="qr", code="000000")
    code = current_code(services.CHECKIN, meeting.pk)
    for user in users[3:11]:
        services.sign_in(by=user, meeting=meeting, channel="qr", code=code)
    services.sign_in(
        by=world.user("community_worker"), meeting=meeting, attendee=users[11], channel="clerk"
    )
    with pytest.raises(Conflict):
        services.sign_in(by=users[0], meeting=meeting, channel="qr", code=code)
    quorum = services.meeting_quorum(meeting)
    assert (quorum["online"], quorum["room"], quorum["proxies"]) == (3, 9, 2)
    assert quorum["met"] and quorum["counted"] == 14


def test_proxy_limits_and_revocation(world):
    meeting = hybrid_meeting(world)
    users = verified_households(world.buildings[0], 5)
    services.give_proxy(user=users[1], holder=users[0], meeting=meeting)
    services.give_proxy(user=users[2], holder=users[0], meeting=meeting)
    with pytest.raises(ValidationError):
        services.give_proxy(user=users[3], holder=users[0], meeting=meeting)
    with pytest.raises(ValidationError):
        services.give_proxy(user=users[3], holder=users[3], meeting=meeting)
    with pytest.raises(ValidationError):
        services.give_proxy(user=users[3], holder=world.user("outsider"), meeting=meeting)
    proxy = Proxy.objects.get(giver=users[1])
    services.revoke_proxy(user=users[1], proxy=proxy)
    services.give_proxy(user=users[3], holder=users[0], meeting=meeting)
    assert Proxy.objects.filter(holder=users[0], active=True).count() == 2


def area_vote(world, meeting=None, **kwargs):
    values = {
        "by": world.user("community_secretary"),
        "question": "是否同意加装电梯？",
        "basis": Vote.Basis.AREA,
        "opens_at": timezone.now() - datetime.timedelta(minutes=1),
        "closes_at": soon(days=7),
        "node": world.buildings[0] if meeting is None else None,
        "meeting": meeting,
    }
    values.update(kwargs)
    return services.create_vote(**values)


def test_an_area_weighted_household_vote_passes_by_the_rules_in_words(world):
    users = verified_households(world.buildings[0], 12, area=90)
    vote = area_vote(world)
    services.open_vote(by=world.user("community_secretary"), vote=vote)
    vote.refresh_from_db()
    assert vote.electorate == 12
    agree, disagree, _abstain = vote.options.all()
    for user in users[:8]:
        services.cast_ballot(user=user, vote=vote, option=agree)
    services.cast_ballot(user=users[8], vote=vote, option=disagree)
    with pytest.raises(Conflict):
        services.cast_ballot(user=users[0], vote=vote, option=disagree)
    services.close_vote(by=world.user("community_secretary"), vote=vote)
    services.tally_vote(by=world.user("community_secretary"), vote=vote)
    vote.refresh_from_db()
    result = vote.result
    assert result["voters"] == 9 and result["area"] == "810.00"
    assert result["quorum_met"] and result["passed"]
    assert "2/3" in result["rule"] and "1/2" in result["rule"]
    with pytest.raises(OutOfScope):
        services.sign_off_vote(by=world.user("community_secretary"), vote=vote)
    services.sign_off_vote(by=supervisor(world), vote=vote)
    vote.refresh_from_db()
    assert vote.state == Vote.State.PUBLISHED
    published = services.published_ballots(vote)
    assert len(published) == 9 and "option" not in published[0]


def test_quorum_not_met_fails(world):
    users = verified_households(world.buildings[0], 6)
    vote = area_vote(world, basis=Vote.Basis.HOUSEHOLD)
    services.open_vote(by=world.user("community_secretary"), vote=vote)
    services.cast_ballot(user=users[0], vote=vote, option=vote.options.first())
    services.close_vote(by=world.user("community_secretary"), vote=vote)
    services.tally_vote(by=world.user("community_secretary"), vote=vote)
    vote.refresh_from_db()
    assert not vote.result["quorum_met"] and not vote.result["passed"]


def test_a_household_voting_by_phone_and_on_paper_is_refused_the_second_time(world):
    users = verified_households(world.buildings[0], 3)
    vote = area_vote(world, basis=Vote.Basis.HOUSEHOLD)
    keeper, clerk = world.user("community_secretary"), world.user("community_worker")
    services.open_vote(by=keeper, vote=vote)
    agree, disagree, _ = vote.options.all()
    services.cast_ballot(user=users[0], vote=vote, option=agree)
    household = Resident.objects.get(user=users[0]).household
    other = Resident.objects.get(user=users[1]).household
    for person in (keeper, clerk):
        services.enter_paper(by=person, vote=vote, household=household, option=disagree)
    services.enter_paper(by=keeper, vote=vote, household=other, option=agree)
    services.enter_paper(by=clerk, vote=vote, household=other, option=disagree)
    outcome = services.reconcile_paper(by=keeper, vote=vote)
    assert outcome == {"ballots": 0, "refused_duplicates": 1, "open": 1}
    services.close_vote(by=keeper, vote=vote)
    with pytest.raises(Conflict):
        services.tally_vote(by=keeper, vote=vote)
    assert services.settle_paper(by=keeper, vote=vote, household=other, option=agree)
    services.tally_vote(by=keeper, vote=vote)
    assert Ballot.objects.filter(vote=vote).count() == 2
    assert Ballot.objects.get(vote=vote, household=household).channel == "online"


def test_votes_outside_the_period_or_node_are_refused(world):
    users = verified_households(world.buildings[0], 2)
    vote = area_vote(world, basis=Vote.Basis.HOUSEHOLD)
    with pytest.raises(Conflict):
        services.cast_ballot(user=users[0], vote=vote, option=vote.options.first())
    services.open_vote(by=world.user("community_secretary"), vote=vote)
    neighbour = verified_households(world.buildings[1], 1, prefix="n")[0]
    with pytest.raises(ValidationError):
        services.cast_ballot(user=neighbour, vote=vote, option=vote.options.first())
    past = timezone.now() - datetime.timedelta(1)
    Vote.objects.filter(pk=vote.pk).update(opens_at=past - datetime.timedelta(1), closes_at=past)
    with pytest.raises(Conflict):
        services.cast_ballot(user=users[0], vote=vote, option=vote.options.first())
    assert not Ballot.objects.exists()


def test_a_proxy_holder_votes_for_the_giver_once(world):
    users = verified_households(world.buildings[0], 3)
    vote = area_vote(world, basis=Vote.Basis.HOUSEHOLD)
    services.give_proxy(user=users[1], holder=users[0], vote=vote)
    services.open_vote(by=world.user("community_secretary"), vote=vote)
    option = vote.options.first()
    ballot = services.cast_ballot(user=users[0], vote=vote, option=option, giver=users[1])
    assert ballot.channel == Ballot.Channel.PROXY
    with pytest.raises(Conflict):
        services.cast_ballot(user=users[1], vote=vote, option=option)
    with pytest.raises(ValidationError):
        services.cast_ballot(user=users[2], vote=vote, option=option, giver=users[0])
    proxy = Proxy.objects.get(giver=users[1])
    with pytest.raises(Conflict):
        services.revoke_proxy(user=users[1], proxy=proxy)


def test_presets_are_editable_and_checked(world):
    vote = area_vote(world, preset="major")
    assert (vote.pass_num, vote.pass_den, vote.pass_strict) == (3, 4, False)
    with pytest.raises(ValidationError):
        area_vote(world, rules={"quorum_num": 5, "quorum_den": 3})
    with pytest.raises(ValidationError):
        area_vote(world, rules={"bogus": 1})


def test_minutes_are_countersigned_before_publication(world):
    meeting = hybrid_meeting(world)
    item = meeting.items.first()
    keeper = world.user("community_secretary")
    services.record_minutes(
        by=keeper,
        item=item,
        positions={"residents": "同意", "property": "愿配合"},
        resolution="加装",
        tally="同意 10 户",
    )
    with pytest.raises(Conflict):
        services.countersign_minutes(by=supervisor(world), meeting=meeting)
    services.close_meeting(by=keeper, meeting=meeting)
    meeting = services.countersign_minutes(by=supervisor(world, "sup2"), meeting=meeting)
    assert meeting.state == Meeting.State.PUBLISHED
    with pytest.raises(Conflict):
        services.record_minutes(by=keeper, item=item, positions={"residents": "改"})


# --- resolutions -----------------------------------------------------------------------


def passed_vote(world, count=6):
    users = verified_households(world.buildings[0], count)
    topic = accepted(world)
    vote = area_vote(world, basis=Vote.Basis.HOUSEHOLD, topic=topic, node=None)
    keeper = world.user("community_secretary")
    services.open_vote(by=keeper, vote=vote)
    for user in users:
        services.cast_ballot(user=user, vote=vote, option=vote.options.first())
    services.close_vote(by=keeper, vote=vote)
    services.tally_vote(by=keeper, vote=vote)
    services.sign_off_vote(by=supervisor(world), vote=vote)
    vote.refresh_from_db()
    return vote, users


def test_a_resolution_runs_notice_implementation_and_acceptance(world):
    vote, users = passed_vote(world)
    keeper = world.user("community_secretary")
    assert vote.topic.state == Topic.State.DECIDED if vote.topic else True
    resolution = services.publish_resolution(
        by=keeper, vote=vote, title="加装电梯", text="同意加装。", budget_reference="fund:12"
    )
    assert resolution.notice_ends - timezone.now() > datetime.timedelta(days=6)
    objection = services.object_to(user=users[0], resolution=resolution, text="噪音")
    from grid.models import Post

    post = Post.objects.get(user=world.users["community_worker"])
    task = services.add_task(
        by=keeper, resolution=resolution, title="安装", due=timezone.localdate(), owner_post=post
    )
    with pytest.raises(Conflict):
        services.report_progress(by=keeper, task=task, progress=50, note="进场")
    Resolution.objects.filter(pk=resolution.pk).update(notice_ends=timezone.now())
    with pytest.raises(Conflict):
        services.object_to(user=users[1], resolution=resolution, text="晚了")
    with pytest.raises(Conflict):
        services.report_progress(by=keeper, task=task, progress=50, note="进场")
    services.answer_objection(by=keeper, objection=objection, text="夜间不施工")
    services.report_progress(by=world.user("community_worker"), task=task, progress=50, note="进场")
    with pytest.raises(ValidationError):
        services.report_progress(by=keeper, task=task, progress=40, note="倒退")
    services.report_progress(by=keeper, task=task, progress=100, note="完工")
    resolution.refresh_from_db()
    assert resolution.state == Resolution.State.ACCEPTANCE
    assert services.progress_of(resolution) == 100
    for user in users[:4]:
        services.rate_result(user=user, resolution=resolution, satisfied=True)
    with pytest.raises(Conflict):
        services.rate_result(user=users[0], resolution=resolution, satisfied=True)
    services.rate_result(user=users[4], resolution=resolution, satisfied=False)
    resolution.refresh_from_db()
    assert resolution.state == Resolution.State.ARCHIVED
    trail = services.trail(resolution)
    assert trail["acceptance"]["accepted"] and trail["tasks"][0].milestones.count() == 2


def test_a_failed_vote_makes_no_resolution(world):
    users = verified_households(world.buildings[0], 6)
    vote = area_vote(world, basis=Vote.Basis.HOUSEHOLD)
    keeper = world.user("community_secretary")
    services.open_vote(by=keeper, vote=vote)
    for user in users:
        services.cast_ballot(user=user, vote=vote, option=vote.options.last())
    services.close_vote(by=keeper, vote=vote)
    services.tally_vote(by=keeper, vote=vote)
    services.sign_off_vote(by=supervisor(world), vote=vote)
    with pytest.raises(Conflict):
        services.publish_resolution(by=keeper, vote=vote, title="x", text="y")


def test_attendance_is_unique(world):
    meeting = hybrid_meeting(world)
    services.sign_in(by=world.user("resident"), meeting=meeting, channel="online")
    assert Attendance.objects.count() == 1
