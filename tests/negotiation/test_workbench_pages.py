"""The office's consultation pages: convening a meeting with invitations and an agenda,
a vote with a Civil Code preset, paper ballots by two clerks and their reconciliation,
the minutes editor and the countersignature, the resolution, tasks, answers, the
implementation board and the exports; and the tally in words on the resident's page.
Bad input answers a translated 4xx and changes nothing; outside the scope, 404."""

import datetime
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from core.notify.models import OutboxMessage
from grid.models import Post, Resident
from negotiation import services
from negotiation.models import (
    AgendaItem,
    Ballot,
    Meeting,
    Objection,
    PaperEntry,
    Resolution,
    Task,
    Topic,
    Vote,
)

from .helpers import soon, supervisor, verified_households

pytestmark = pytest.mark.django_db

LOCAL = "%Y-%m-%dT%H:%M"


def scheduled_topic(world):
    topic = services.propose_topic(
        user=world.user("resident"),
        node=world.buildings[0],
        title="修电梯",
        description="电梯常坏",
        stakeholders=["residents", "property"],
    )
    return services.review_topic(
        by=world.user("community_secretary"), topic=topic, decision="accept", reason="属实"
    )


def meeting_of(world, topic):
    return services.convene_meeting(
        by=world.user("community_secretary"),
        topic=topic,
        title="修电梯协商会",
        starts_at=soon(hours=2),
        place="会议室",
        groups=["residents", "property"],
        agenda=["方案", "费用"],
    )


def sheet_rows(response) -> list:
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return list(book.active.values)


def text(response) -> str:
    return response.content.decode()


def test_convening_a_meeting_invites_the_groups_with_the_agenda(world, client):
    users = verified_households(world.buildings[0], 3)
    topic = scheduled_topic(world)
    client.force_login(world.user("community_secretary"))
    page = client.get(f"/negotiation/topics/{topic.pk}/")
    assert f"/negotiation/topics/{topic.pk}/convene/" in text(page)
    form = client.get(f"/negotiation/topics/{topic.pk}/convene/")
    assert form.status_code == 200 and "物业公司" in text(form)
    starts = timezone.localtime(soon(days=2)).strftime(LOCAL)
    answer = client.post(
        f"/negotiation/topics/{topic.pk}/convene/",
        {
            "title": "修电梯协商会",
            "starts_at": starts,
            "mode": "hybrid",
            "place": "党群服务中心",
            "online_link": "腾讯会议 123",
            "groups": ["residents", "property"],
            "agenda": "维修方案\n费用分摊\n",
        },
    )
    meeting = Meeting.objects.get()
    assert answer.status_code == 302 and answer.url == f"/negotiation/meetings/{meeting.pk}/"
    assert list(meeting.items.values_list("title", flat=True)) == ["维修方案", "费用分摊"]
    assert meeting.groups == "residents,property" and meeting.invited >= 3
    told = OutboxMessage.objects.filter(recipient=users[0], payload__kind="consultation.invited")
    assert told.exists()


def test_convening_refuses_bad_input_and_changes_nothing(world, client):
    topic = scheduled_topic(world)
    client.force_login(world.user("community_secretary"))
    past = timezone.localtime(timezone.now() - datetime.timedelta(days=1)).strftime(LOCAL)
    base = {"title": "会", "mode": "hybrid", "place": "会议室", "groups": ["residents"]}
    answer = client.post(f"/negotiation/topics/{topic.pk}/convene/", {**base, "starts_at": past})
    assert answer.status_code == 400 and "会议时间须在将来" in text(answer)
    bad = client.post(
        f"/negotiation/topics/{topic.pk}/convene/",
        {**base, "starts_at": "明天", "groups": ["aliens"]},
    )
    assert bad.status_code == 400
    assert Meeting.objects.count() == 0
    client.force_login(world.user("resident"))
    assert client.get(f"/negotiation/topics/{topic.pk}/convene/").status_code == 404
    client.force_login(world.user("other_street_admin"))
    assert client.post(f"/negotiation/topics/{topic.pk}/convene/", base).status_code == 404


def test_a_vote_is_set_up_with_a_preset_and_edited_shares(world, client):
    meeting = meeting_of(world, scheduled_topic(world))
    client.force_login(world.user("community_secretary"))
    form = client.get(f"/negotiation/meetings/{meeting.pk}/votes/new/")
    assert form.status_code == 200 and "民法典" in text(form)
    now = timezone.localtime()
    data = {
        "question": "是否同意维修电梯？",
        "options": "同意\n不同意\n弃权",
        "basis": "area",
        "secret": "on",
        "opens_at": now.strftime(LOCAL),
        "closes_at": (now + datetime.timedelta(days=3)).strftime(LOCAL),
        "preset": "major",
        "pass_num": "4",
        "pass_den": "5",
    }
    answer = client.post(f"/negotiation/meetings/{meeting.pk}/votes/new/", data)
    vote = Vote.objects.get()
    assert answer.status_code == 302
    assert (vote.meeting_id, vote.topic_id, vote.basis) == (meeting.pk, meeting.topic_id, "area")
    assert (vote.quorum_num, vote.quorum_den, vote.pass_num, vote.pass_den) == (2, 3, 4, 5)
    assert not vote.pass_strict
    assert list(vote.options.values_list("label", flat=True)) == ["同意", "不同意", "弃权"]


@pytest.mark.parametrize(
    "change",
    [
        {"options": "同意"},
        {"basis": "by-shoe-size"},
        {"preset": "unanimous"},
        {"quorum_num": "5", "quorum_den": "3"},
        {"closes_at": "2000-01-01T00:00"},
    ],
)
def test_a_bad_vote_is_refused_and_nothing_is_created(world, client, change):
    meeting = meeting_of(world, scheduled_topic(world))
    client.force_login(world.user("community_secretary"))
    now = timezone.localtime()
    data = {
        "question": "是否同意？",
        "options": "同意\n不同意",
        "basis": "household",
        "opens_at": now.strftime(LOCAL),
        "closes_at": (now + datetime.timedelta(days=3)).strftime(LOCAL),
        "preset": "ordinary",
        **change,
    }
    answer = client.post(f"/negotiation/meetings/{meeting.pk}/votes/new/", data)
    assert answer.status_code == 400
    assert Vote.objects.count() == 0


def open_household_vote(world, users, **kwargs):
    vote = services.create_vote(
        by=world.user("community_secretary"),
        question="是否同意？",
        basis=kwargs.pop("basis", Vote.Basis.HOUSEHOLD),
        opens_at=timezone.now() - datetime.timedelta(minutes=1),
        closes_at=soon(days=3),
        node=world.buildings[0],
        **kwargs,
    )
    services.open_vote(by=world.user("community_secretary"), vote=vote)
    return vote


def test_two_clerks_enter_paper_and_a_second_ballot_is_refused(world, client):
    users = verified_households(world.buildings[0], 3)
    vote = open_household_vote(world, users)
    agree, disagree, _abstain = vote.options.all()
    services.cast_ballot(user=users[0], vote=vote, option=agree)
    phone_home = Resident.objects.get(user=users[0]).household
    paper_home = Resident.objects.get(user=users[1]).household
    url = f"/negotiation/votes/{vote.pk}/paper/"
    for clerk in ("community_secretary", "community_worker"):
        client.force_login(world.user(clerk))
        page = client.get(url)
        assert page.status_code == 200 and str(paper_home) in text(page)
        for home, option in ((phone_home, disagree), (paper_home, agree)):
            answer = client.post(
                url, {"action": "enter", "household": home.pk, "option": option.pk}
            )
            assert answer.status_code == 302
    again = client.post(url, {"action": "enter", "household": paper_home.pk, "option": agree.pk})
    assert again.status_code == 409 and "已录入" in text(again)
    page = text(client.get(url))
    assert "已在其他渠道投票" in page
    answer = client.post(url, {"action": "reconcile"}, follow=True)
    assert "1 张纸质选票计入" in text(answer) and "1 张被拒" in text(answer)
    assert Ballot.objects.get(vote=vote, household=phone_home).channel == "online"
    assert Ballot.objects.get(vote=vote, household=paper_home).channel == "paper"
    assert PaperEntry.objects.filter(vote=vote, settled=False).count() == 0


def test_a_paper_difference_blocks_the_tally_until_settled(world, client):
    users = verified_households(world.buildings[0], 2)
    vote = open_household_vote(world, users)
    agree, disagree, _abstain = vote.options.all()
    home = Resident.objects.get(user=users[1]).household
    url = f"/negotiation/votes/{vote.pk}/paper/"
    for clerk, option in (("community_secretary", agree), ("community_worker", disagree)):
        client.force_login(world.user(clerk))
        client.post(url, {"action": "enter", "household": home.pk, "option": option.pk})
    assert "两次录入不一致" in text(client.get(url))
    client.post(f"/negotiation/votes/{vote.pk}/close/")
    refused = client.post(f"/negotiation/votes/{vote.pk}/tally/", follow=True)
    assert "核对" in text(refused)
    vote.refresh_from_db()
    assert vote.state == Vote.State.CLOSED
    bad = client.post(url, {"action": "settle", "household": home.pk, "option": 999999})
    assert bad.status_code == 400 and Ballot.objects.filter(vote=vote).count() == 0
    client.post(url, {"action": "settle", "household": home.pk, "option": agree.pk})
    assert Ballot.objects.get(vote=vote).option == agree
    client.post(f"/negotiation/votes/{vote.pk}/tally/")
    vote.refresh_from_db()
    assert vote.state == Vote.State.TALLIED


def test_paper_pages_are_for_the_office_only(world, client):
    users = verified_households(world.buildings[0], 1)
    vote = open_household_vote(world, users)
    home = Resident.objects.get(user=users[0]).household
    client.force_login(users[0])
    url = f"/negotiation/votes/{vote.pk}/paper/"
    assert client.get(url).status_code == 404
    option = vote.options.first().pk
    answer = client.post(url, {"action": "enter", "household": home.pk, "option": option})
    assert answer.status_code == 404 and PaperEntry.objects.count() == 0
    client.force_login(world.user("other_street_admin"))
    assert client.get(url).status_code == 404
    assert client.get(f"/negotiation/votes/{vote.pk}/ballots.xlsx").status_code == 404


def test_the_minutes_editor_the_signed_file_and_the_countersignature(world, client):
    meeting = meeting_of(world, scheduled_topic(world))
    item = meeting.items.get(order=1)
    client.force_login(world.user("community_secretary"))
    url = f"/negotiation/meetings/{meeting.pk}/minutes/"
    page = client.get(url)
    assert page.status_code == 200 and "物业公司" in text(page)
    answer = client.post(
        url,
        {
            "item": item.pk,
            "position_residents": "希望尽快维修",
            "position_property": "同意承担一半费用",
            "resolution": "同意维修电梯",
            "tally": "同意 11 户",
        },
    )
    assert answer.status_code == 302
    item.refresh_from_db()
    assert item.positions == {"residents": "希望尽快维修", "property": "同意承担一半费用"}
    assert item.resolution == "同意维修电梯"
    too_long = client.post(url, {"item": item.pk, "tally": "x" * 501})
    assert too_long.status_code == 400
    item.refresh_from_db()
    assert item.tally == "同意 11 户"
    early = client.post(
        url, {"action": "file", "minutes_file": SimpleUploadedFile("m.pdf", b"%PDF-1.4")}
    )
    assert early.status_code == 409 and not Meeting.objects.get().minutes_file
    client.post(f"/negotiation/meetings/{meeting.pk}/close/")
    client.post(url, {"action": "file", "minutes_file": SimpleUploadedFile("m.pdf", b"%PDF-1.4")})
    meeting.refresh_from_db()
    assert meeting.minutes_file
    client.force_login(supervisor(world))
    client.post(f"/negotiation/meetings/{meeting.pk}/countersign/")
    meeting.refresh_from_db()
    assert meeting.state == Meeting.State.PUBLISHED
    shown = text(client.get(f"/negotiation/meetings/{meeting.pk}/"))
    assert "同意承担一半费用" in shown and "同意维修电梯" in shown
    client.force_login(world.user("community_secretary"))
    locked = client.post(url, {"item": item.pk, "resolution": "改写"})
    assert locked.status_code == 409
    assert AgendaItem.objects.get(pk=item.pk).resolution == "同意维修电梯"


def passed_area_vote(world, count=6, agree_n=5):
    users = verified_households(world.buildings[0], count, area=90)
    vote = open_household_vote(world, users, basis=Vote.Basis.AREA)
    agree, disagree, _abstain = vote.options.all()
    for n, user in enumerate(users):
        services.cast_ballot(user=user, vote=vote, option=agree if n < agree_n else disagree)
    keeper = world.user("community_secretary")
    services.close_vote(by=keeper, vote=vote)
    services.tally_vote(by=keeper, vote=vote)
    services.sign_off_vote(by=supervisor(world), vote=vote)
    vote.refresh_from_db()
    return vote, users


def test_residents_read_the_tally_against_the_rules_in_words(world, client):
    vote, users = passed_area_vote(world)
    client.force_login(users[0])
    page = text(client.get(f"/negotiation/votes/{vote.pk}/"))
    assert 'data-testid="tally-words"' in page
    assert "参与：6 / 6 户业主" in page, page
    assert "540.00 / 540.00 平方米" in page
    assert "“同意”：参与的 6 户业主中 5 户" in page
    assert "通过。" in page
    assert "您的票已计入" in page


def test_a_resolution_tasks_answers_and_the_board(world, client):
    vote, users = passed_area_vote(world)
    client.force_login(world.user("community_secretary"))
    assert f"/negotiation/votes/{vote.pk}/resolution/" in text(
        client.get(f"/negotiation/votes/{vote.pk}/")
    )
    url = f"/negotiation/votes/{vote.pk}/resolution/"
    assert client.post(url, {"title": "", "text": ""}).status_code == 400
    assert Resolution.objects.count() == 0
    client.post(url, {"title": "维修电梯", "text": "同意维修。", "budget_reference": "2026-电梯"})
    resolution = Resolution.objects.get()
    assert client.post(url, {"title": "再来", "text": "再来"}).status_code == 409
    objection = Objection.objects.create(resolution=resolution, user=users[5], text="费用太高")
    answer_url = f"/negotiation/resolutions/{resolution.pk}/answer/"
    assert client.post(answer_url, {"objection": objection.pk, "text": ""}).status_code == 400
    client.post(answer_url, {"objection": objection.pk, "text": "费用按面积分摊"})
    objection.refresh_from_db()
    assert objection.answer == "费用按面积分摊"
    post = Post.objects.filter(community=world.communities[0], grid=None).first()
    task_url = f"/negotiation/resolutions/{resolution.pk}/tasks/"
    due = (timezone.localdate() + datetime.timedelta(days=30)).isoformat()
    past = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    assert (
        client.post(task_url, {"title": "更换曳引机", "due": past, "owner": post.pk}).status_code
        == 400
    )
    assert client.post(task_url, {"title": "更换曳引机", "due": due, "owner": 0}).status_code == 400
    assert Task.objects.count() == 0
    client.post(task_url, {"title": "更换曳引机", "due": due, "owner": post.pk})
    task = Task.objects.get()
    assert task.owner_post == post
    board = client.get("/negotiation/work/board/")
    assert board.status_code == 200 and "更换曳引机" in text(board)
    export = client.get("/negotiation/work/board.xlsx")
    rows = sheet_rows(export)
    assert rows[1][2] == "更换曳引机"
    ballots = client.get(f"/negotiation/votes/{vote.pk}/ballots.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(ballots.streaming_content))).active
    assert sheet.max_row == 7 and sheet.max_column == 3  # secret: who, never how
    client.force_login(users[0])
    assert client.get("/negotiation/work/board/").status_code == 404
    assert client.post(task_url, {"title": "x", "due": due, "owner": post.pk}).status_code == 404


def test_the_sign_in_sheet_export_masks_names(world, client):
    users = verified_households(world.buildings[0], 1)
    meeting = meeting_of(world, scheduled_topic(world))
    services.sign_in(by=users[0], meeting=meeting, channel="online")
    client.force_login(world.user("community_secretary"))
    export = client.get(f"/negotiation/meetings/{meeting.pk}/sign-in-sheet.xlsx")
    rows = sheet_rows(export)
    name = Resident.objects.get(user=users[0]).name
    assert rows[1][0] == name[0] + "*" * (len(name) - 1)
    assert Topic.objects.count() == 1
