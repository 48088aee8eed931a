"""The consultation pages on the phone: a resident raises a topic, supports one, joins a
meeting, votes and rates; the office's workbench shows the queue."""

import datetime

from django.utils import timezone

from core.checkin import current_code
from negotiation import services
from negotiation.models import Attendance, Ballot, Topic, Vote

from .helpers import verified_households


def test_a_resident_raises_a_topic_on_the_page(world, client):
    client.force_login(world.user("resident"))
    page = client.get("/negotiation/")
    assert page.status_code == 200 and "提议题" in page.content.decode()
    form = client.get("/negotiation/topics/new/")
    assert form.status_code == 200
    answer = client.post(
        "/negotiation/topics/new/",
        {
            "place": f"building:{world.buildings[0].pk}",
            "title": "修电梯",
            "description": "常坏",
            "stakeholders": ["residents"],
        },
        follow=True,
    )
    assert answer.status_code == 200
    topic = Topic.objects.get()
    assert topic.title == "修电梯" and "待审核" in answer.content.decode()


def test_the_office_reviews_from_the_workbench_and_the_resident_supports(world, client):
    topic = services.propose_topic(
        user=world.user("resident"), node=world.buildings[0], title="修电梯", description="常坏"
    )
    client.force_login(world.user("community_secretary"))
    assert client.get("/negotiation/").status_code == 302
    work = client.get("/negotiation/work/").content.decode()
    assert "修电梯" in work
    client.post(f"/negotiation/topics/{topic.pk}/review/", {"decision": "accept", "reason": "属实"})
    topic.refresh_from_db()
    assert topic.state == Topic.State.GATHERING
    client.force_login(world.user("resident"))
    answer = client.post(f"/negotiation/topics/{topic.pk}/support/", follow=True)
    assert "支持" in answer.content.decode()
    again = client.post(f"/negotiation/topics/{topic.pk}/support/", follow=True)
    assert "已经支持过" in again.content.decode()
    topic.refresh_from_db()
    assert topic.supports == 1


def test_out_of_scope_pages_are_404(world, client):
    topic = services.propose_topic(
        user=world.user("resident"), node=world.buildings[0], title="修电梯", description="常坏"
    )
    client.force_login(world.user("other_street_admin"))
    assert client.get(f"/negotiation/topics/{topic.pk}/").status_code == 404
    assert client.post(f"/negotiation/topics/{topic.pk}/support/").status_code == 404
    assert client.get("/negotiation/work/").status_code == 200


def test_sign_in_by_qr_and_vote_on_the_phone(world, client):
    users = verified_households(world.buildings[0], 2)
    secretary = world.user("community_secretary")
    meeting = services.convene_meeting(
        by=secretary,
        node=world.buildings[0],
        title="协商会",
        starts_at=timezone.now() + datetime.timedelta(hours=1),
        place="会议室",
        groups=["residents"],
    )
    client.force_login(secretary)
    sheet = client.get(f"/negotiation/meetings/{meeting.pk}/").content.decode()
    assert "rotating-qr" in sheet
    assert client.get(f"/negotiation/meetings/{meeting.pk}/qr/").json()["code"]
    client.force_login(users[0])
    code = current_code(services.CHECKIN, meeting.pk)
    client.get(f"/negotiation/meetings/{meeting.pk}/checkin/?code={code}")
    assert Attendance.objects.filter(meeting=meeting, user=users[0], channel="qr").exists()
    vote = services.create_vote(
        by=secretary,
        question="是否同意？",
        basis=Vote.Basis.HOUSEHOLD,
        meeting=meeting,
        opens_at=timezone.now() - datetime.timedelta(minutes=1),
        closes_at=timezone.now() + datetime.timedelta(days=1),
    )
    services.open_vote(by=secretary, vote=vote)
    page = client.get(f"/negotiation/votes/{vote.pk}/").content.decode()
    assert "2/3" in page and 'data-testid="ballot"' in page
    option = vote.options.first()
    client.post(f"/negotiation/votes/{vote.pk}/cast/", {"option": option.pk})
    answer = client.post(f"/negotiation/votes/{vote.pk}/cast/", {"option": option.pk}, follow=True)
    assert "已投票" in answer.content.decode()
    assert Ballot.objects.filter(vote=vote).count() == 1


def test_the_pages_render_in_english(world, client):
    client.force_login(world.user("resident"))
    client.cookies["django_language"] = "en"
    page = client.get("/negotiation/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
