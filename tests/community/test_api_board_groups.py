"""The board and interest-group API (/api/v1/community/board/, /groups/): the same rules
as the pages, through the services; names by surname only; what a resident may not do
is refused and changes nothing."""

from community.models import BoardPost, GroupMember, GroupPost, InterestGroup

from .helpers import resident_user

BASE = "/api/v1/community"


def as_user(api_client, user):
    api_client.force_authenticate(user)
    api_client.default_format = "json"
    return api_client


def test_the_board_over_the_api(world, api_client):
    client = as_user(api_client, world.user("resident"))
    made = client.post(f"{BASE}/board/", {"text": "东门路灯坏了三天了。"}, format="json")
    assert made.status_code == 201, made.content
    post = made.json()
    assert post["author_name"].endswith("*") and post["state"] == "visible"
    assert "resident" not in str(post) and world.user("resident").pk not in post.values()
    for body in ({}, {"text": ""}, {"text": "长" * 1001}, {"text": "x", "extra": 1}):
        assert client.post(f"{BASE}/board/", body, format="json").status_code == 400, body
    assert BoardPost.objects.count() == 1
    # A resident neither answers nor hides; the office does both.
    assert client.post(f"{BASE}/board/{post['id']}/answer/", {"text": "x"}).status_code == 403
    assert client.post(f"{BASE}/board/{post['id']}/hide/", {"reason": "x"}).status_code == 403
    office = as_user(api_client, world.user("community_worker"))
    answered = office.post(
        f"{BASE}/board/{post['id']}/answer/", {"text": "已报修。"}, format="json"
    )
    assert answered.status_code == 200 and answered.json()["replies"][0]["text"] == "已报修。"
    assert office.post(f"{BASE}/board/{post['id']}/hide/", {}, format="json").status_code == 400
    hidden = office.post(
        f"{BASE}/board/{post['id']}/hide/", {"reason": "含个人信息"}, format="json"
    )
    assert hidden.status_code == 200 and hidden.json()["state"] == "hidden"
    again = office.post(f"{BASE}/board/{post['id']}/hide/", {"reason": "x"}, format="json")
    assert again.status_code == 409
    # A neighbour no longer sees it; the author still does, with the reason.
    neighbour = as_user(api_client, resident_user(world.households[1], "neighbour"))
    assert neighbour.get(f"{BASE}/board/").json()["results"] == []
    author = as_user(api_client, world.user("resident"))
    mine = author.get(f"{BASE}/board/").json()["results"]
    assert [m["hidden_reason"] for m in mine] == ["含个人信息"]
    office = as_user(api_client, world.user("community_worker"))
    assert office.post(f"{BASE}/board/{post['id']}/restore/").json()["state"] == "visible"
    neighbour = as_user(api_client, resident_user(world.households[2], "neighbour2"))
    reported = neighbour.post(f"{BASE}/board/{post['id']}/report/", {}, format="json")
    assert reported.status_code == 200 and reported.json()["report_count"] == 1
    # Another street's admin and a resident far away see nothing of it.
    for persona in ("other_street_admin",):
        other = as_user(api_client, world.user(persona))
        assert other.get(f"{BASE}/board/{post['id']}/").status_code == 404
        assert other.post(f"{BASE}/board/{post['id']}/answer/", {"text": "x"}).status_code == 404


def test_groups_over_the_api(world, api_client):
    leader = as_user(api_client, world.user("resident"))
    made = leader.post(
        f"{BASE}/groups/",
        {"name": "夕阳红合唱队", "description": "每周三晚在活动室练歌。"},
        format="json",
    )
    assert made.status_code == 201, made.content
    group = made.json()
    assert group["is_member"] and group["member_count"] == 1 and group["leader_name"].endswith("*")
    twice = leader.post(
        f"{BASE}/groups/", {"name": "夕阳红合唱队", "description": "再来"}, format="json"
    )
    assert twice.status_code == 422 and InterestGroup.objects.count() == 1

    neighbour_user = resident_user(world.households[1], "neighbour")
    neighbour = as_user(api_client, neighbour_user)
    listed = neighbour.get(f"{BASE}/groups/").json()["results"]
    assert [g["name"] for g in listed] == ["夕阳红合唱队"] and not listed[0]["is_member"]
    gid = group["id"]
    assert neighbour.post(f"{BASE}/groups/{gid}/write/", {"text": "你好"}).status_code == 403
    joined = neighbour.post(f"{BASE}/groups/{gid}/join/")
    assert joined.status_code == 200 and joined.json()["is_member"]
    assert joined.json()["member_count"] == 2
    wrote = neighbour.post(f"{BASE}/groups/{gid}/write/", {"text": "周三见"}, format="json")
    assert wrote.status_code == 201 and wrote.json()["author_name"].endswith("*")
    post_id = wrote.json()["id"]
    assert [p["text"] for p in neighbour.get(f"{BASE}/groups/{gid}/posts/").json()] == ["周三见"]

    # The leader hides the post: others no longer read it; the office closes the group.
    leader = as_user(api_client, world.user("resident"))
    bad = leader.post(f"{BASE}/groups/{gid}/hide/", {"post": 10**6, "reason": "x"}, format="json")
    assert bad.status_code == 422
    hid = leader.post(
        f"{BASE}/groups/{gid}/hide/", {"post": post_id, "reason": "广告"}, format="json"
    )
    assert hid.status_code == 200 and hid.json()["is_hidden"]
    other = as_user(api_client, resident_user(world.households[2], "third"))
    assert other.get(f"{BASE}/groups/{gid}/posts/").json() == []
    assert leader.post(f"{BASE}/groups/{gid}/close/", {"reason": "x"}).status_code == 403
    office = as_user(api_client, world.user("community_worker"))
    closed = office.post(f"{BASE}/groups/{gid}/close/", {"reason": "无人活动"}, format="json")
    assert closed.status_code == 200 and closed.json()["state"] == "closed"
    neighbour = as_user(api_client, neighbour_user)
    assert neighbour.get(f"{BASE}/groups/").json()["results"] == []
    assert neighbour.post(f"{BASE}/groups/{gid}/write/", {"text": "x"}).status_code == 404
    assert GroupPost.objects.count() == 1 and GroupMember.objects.count() == 2
    far = as_user(api_client, world.user("other_street_admin"))
    assert far.get(f"{BASE}/groups/{gid}/").status_code == 404
