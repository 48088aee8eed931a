"""The net through the REST API: scoped lists, 404 outside scope, write-then-verify."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from grid.models import (
    Building,
    Community,
    Grid,
    HandlingUnit,
    Household,
    Movement,
    PartyMembership,
    PartyOrganization,
    Post,
    Resident,
    Street,
    VerificationRequest,
)
from grid.permissions import Role

from ..factories import (
    PERSONAS,
    BuildingFactory,
    CommunityFactory,
    GridFactory,
    HandlingUnitFactory,
    PartyOrganizationFactory,
    PostFactory,
    StreetFactory,
    UserFactory,
    attach,
)

ENDPOINTS = {
    "streets": Street,
    "communities": Community,
    "grids": Grid,
    "buildings": Building,
    "handling-units": HandlingUnit,
    "party-organisations": PartyOrganization,
    "posts": Post,
    "households": Household,
    "residents": Resident,
    "party-members": PartyMembership,
    "movements": Movement,
    "verification-requests": VerificationRequest,
}


def _ids(response):
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


@pytest.mark.parametrize("persona", PERSONAS)
def test_lists_and_lookups_follow_the_scope(world, api_client, persona):
    user = world.user(persona)
    api_client.force_authenticate(user)
    for endpoint, model in ENDPOINTS.items():
        scoped = set(model.objects.for_user(user).values_list("pk", flat=True))
        listed = _ids(api_client.get(f"/api/v1/{endpoint}/", {"page_size": 200}))
        assert listed == scoped, (persona, endpoint)
        for obj in model.objects.all():
            status = api_client.get(f"/api/v1/{endpoint}/{obj.pk}/").status_code
            assert status == (200 if obj.pk in scoped else 404), (persona, endpoint, obj)


def test_anonymous_is_refused(world, api_client):
    for endpoint in ENDPOINTS:
        assert api_client.get(f"/api/v1/{endpoint}/").status_code in (401, 403)


def test_visible_but_not_changeable_is_403(world, api_client):
    api_client.force_authenticate(world.user("building_leader"))
    building = world.buildings[0]
    response = api_client.patch(f"/api/v1/buildings/{building.pk}/", {"name": "x"}, format="json")
    assert response.status_code == 403
    building.refresh_from_db()
    assert building.name != "x"


def test_out_of_scope_update_is_404(world, api_client):
    api_client.force_authenticate(world.user("grid_member"))
    other = world.buildings[2]
    response = api_client.patch(f"/api/v1/buildings/{other.pk}/", {"name": "x"}, format="json")
    assert response.status_code == 404


def test_community_secretary_adds_a_building_in_their_community(world, api_client):
    api_client.force_authenticate(world.user("community_secretary"))
    grid = world.grids[1]
    payload = {"code": grid.code + "050", "name": "50幢", "address": "x路1号", "grid": grid.pk}
    response = api_client.post("/api/v1/buildings/", payload, format="json")
    assert response.status_code == 201, response.content
    building = Building.objects.get(code=grid.code + "050")
    assert (building.community_id, building.street_id) == (grid.community_id, grid.street_id)


def test_related_choices_outside_scope_are_rejected(world, api_client):
    api_client.force_authenticate(world.user("community_secretary"))
    other_grid = world.grids[2]  # second community
    payload = {"code": other_grid.code + "050", "name": "x", "address": "x", "grid": other_grid.pk}
    response = api_client.post("/api/v1/buildings/", payload, format="json")
    assert response.status_code == 422  # valid input, but not a grid the caller holds
    assert "grid" in response.json()
    assert not Building.objects.filter(code=other_grid.code + "050").exists()


def test_update_moving_an_object_out_of_scope_is_refused(world, api_client):
    """A grid member who is also branch secretary of another grid sees both grids but may
    change buildings in the first only: moving a building to the second is refused."""
    user = world.users["grid_member"]
    attach(Role.GRID_BRANCH_SECRETARY, user, world.grids[1])
    api_client.force_authenticate(world.user("grid_member"))
    building = world.buildings[0]
    before = Building.objects.filter(pk=building.pk).values().get()
    response = api_client.patch(
        f"/api/v1/buildings/{building.pk}/",
        {"grid": world.grids[1].pk, "code": world.grids[1].code + "077"},
        format="json",
    )
    assert response.status_code == 403
    assert Building.objects.filter(pk=building.pk).values().get() == before


def test_model_rules_are_validation_errors(world, api_client):
    api_client.force_authenticate(world.user("county_admin"))
    community = world.communities[0]
    bad_code = {"code": "330281999999001", "name": "x", "community": community.pk}
    response = api_client.post("/api/v1/grids/", bad_code, format="json")
    assert response.status_code == 422 and "code" in response.json()
    second_branch = {"name": "x", "kind": "grid_branch", "grid": world.grids[0].pk}
    response = api_client.post("/api/v1/party-organisations/", second_branch, format="json")
    assert response.status_code == 422
    wrong_tier = {
        "user": world.users["outsider"].pk,
        "role": "grid_member",
        "community": community.pk,
    }
    response = api_client.post("/api/v1/posts/", wrong_tier, format="json")
    assert response.status_code == 422


@pytest.mark.parametrize(
    "query",
    [
        {"street": "abc"},
        {"street": "99999999999999999999999"},
        {"page": "99999999999999999999"},
        {"page_size": "-1"},
        {"code": "33\x00"},
        {"ordering": "nonexistent"},
    ],
)
def test_bad_query_input_never_500(world, api_client, query):
    api_client.force_authenticate(world.user("county_admin"))
    response = api_client.get("/api/v1/buildings/", query)
    assert response.status_code < 500


def test_huge_id_is_404(world, api_client):
    api_client.force_authenticate(world.user("county_admin"))
    assert api_client.get("/api/v1/buildings/99999999999999999999999/").status_code == 404


def test_bad_write_input_never_500(world, api_client):
    api_client.force_authenticate(world.user("county_admin"))
    grid = world.grids[0]
    for payload in (
        {"code": grid.code + "001", "name": "dup", "address": "x", "grid": grid.pk},
        {"code": grid.code + "099", "name": "x", "address": "x", "grid": grid.pk, "units": 10**12},
        {"code": grid.code + "098", "name": "x\x00", "address": "x", "grid": grid.pk},
        {"code": grid.code + "097", "name": "x", "address": "x", "grid": 10**30},
        {"code": grid.code + "096", "name": "x", "address": "x", "grid": grid.pk, "units": 0},
    ):
        response = api_client.post("/api/v1/buildings/", payload, format="json")
        expected = 409 if payload["name"] == "dup" else 400  # a duplicate code: a conflict
        assert response.status_code == expected, (payload, response.content)
    assert not Building.objects.filter(
        code__in=[grid.code + s for s in ("099", "098", "097", "096")]
    ).exists()


def test_deleting_a_node_in_use_is_a_clear_error(world, api_client):
    api_client.force_authenticate(world.user("county_admin"))
    response = api_client.delete(f"/api/v1/grids/{world.grids[0].pk}/")
    assert response.status_code == 409 and response.json()["detail"]
    assert Grid.objects.filter(pk=world.grids[0].pk).exists()


def _many(n):
    street = StreetFactory(code="330281500")
    for i in range(n):
        StreetFactory(code=f"330281{600 + i:03d}")
    community = CommunityFactory(street=street, code="330281500001")
    for i in range(n):
        CommunityFactory(street=street, code=f"330281500{100 + i:03d}")
    grid = GridFactory(community=community, code="330281500001001")
    for i in range(n):
        GridFactory(community=community, code=f"330281500001{100 + i:03d}")
    for i in range(n):
        building = BuildingFactory(grid=grid, code=f"330281500001001{100 + i:03d}")
        PartyOrganizationFactory(kind=PartyOrganization.Kind.BUILDING_GROUP, building=building)
        HandlingUnitFactory(community=community)
        PostFactory(user=UserFactory(), role=Role.BUILDING_LEADER, building=building)


@pytest.mark.parametrize("endpoint", list(ENDPOINTS)[:7])
@pytest.mark.parametrize("persona", ["county_admin", "street_admin"])
def test_list_query_count_does_not_grow_with_page_size(world, api_client, endpoint, persona):
    _many(50)
    api_client.force_authenticate(world.user(persona))
    api_client.get(f"/api/v1/{endpoint}/")  # warms the role grants cache
    counts = []
    for size in (2, 50):
        api_client.force_authenticate(world.user(persona))
        with CaptureQueriesContext(connection) as ctx:
            response = api_client.get(f"/api/v1/{endpoint}/", {"page_size": size})
        assert response.status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts


def test_schema_and_docs_are_served_without_a_cdn(client):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/buildings/" in schema.content
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "/static/drf_spectacular_sidecar/" in html
    assert "cdn" not in html.lower() and "https://" not in html


def test_token_authentication(world, api_client):
    response = api_client.post(
        "/api/v1/auth/token/",
        {"username": "grid_member", "password": "correct-horse-battery-staple"},
    )
    assert response.status_code == 200
    token = response.json()["token"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert _ids(api_client.get("/api/v1/grids/")) == {world.grids[0].pk}
    bad = api_client.post("/api/v1/auth/token/", {"username": "grid_member", "password": "x"})
    assert bad.status_code == 401 and bad.json()["detail"]
