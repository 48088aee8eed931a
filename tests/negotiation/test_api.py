"""The consultation API (/api/v1/negotiation/): the whole path of a topic to its
archive, and the refusals."""

import datetime

from django.utils import timezone

from negotiation.models import Ballot, Resolution, Topic, Vote

from .helpers import supervisor, verified_households

BASE = "/api/v1/negotiation"


def as_user(api_client, user):
    api_client.force_authenticate(user)
    return api_client


def test_propose_review_support_over_the_api(world, api_client):
    client = as_user(api_client, world.user("resident"))
    made = client.post(
        f"{BASE}/topics/",
        {
            "building": world.buildings[0].pk,
            "title": "修电梯",
            "description": "常坏",
            "stakeholders": ["residents", "property"],
        },
        format="json",
    )
    assert made.status_code == 201, made.content
    topic_id = made.json()["id"]
    assert made.json()["state"] == "submitted"
    refused = client.post(
        f"{BASE}/topics/{topic_id}/review/", {"decision": "accept", "reason": "好"}, format="json"
    )
    assert refused.status_code == 403
    office = as_user(api_client, world.user("community_secretary"))
    reviewed = office.post(
        f"{BASE}/topics/{topic_id}/review/", {"decision": "accept", "reason": "属实"}, format="json"
    )
    assert reviewed.status_code == 200 and reviewed.json()["state"] == "gathering"
    client = as_user(api_client, world.user("resident"))
    assert client.post(f"{BASE}/topics/{topic_id}/support/").status_code == 200
    again = client.post(f"{BASE}/topics/{topic_id}/support/")
    assert again.status_code == 409
    assert Topic.objects.get(pk=topic_id).supports == 1


def test_an_outsider_sees_no_topic_and_other_streets_none(world, api_client):
    Topic.objects.create(
        building=world.buildings[0], title="t", description="d", proposer=world.users["resident"]
    )
    for persona in ("outsider", "other_street_admin"):
        listed = as_user(api_client, world.user(persona)).get(f"{BASE}/topics/").json()
        assert listed["results"] == [], persona
    listed = as_user(api_client, world.user("grid_member")).get(f"{BASE}/topics/").json()
    assert len(listed["results"]) == 1


def test_a_vote_over_the_api_with_a_second_ballot_refused(world, api_client):
    users = verified_households(world.buildings[0], 3)
    office = as_user(api_client, world.user("community_secretary"))
    now = timezone.now()
    made = office.post(
        f"{BASE}/votes/",
        {
            "building": world.buildings[0].pk,
            "question": "加装电梯？",
            "basis": "household",
            "opens_at": (now - datetime.timedelta(minutes=1)).isoformat(),
            "closes_at": (now + datetime.timedelta(days=3)).isoformat(),
            "options": ["同意", "不同意"],
            "rules": {"pass_num": 1, "pass_den": 2},
        },
        format="json",
    )
    assert made.status_code == 201, made.content
    vote = made.json()
    assert "2/3" in vote["rule_words"]
    assert office.post(f"{BASE}/votes/{vote['id']}/open/").status_code == 200
    agree = vote["options"][0]["id"]
    voter = as_user(api_client, users[0])
    cast = voter.post(f"{BASE}/votes/{vote['id']}/cast/", {"option": agree}, format="json")
    assert cast.status_code == 201, cast.content
    twice = voter.post(f"{BASE}/votes/{vote['id']}/cast/", {"option": agree}, format="json")
    assert twice.status_code == 409 and "已投票" in twice.json()["detail"]
    outsider = as_user(api_client, world.user("outsider"))
    assert (
        outsider.post(
            f"{BASE}/votes/{vote['id']}/cast/", {"option": agree}, format="json"
        ).status_code
        == 404
    )
    for body in ({"option": "x"}, {"option": 10**30}, {"extra": 1}, {}):
        assert (
            voter.post(f"{BASE}/votes/{vote['id']}/cast/", body, format="json").status_code == 400
        ), body
    for user in users[1:]:
        as_user(api_client, user).post(
            f"{BASE}/votes/{vote['id']}/cast/", {"option": agree}, format="json"
        )
    office = as_user(api_client, world.user("community_secretary"))
    assert office.post(f"{BASE}/votes/{vote['id']}/close/").status_code == 200
    tallied = office.post(f"{BASE}/votes/{vote['id']}/tally/").json()
    assert tallied["state"] == "tallied" and tallied["result"] == {}
    signer = as_user(api_client, supervisor(world))
    published = signer.post(f"{BASE}/votes/{vote['id']}/sign-off/").json()
    assert published["result"]["passed"] and published["result"]["voters"] == 3
    ballots = signer.get(f"{BASE}/votes/{vote['id']}/ballots/").json()
    assert len(ballots) == 3 and "option" not in ballots[0]
    office = as_user(api_client, world.user("community_secretary"))
    resolution = office.post(
        f"{BASE}/resolutions/",
        {"vote": vote["id"], "title": "加装电梯", "text": "同意"},
        format="json",
    )
    assert resolution.status_code == 201, resolution.content
    assert Resolution.objects.get().state == "notice"
    assert Ballot.objects.count() == 3 and Vote.objects.get().state == "published"


def test_meeting_sign_in_and_quorum_over_the_api(world, api_client):
    users = verified_households(world.buildings[0], 3)
    office = as_user(api_client, world.user("community_secretary"))
    made = office.post(
        f"{BASE}/meetings/",
        {
            "building": world.buildings[0].pk,
            "title": "协商会",
            "mode": "hybrid",
            "starts_at": (timezone.now() + datetime.timedelta(days=1)).isoformat(),
            "place": "会议室",
            "groups": ["residents"],
            "agenda": ["方案"],
        },
        format="json",
    )
    assert made.status_code == 201, made.content
    meeting = made.json()["id"]
    proxy = as_user(api_client, users[2]).post(
        f"{BASE}/meetings/{meeting}/proxy/", {"holder": users[0].pk}, format="json"
    )
    assert proxy.status_code == 201, proxy.content
    self_proxy = as_user(api_client, users[1]).post(
        f"{BASE}/meetings/{meeting}/proxy/", {"holder": users[1].pk}, format="json"
    )
    assert self_proxy.status_code == 422
    signed = as_user(api_client, users[0]).post(
        f"{BASE}/meetings/{meeting}/sign-in/", {"channel": "online"}, format="json"
    )
    assert signed.status_code == 201, signed.content
    quorum = as_user(api_client, users[0]).get(f"{BASE}/meetings/{meeting}/quorum/").json()
    assert quorum["online"] == 1 and quorum["proxies"] == 1


def test_casting_takes_a_fixed_handful_of_queries(world, api_client):
    """One cast, whatever the community's size: the post's scope, the voter, the vote and
    its option (read again inside the service's transaction), the ballot, and four
    savepoints (bench/vote_cast.py measures it under 200 concurrent voters)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    users = verified_households(world.buildings[0], 2)
    office = as_user(api_client, world.user("community_secretary"))
    now = timezone.now()
    vote = office.post(
        f"{BASE}/votes/",
        {
            "building": world.buildings[0].pk,
            "question": "加装电梯？",
            "basis": "household",
            "opens_at": (now - datetime.timedelta(minutes=1)).isoformat(),
            "closes_at": (now + datetime.timedelta(days=3)).isoformat(),
        },
        format="json",
    ).json()
    assert office.post(f"{BASE}/votes/{vote['id']}/open/").status_code == 200
    agree = vote["options"][0]["id"]
    voter = as_user(api_client, users[0])
    with CaptureQueriesContext(connection) as queries:
        cast = voter.post(f"{BASE}/votes/{vote['id']}/cast/", {"option": agree}, format="json")
    assert cast.status_code == 201, cast.content
    assert len(queries) <= 13, "\n".join(q["sql"][:120] for q in queries)
    assert Ballot.objects.filter(vote_id=vote["id"]).count() == 1
