"""The emergency API: offices open and close, households answer, posts read coverage;
bad input is a translated 4xx that changes nothing; the other street sees nothing."""

import pytest
from rest_framework.test import APIClient

from community.models import Emergency, Notice, RollCallAnswer

BASE = "/api/v1/community/emergencies/"


@pytest.fixture
def api():
    return APIClient()


def opened(api, world):
    api.force_authenticate(world.user("community_worker"))
    response = api.post(
        BASE,
        {
            "community": world.communities[0].pk,
            "kind": "typhoon",
            "title": "台风防御",
            "message": "关好门窗。",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    return response.json()


def test_open_answer_cover_and_close(api, world):
    emergency = opened(api, world)
    assert emergency["households_told"] == 4 and emergency["state"] == "open"
    api.force_authenticate(world.user("resident"))
    assert [e["id"] for e in api.get(BASE).json()["results"]] == [emergency["id"]]
    answer = api.post(f"{BASE}{emergency['id']}/answer/", {"status": "safe"}, format="json")
    assert answer.status_code == 200 and answer.json()["on_behalf"] is False
    assert api.get(f"{BASE}{emergency['id']}/coverage/").status_code == 403
    api.force_authenticate(world.user("grid_member"))
    response = api.post(
        f"{BASE}{emergency['id']}/answer/",
        {"status": "help", "note": "需要沙袋", "household": world.households[1].pk},
        format="json",
    )
    assert response.status_code == 200 and response.json()["help_request"]
    cover = api.get(f"{BASE}{emergency['id']}/coverage/").json()
    assert (cover["households"], cover["answered"], cover["help"]) == (2, 2, 1)  # grid 1 only
    api.force_authenticate(world.user("community_worker"))
    cover = api.get(f"{BASE}{emergency['id']}/coverage/").json()
    assert cover["households"] == 4 and cover["percent"] == 50
    missing = {h for row in cover["buildings"] for h in row["not_answered"]}
    assert missing == {world.households[2].pk, world.households[3].pk}
    closed = api.post(f"{BASE}{emergency['id']}/close/", {"note": "解除"}, format="json")
    assert closed.status_code == 200 and closed.json()["state"] == "closed"
    again = api.post(f"{BASE}{emergency['id']}/close/", {}, format="json")
    assert again.status_code == 409


def test_bad_input_changes_nothing(api, world):
    api.force_authenticate(world.user("community_worker"))
    for body in (
        {"kind": "typhoon", "title": "x", "message": "y"},  # no node
        {"community": world.communities[0].pk, "grid": world.grids[0].pk, "kind": "fire"},
        {"community": world.communities[2].pk, "kind": "fire", "title": "x", "message": "y"},
        {"community": world.communities[0].pk, "kind": "meteor", "title": "x", "message": "y"},
    ):
        response = api.post(BASE, body, format="json")
        assert 400 <= response.status_code < 500, body
    assert not Emergency.objects.exists()
    emergency = opened(api, world)
    api.force_authenticate(world.user("resident"))
    response = api.post(f"{BASE}{emergency['id']}/answer/", {"status": "help"}, format="json")
    assert response.status_code == 422 and "帮助" in response.content.decode()
    response = api.post(
        f"{BASE}{emergency['id']}/answer/",
        {"status": "safe", "household": world.households[3].pk},
        format="json",
    )
    assert response.status_code in (403, 422)
    assert not RollCallAnswer.objects.exists()
    api.force_authenticate(world.user("building_leader"))
    assert api.post(f"{BASE}{emergency['id']}/close/", {}, format="json").status_code == 403
    api.force_authenticate(world.user("other_street_admin"))
    assert api.get(f"{BASE}{emergency['id']}/").status_code == 404
    assert api.post(BASE, {}, format="json").status_code in (400, 403)


def test_an_office_publishes_a_notice_through_the_api(api, world):
    api.force_authenticate(world.user("community_worker"))
    response = api.post(
        "/api/v1/community/notices/",
        {"grid": world.grids[0].pk, "title": "停水通知", "body": "周六停水。"},
        format="json",
    )
    assert response.status_code == 201
    assert Notice.objects.get().grid_id == world.grids[0].pk
    refused = api.post(
        "/api/v1/community/notices/",
        {"grid": world.grids[4].pk, "title": "停水通知", "body": "周六停水。"},
        format="json",
    )
    assert refused.status_code in (400, 403, 422) and Notice.objects.count() == 1
    api.force_authenticate(world.user("resident"))
    assert (
        api.post(
            "/api/v1/community/notices/",
            {"grid": world.grids[0].pk, "title": "t", "body": "b"},
            format="json",
        ).status_code
        == 403
    )
