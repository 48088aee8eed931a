"""The residents' message board: residents write, the office answers and hides with a
reason in the audit trail, enough reports hide a message."""

import pytest
from django.core.exceptions import ValidationError

from community import services
from community.models import BoardPost
from core.notify.models import OutboxMessage
from grid.scoping import OutOfScope
from yuyao_portal.models import AuditEvent

from .helpers import resident_user


def test_a_resident_writes_and_the_office_answers(world, client):
    client.force_login(world.user("resident"))
    answer = client.post("/community/board/", {"text": "东门路灯坏了三天了。"}, follow=True)
    assert "东门路灯" in answer.content.decode()
    post = BoardPost.objects.get()
    assert post.community_id == world.communities[0].pk
    assert post.author_name.endswith("*") and len(post.author_name) == 2
    client.force_login(world.user("community_worker"))
    client.post(f"/community/board/{post.pk}/answer/", {"text": "已报修，明天修好。"})
    assert post.replies.get().text == "已报修，明天修好。"
    assert OutboxMessage.objects.filter(
        recipient=world.users["resident"], payload__kind="community.board_answer"
    ).exists()


def test_the_office_hides_with_a_reason_kept_in_the_audit_trail(world):
    post = services.post_message(user=world.user("resident"), text="某某是骗子！")
    with pytest.raises(ValidationError):
        services.hide_message(by=world.user("community_worker"), post=post, reason="")
    services.hide_message(by=world.user("community_worker"), post=post, reason="人身攻击")
    post.refresh_from_db()
    assert post.state == BoardPost.State.HIDDEN and post.hidden_reason == "人身攻击"
    event = AuditEvent.objects.get(kind="moderation")
    assert event.details == {"reason": "人身攻击"} and event.target_id == str(post.pk)
    with pytest.raises(OutOfScope):
        services.hide_message(by=world.user("grid_member"), post=post, reason="x")
    with pytest.raises(OutOfScope):
        services.answer_message(by=world.user("other_street_admin"), post=post, text="x")


def test_neighbours_see_visible_messages_only_and_the_author_sees_why_theirs_is_hidden(
    world, client
):
    post = services.post_message(user=world.user("resident"), text="楼道堆物")
    services.hide_message(by=world.user("community_worker"), post=post, reason="含个人信息")
    neighbour = resident_user(world.households[1], "neighbour")
    client.force_login(neighbour)
    assert "楼道堆物" not in client.get("/community/board/").content.decode()
    client.force_login(world.user("resident"))
    html = client.get("/community/board/").content.decode()
    assert "楼道堆物" in html and "含个人信息" in html
    far = resident_user(world.households[8], "far_away")
    client.force_login(far)
    services.restore_message(by=world.user("community_worker"), post=post)
    assert "楼道堆物" not in client.get("/community/board/").content.decode()


def test_three_reports_hide_a_message_and_nobody_reports_twice(world):
    post = services.post_message(user=world.user("resident"), text="广告：低价装修")
    reporters = [resident_user(world.households[1], f"r{n}") for n in range(3)]
    services.report_message(user=reporters[0], post=post)
    services.report_message(user=reporters[0], post=post)
    services.report_message(user=reporters[1], post=post)
    post.refresh_from_db()
    assert post.report_count == 2 and post.state == BoardPost.State.VISIBLE
    services.report_message(user=reporters[2], post=post)
    post.refresh_from_db()
    assert post.state == BoardPost.State.HIDDEN
    with pytest.raises(ValidationError):
        services.report_message(user=world.user("resident"), post=post)


def test_only_confirmed_residents_write_and_only_a_few_a_day(world):
    with pytest.raises(ValidationError):
        services.post_message(user=world.user("outsider"), text="hello")
    with pytest.raises(ValidationError):
        services.post_message(user=world.user("resident"), text="   ")
    for n in range(5):
        services.post_message(user=world.user("resident"), text=f"第{n}条")
    with pytest.raises(ValidationError, match="5"):
        services.post_message(user=world.user("resident"), text="第六条")


def test_a_message_of_another_community_is_404_to_act_on(world, client):
    post = services.post_message(user=world.user("resident"), text="x")
    client.force_login(world.user("other_street_admin"))
    assert client.post(f"/community/board/{post.pk}/hide/", {"text": "x"}).status_code == 404
