"""Interest groups: a resident starts one and leads it, neighbours join and write, the
leader or the office hides a post with a reason (audited), the office closes a group;
residents of another community neither see nor join it."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from community import services
from community.models import GroupMember, GroupPost, InterestGroup
from core.timeline import Conflict
from yuyao_portal.models import AuditEvent

from .helpers import resident_user


@pytest.fixture
def choir(world):
    return services.start_group(
        user=world.user("resident"), name="夕阳红合唱队", description="每周三晚在活动室练歌。"
    )


def neighbour(world, name="neighbour"):
    return resident_user(world.households[1], name)  # the same community, another building


def test_a_resident_starts_and_leads_a_group(world, choir):
    assert choir.leader == world.user("resident") and choir.member_count == 1
    assert choir.leader_name.endswith("*")  # surname only
    with pytest.raises(ValidationError):  # the same name twice in a community
        services.start_group(user=neighbour(world), name="夕阳红合唱队", description="再来一个")
    services.start_group(user=world.user("resident"), name="象棋角", description="下棋。")
    with pytest.raises(ValidationError):  # at most two led at once (a rule parameter)
        services.start_group(user=world.user("resident"), name="书法班", description="练字。")
    with pytest.raises(PermissionDenied):
        services.start_group(user=world.user("outsider"), name="x", description="y")


def test_neighbours_join_write_and_leave(world, choir):
    user = neighbour(world)
    services.join_group(user=user, group=choir)
    with pytest.raises(Conflict):
        services.join_group(user=user, group=choir)
    post = services.post_in_group(user=user, group=choir, text="这周三我带歌谱。")
    assert post.author_name.endswith("*")
    choir.refresh_from_db()
    assert choir.member_count == 2
    services.leave_group(user=user, group=choir)
    choir.refresh_from_db()
    assert choir.member_count == 1
    with pytest.raises(PermissionDenied):
        services.post_in_group(user=user, group=choir, text="还能发吗？")
    with pytest.raises(ValidationError):
        services.leave_group(user=world.user("resident"), group=choir)  # the leader stays


def test_other_communities_cannot_join(world, choir):
    far = resident_user(world.households[4], "far_away")  # the second community
    with pytest.raises(PermissionDenied):
        services.join_group(user=far, group=choir)
    assert not InterestGroup.objects.for_user(far).filter(pk=choir.pk).exists()
    assert GroupMember.objects.filter(group=choir).count() == 1


def test_the_leader_and_the_office_hide_posts_and_the_office_closes(world, choir):
    user = neighbour(world)
    services.join_group(user=user, group=choir)
    first = services.post_in_group(user=user, group=choir, text="卖保健品，加微信")
    second = services.post_in_group(user=user, group=choir, text="留个电话 13900001111")
    with pytest.raises(PermissionDenied):
        services.hide_group_post(by=user, post=first, reason="广告")
    services.hide_group_post(by=world.user("resident"), post=first, reason="广告")
    services.hide_group_post(by=world.user("community_worker"), post=second, reason="个人信息")
    assert GroupPost.objects.filter(is_hidden=True).count() == 2
    assert AuditEvent.objects.filter(kind="moderation").count() == 2
    with pytest.raises(PermissionDenied):
        services.close_group(by=world.user("resident"), group=choir, reason="不想办了")
    with pytest.raises(PermissionDenied):
        services.close_group(by=world.user("other_street_admin"), group=choir, reason="x")
    services.close_group(by=world.user("community_secretary"), group=choir, reason="长期无活动")
    with pytest.raises(Conflict):
        services.post_in_group(user=user, group=choir, text="还在吗")


def test_the_pages_on_a_phone(world, client, choir):
    user = neighbour(world)
    client.force_login(user)
    listing = client.get("/community/groups/").content.decode()
    assert "夕阳红合唱队" in listing
    client.post(f"/community/groups/{choir.pk}/join/")
    client.post(f"/community/groups/{choir.pk}/post/", {"text": "周三见！"})
    page = client.get(f"/community/groups/{choir.pk}/").content.decode()
    assert "周三见！" in page and "退出" in page
    bad = client.post(f"/community/groups/{choir.pk}/post/", {"text": ""})
    assert bad.status_code == 302 and GroupPost.objects.count() == 1
    client.post("/community/groups/", {"name": "广场舞队", "description": "每晚七点。"})
    assert InterestGroup.objects.filter(name="广场舞队", leader=user).exists()
    # The leader hides a post from the page.
    client.force_login(world.user("resident"))
    post = GroupPost.objects.get()
    client.post(f"/community/groups/{choir.pk}/hide/", {"post": post.pk, "text": "跑题"})
    assert GroupPost.objects.get().is_hidden
    # Another street's admin does not see the group.
    client.force_login(world.user("other_street_admin"))
    assert client.get(f"/community/groups/{choir.pk}/").status_code == 404
