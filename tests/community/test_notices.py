"""Community notices with read receipts: a community worker posts a notice and sees who
of the posts below has read it; residents read their own nodes' notices."""

import pytest
from django.core.exceptions import ValidationError

from community import services
from community.models import Notice, NoticeRead
from core.notify.models import OutboxMessage
from grid.scoping import OutOfScope


@pytest.fixture
def notice(world):
    return services.publish_notice(
        by=world.user("community_worker"),
        node=world.communities[0],
        title="停水通知",
        body="本周六 8:00–12:00 因管网维修停水，请提前储水。",
    )


def test_the_residents_and_the_posts_below_are_told(world, notice):
    told = set(
        OutboxMessage.objects.filter(channel="inbox", payload__kind="community.notice").values_list(
            "recipient__username", flat=True
        )
    )
    assert {"resident", "grid_member", "building_leader", "community_secretary"} <= told
    assert "community_worker" not in told  # the publisher
    assert "other_street_admin" not in told and "outsider" not in told


def test_the_publisher_sees_who_has_read_it(world, notice, client):
    services.mark_notice_read(user=world.user("grid_member"), notice=notice)
    services.mark_notice_read(user=world.user("grid_member"), notice=notice)  # once
    read, not_yet = services.receipts(notice)
    assert [user.username for user, _at in read] == ["grid_member"]
    assert "building_leader" in [user.username for user in not_yet]
    assert NoticeRead.objects.filter(notice=notice).count() == 1
    client.force_login(world.user("community_worker"))
    html = client.get(f"/community/notices/{notice.pk}/").content.decode()
    assert "已读回执" in html and "building_leader" in html


def test_opening_the_notice_records_the_receipt(world, notice, client):
    client.force_login(world.user("building_leader"))
    page = client.get(f"/community/notices/{notice.pk}/")
    assert page.status_code == 200 and "停水通知" in page.content.decode()
    assert NoticeRead.objects.filter(notice=notice, user=world.users["building_leader"]).exists()
    assert "已读回执" not in page.content.decode()  # readers do not see the receipts


def test_residents_see_their_own_nodes_notices_only(world, notice, client):
    other_building = services.publish_notice(
        by=world.user("community_worker"),
        node=world.buildings[2],
        title="三号楼电梯检修",
        body="检修两天。",
    )
    client.force_login(world.user("resident"))
    html = client.get("/community/notices/").content.decode()
    assert "停水通知" in html and "三号楼电梯检修" not in html
    client.force_login(world.user("outsider"))
    assert client.get(f"/community/notices/{notice.pk}/").status_code == 404
    assert other_building.community_id == notice.community_id


def test_the_office_publishes_on_the_page(world, client):
    client.force_login(world.user("community_worker"))
    form = client.get("/community/notices/new/")
    assert form.status_code == 200
    answer = client.post(
        "/community/notices/new/",
        {
            "node": f"community:{world.communities[0].pk}",
            "title": "垃圾分类宣传周",
            "body": "欢迎参加。",
        },
        follow=True,
    )
    assert "通知已发布" in answer.content.decode()
    refused = client.post(
        "/community/notices/new/",
        {"node": f"community:{world.communities[2].pk}", "title": "x", "body": "y"},
    )
    assert refused.status_code == 400
    assert Notice.objects.count() == 1


def test_empty_or_foreign_notices_are_refused(world):
    with pytest.raises(ValidationError):
        services.publish_notice(
            by=world.user("community_worker"), node=world.communities[0], title=" ", body="x"
        )
    with pytest.raises(OutOfScope):
        services.publish_notice(
            by=world.user("community_worker"), node=world.communities[2], title="x", body="y"
        )
    with pytest.raises(OutOfScope):
        services.publish_notice(
            by=world.user("grid_member"), node=world.grids[0], title="x", body="y"
        )
    assert not Notice.objects.exists()


def test_the_notices_api_lists_and_records_reading(world, notice, api_client):
    api_client.force_authenticate(world.user("resident"))
    listed = api_client.get("/api/v1/community/notices/").json()
    assert [row["id"] for row in listed["results"]] == [notice.pk]
    assert api_client.post(f"/api/v1/community/notices/{notice.pk}/read/").status_code == 204
    assert NoticeRead.objects.filter(notice=notice, user=world.users["resident"]).exists()
    assert api_client.post("/api/v1/community/notices/", {}, format="json").status_code in (
        403,
        405,
    )
