"""Emergency mode: an office opens a typhoon emergency for a community, every household
is told, households answer the roll call (themselves or through their building leader),
a call for help becomes an urgent service request, coverage by building shows who has
not answered, and closing archives it."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from community import services
from community.models import Emergency, EmergencyEvent, RollCallAnswer
from core.notify.models import OutboxMessage
from core.rules.services import set_rule
from core.timeline import Conflict
from grid.models import ServiceRequest
from grid.scoping import OutOfScope


@pytest.fixture
def typhoon(world):
    return services.open_emergency(
        by=world.user("community_worker"),
        node=world.communities[0],
        kind="typhoon",
        title="台风“梅花”防御",
        message="今晚八点起关好门窗，低洼处住户请转移到党群服务中心。",
    )


def kinds_to(username):
    return set(
        OutboxMessage.objects.filter(recipient__username=username).values_list(
            "payload__kind", flat=True
        )
    )


def test_every_household_is_told_on_every_channel(world, typhoon):
    assert typhoon.households_told == 4  # the community's four buildings, one household each
    assert "community.emergency" in kinds_to("resident")
    assert "community.emergency" in kinds_to("building_leader")
    assert "community.emergency" not in kinds_to("other_street_admin")
    texts = OutboxMessage.objects.filter(channel="sms", payload__kind="community.emergency")
    assert texts.count() == 4  # one text per household with a phone
    assert EmergencyEvent.objects.filter(emergency=typhoon, action="open").count() == 1


def test_a_second_emergency_on_the_same_node_waits(world, typhoon):
    with pytest.raises(Conflict):
        services.open_emergency(
            by=world.user("community_secretary"),
            node=world.communities[0],
            kind="flood",
            title="内涝",
            message="注意安全。",
        )
    # A grid of the community may have its own.
    services.open_emergency(
        by=world.user("community_secretary"),
        node=world.grids[0],
        kind="flood",
        title="一网格内涝",
        message="注意安全。",
    )


def test_only_offices_open_and_only_on_their_own_part(world):
    with pytest.raises(PermissionDenied):
        services.open_emergency(
            by=world.user("building_leader"),
            node=world.buildings[0],
            kind="fire",
            title="火情",
            message="撤离。",
        )
    with pytest.raises(OutOfScope):
        services.open_emergency(
            by=world.user("community_worker"),
            node=world.communities[2],
            kind="fire",
            title="火情",
            message="撤离。",
        )
    with pytest.raises(ValidationError) as refused:
        services.open_emergency(
            by=world.user("community_worker"),
            node=world.communities[0],
            kind="meteor",
            title="",
            message="",
        )
    assert set(refused.value.message_dict) == {"kind", "title", "message"}
    assert not Emergency.objects.exists()


def test_a_household_answers_once_and_may_change_its_answer(world, typhoon):
    resident = world.user("resident")
    services.answer_roll_call(by=resident, emergency=typhoon, status="safe")
    answer = services.answer_roll_call(
        by=resident, emergency=typhoon, status="help", note="老人行动不便，需要转移"
    )
    assert RollCallAnswer.objects.filter(emergency=typhoon).count() == 1
    assert answer.status == "help" and not answer.on_behalf
    # The call for help is an urgent service request of the household's building.
    request = ServiceRequest.objects.get(pk=answer.help_request_id)
    assert request.category.code == "livelihood-urgent"
    assert request.building_id == world.households[0].building_id
    assert "台风" in request.description
    # The office is told at once.
    assert "community.emergency_help" in kinds_to("community_worker")
    actions = list(
        EmergencyEvent.objects.filter(emergency=typhoon).values_list("action", flat=True)
    )
    assert actions == ["open", "safe", "help"]


def test_help_needs_a_word_and_bad_answers_change_nothing(world, typhoon):
    with pytest.raises(ValidationError):
        services.answer_roll_call(by=world.user("resident"), emergency=typhoon, status="help")
    with pytest.raises(ValidationError):
        services.answer_roll_call(by=world.user("resident"), emergency=typhoon, status="maybe")
    with pytest.raises(PermissionDenied):
        services.answer_roll_call(by=world.user("outsider"), emergency=typhoon, status="safe")
    assert not RollCallAnswer.objects.exists()


def test_the_building_leader_answers_for_households_of_the_building_only(world, typhoon):
    leader = world.user("building_leader")
    answer = services.answer_roll_call(
        by=leader,
        emergency=typhoon,
        status="help",
        note="独居老人需要送餐",
        household=world.households[0],
    )
    assert answer.on_behalf
    assert ServiceRequest.objects.get(pk=answer.help_request_id).recorded_by == leader
    with pytest.raises(PermissionDenied):
        services.answer_roll_call(
            by=leader, emergency=typhoon, status="safe", household=world.households[1]
        )
    # Outside the emergency's area: refused.
    with pytest.raises(ValidationError):
        services.answer_roll_call(
            by=world.user("community_worker"),
            emergency=typhoon,
            status="safe",
            household=world.households[5],
        )


def test_coverage_by_building_lists_who_has_not_answered(world, typhoon):
    services.answer_roll_call(by=world.user("resident"), emergency=typhoon, status="safe")
    services.answer_roll_call(
        by=world.user("grid_member"),
        emergency=typhoon,
        status="safe",
        household=world.households[1],
    )
    seen = services.coverage(typhoon)
    assert (seen.households, seen.answered, seen.percent, seen.goal) == (4, 2, 50, 80)
    by_building = {row.building.pk: row for row in seen.buildings}
    assert by_building[world.buildings[0].pk].percent == 100
    assert [h.pk for h in by_building[world.buildings[2].pk].missing] == [world.households[2].pk]
    set_rule(
        key="emergency.coverage_goal_percent",
        value="50",
        scope="community",
        scope_id=world.communities[0].pk,
        source_title="社区应急预案",
        by=world.user("county_admin"),
    )
    assert services.coverage(typhoon).goal == 50


def test_closing_archives_and_stops_the_roll_call(world, typhoon):
    with pytest.raises(PermissionDenied):
        services.close_emergency(by=world.user("building_leader"), emergency=typhoon)
    services.close_emergency(
        by=world.user("community_secretary"), emergency=typhoon, note="台风已过境，解除。"
    )
    typhoon.refresh_from_db()
    assert typhoon.state == "closed" and typhoon.closed_at is not None
    assert "community.emergency_closed" in kinds_to("resident")
    with pytest.raises(Conflict):
        services.answer_roll_call(by=world.user("resident"), emergency=typhoon, status="safe")
    with pytest.raises(Conflict):
        services.close_emergency(by=world.user("community_secretary"), emergency=typhoon)


def test_the_pages_as_each_person_uses_them(world, client):
    client.force_login(world.user("community_worker"))
    form = client.get("/community/emergencies/new/")
    assert form.status_code == 200
    node = f"community:{world.communities[0].pk}"
    refused = client.post("/community/emergencies/new/", {"node": node, "kind": "typhoon"})
    assert refused.status_code == 400 and not Emergency.objects.exists()
    opened = client.post(
        "/community/emergencies/new/",
        {"node": node, "kind": "typhoon", "title": "台风防御", "message": "关好门窗。"},
    )
    emergency = Emergency.objects.get()
    assert opened.status_code == 302 and opened["Location"].endswith(f"/{emergency.pk}/")
    # The resident answers on the phone.
    client.force_login(world.user("resident"))
    page = client.get(f"/community/emergencies/{emergency.pk}/").content.decode()
    assert "您家是否平安" in page and 'data-testid="coverage"' not in page
    bad = client.post(f"/community/emergencies/{emergency.pk}/answer/", {"status": "help"})
    assert bad.status_code == 400 and not RollCallAnswer.objects.exists()
    client.post(f"/community/emergencies/{emergency.pk}/answer/", {"status": "safe"})
    assert RollCallAnswer.objects.get().status == "safe"
    # The building leader sees their building and answers for a household of it.
    client.force_login(world.user("building_leader"))
    page = client.get(f"/community/emergencies/{emergency.pk}/").content.decode()
    assert 'data-testid="coverage"' in page and "1 户中已有 1 户回复" in page
    assert world.buildings[0].name in page and world.buildings[1].name not in page
    # The other street's admin cannot see it at all.
    client.force_login(world.user("other_street_admin"))
    assert client.get(f"/community/emergencies/{emergency.pk}/").status_code == 404
    # The worker sees the whole community and closes it.
    client.force_login(world.user("community_worker"))
    page = client.get(f"/community/emergencies/{emergency.pk}/").content.decode()
    assert "4 户中已有 1 户回复" in page and world.buildings[3].name in page
    client.post(f"/community/emergencies/{emergency.pk}/close/", {"note": "解除"})
    emergency.refresh_from_db()
    assert emergency.state == "closed"
    listing = client.get("/community/emergencies/").content.decode()
    assert "emergencies-closed" in listing


def test_opening_mobilises_volunteers_through_the_core_and_closing_stands_them_down(
    world, typhoon, client
):
    from core import mobilisation

    assert "ref" in typhoon.mobilisation_links["volunteers"]
    worker = world.user("community_worker")
    [seen] = services.mobilisation_states(typhoon, worker)
    assert seen.is_open and seen.households >= 4
    client.force_login(worker)
    page = client.get(f"/community/emergencies/{typhoon.pk}/")
    assert page.status_code == 200
    assert b'data-testid="mobilisation-state"' in page.content
    services.close_emergency(by=world.user("community_secretary"), emergency=typhoon)
    [seen] = mobilisation.states(typhoon.mobilisation_links, worker)
    assert not seen.is_open


def test_an_emergency_opens_even_when_volunteers_are_not_mobilised(world):
    from core import mobilisation

    saved = mobilisation.PROVIDERS.pop("volunteers")
    try:
        emergency = services.open_emergency(
            by=world.user("community_worker"),
            node=world.grids[0],
            kind="fire",
            title="火情",
            message="撤离。",
        )
    finally:
        mobilisation.PROVIDERS["volunteers"] = saved
    assert emergency.mobilisation_links == {}
    assert services.mobilisation_states(emergency, world.user("community_worker")) == []
