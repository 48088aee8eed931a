"""A report whose place matched no building (Open311) waits in the intake of the key's
node; the registering worker places it on a building of their part of the net."""

import pytest
from django.core.exceptions import ValidationError

from grid import services
from grid.models import Category, Open311Key, RequestEvent, ServiceRequest


@pytest.fixture
def unmatched(world):
    community = world.communities[0]
    key = Open311Key(name="社区合作方", community=community)
    key.set_new_key()
    key.save()
    return services.submit_partner_request(
        key=key,
        category=Category.objects.get(code="environment-rubbish"),
        description="路边有垃圾",
        place_text="舜北路与新建路路口",
    )


def test_the_worker_sees_the_notice_and_the_place_picker(world, client, unmatched):
    client.force_login(world.user("community_worker"))
    html = client.get(f"/net/requests/{unmatched.pk}/").content.decode()
    assert 'data-testid="place-unmatched"' in html and "舜北路与新建路路口" in html
    inside = [b for b in world.buildings if b.community_id == unmatched.community_id]
    outside = [b for b in world.buildings if b.community_id != unmatched.community_id]
    assert all(f'value="{b.pk}"' in html for b in inside)
    assert not any(f'value="{b.pk}"' in html for b in outside)


def test_registering_with_a_building_places_the_request(world, client, unmatched):
    building = next(b for b in world.buildings if b.community_id == unmatched.community_id)
    client.force_login(world.user("community_worker"))
    response = client.post(f"/net/requests/{unmatched.pk}/register/", {"building": building.pk})
    assert response.status_code == 302
    unmatched.refresh_from_db()
    assert unmatched.state == "registered" and not unmatched.place_unmatched
    assert (unmatched.building_id, unmatched.grid_id) == (building.pk, building.grid_id)
    assert unmatched.level == "grid"
    assert RequestEvent.objects.filter(request=unmatched, action="place").exists()


def test_registering_unplaced_is_refused_and_changes_nothing(world, client, unmatched):
    client.force_login(world.user("community_worker"))
    response = client.post(f"/net/requests/{unmatched.pk}/register/", {}, follow=True)
    assert "choose the building" in response.content.decode().lower() or "选择" in (
        response.content.decode()
    )
    unmatched.refresh_from_db()
    assert unmatched.state == "submitted" and unmatched.place_unmatched


def test_a_building_outside_the_workers_scope_is_refused(world, unmatched):
    outside = next(b for b in world.buildings if b.community_id != unmatched.community_id)
    with pytest.raises(ValidationError):
        services.register_request(
            user=world.user("community_worker"), request=unmatched, building=outside
        )
    unmatched.refresh_from_db()
    assert unmatched.state == "submitted" and unmatched.building_id is None


@pytest.mark.parametrize("value", ["x", "0", "99999999999999999999", "1\x00"])
def test_bad_building_values_never_fail(world, client, unmatched, value):
    client.force_login(world.user("community_worker"))
    response = client.post(f"/net/requests/{unmatched.pk}/register/", {"building": value})
    assert response.status_code in (302, 400)
    unmatched.refresh_from_db()
    assert unmatched.state == "submitted"


def test_the_unmatched_request_is_in_the_community_queue(world, client, unmatched):
    client.force_login(world.user("community_worker"))
    assert (
        ServiceRequest.objects.for_user(world.user("community_worker"), "change")
        .filter(pk=unmatched.pk)
        .exists()
    )
    assert (
        not ServiceRequest.objects.for_user(world.user("grid_member"), "view")
        .filter(pk=unmatched.pk)
        .exists()
    )
