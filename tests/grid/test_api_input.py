"""Input to the REST API as its schema documents it (the findings of the API fuzzing,
tests/fuzz): unknown fields and wrong JSON types refused, the status by what is wrong
(400 not the schema's input, 409 a state conflict, 422 a rule), strict query
parameters, and JSON answers for paths no route matches."""

import pytest

from grid.models import Building, ServiceRequest

from .request_states import walk


def test_an_unknown_field_is_refused_not_ignored(world, api_client):
    api_client.force_authenticate(world.user("county_admin"))
    street = world.streets[0]
    response = api_client.patch(
        f"/api/v1/streets/{street.pk}/", {"name": "新名", "nmae": "typo"}, format="json"
    )
    assert response.status_code == 400 and "nmae" in response.json()
    street.refresh_from_db()
    assert street.name != "新名"


def test_a_read_only_field_in_a_body_is_refused(world, api_client):
    api_client.force_authenticate(world.user("county_admin"))
    response = api_client.patch(
        f"/api/v1/grids/{world.grids[0].pk}/", {"street": world.streets[1].pk}, format="json"
    )
    assert response.status_code == 400 and "street" in response.json()


@pytest.mark.parametrize(
    "field, value",
    [("name", 0), ("units", "3"), ("units", True), ("grid", "1"), ("grid", 1.5)],
)
def test_json_values_have_their_documented_type(world, api_client, field, value):
    api_client.force_authenticate(world.user("county_admin"))
    building = world.buildings[0]
    response = api_client.patch(f"/api/v1/buildings/{building.pk}/", {field: value}, format="json")
    assert response.status_code == 400 and field in response.json()


def test_a_whole_number_written_as_a_float_is_a_whole_number(world, api_client):
    api_client.force_authenticate(world.user("county_admin"))
    building = world.buildings[0]
    response = api_client.patch(
        f"/api/v1/buildings/{building.pk}/",
        {"units": 3.0, "grid": float(building.grid_id)},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert Building.objects.get(pk=building.pk).units == 3


def test_a_body_on_a_step_without_fields_is_checked(world, api_client):
    api_client.force_authenticate(world.user("county_admin"))
    request = ServiceRequest.objects.get()
    response = api_client.post(
        f"/api/v1/requests/{request.pk}/register/", {"note": False}, format="json"
    )
    assert response.status_code == 400
    assert ServiceRequest.objects.get(pk=request.pk).state == "submitted"


def test_multipart_is_only_for_photos(world, api_client):
    api_client.force_authenticate(world.user("county_admin"))
    street = world.streets[0]
    response = api_client.patch(
        f"/api/v1/streets/{street.pk}/", {"name": "新名"}, format="multipart"
    )
    assert response.status_code == 415
    response = api_client.post("/api/v1/notifications/read/", {"ids": 1}, format="multipart")
    assert response.status_code == 415


def test_a_step_in_the_wrong_state_is_a_conflict(world, api_client):
    api_client.force_authenticate(world.user("county_admin"))
    request = walk(world, ServiceRequest.objects.get(), to="closed")
    response = api_client.post(f"/api/v1/requests/{request.pk}/register/", {}, format="json")
    assert response.status_code == 409 and response.json()["detail"]


def test_an_id_of_nothing_visible_is_a_422(world, api_client):
    api_client.force_authenticate(world.user("county_admin"))
    grid = world.grids[0]
    response = api_client.post(
        "/api/v1/buildings/",
        {"code": grid.code + "077", "name": "x", "address": "x", "grid": 10**12},
        format="json",
    )
    assert response.status_code == 422 and "grid" in response.json()


@pytest.mark.parametrize(
    "query",
    [
        "page_size=201",
        "page_size=0",
        "page=",
        "page=0",
        "kind=",
        "kind=street&kind=town",
        "street=0",
        "street=",
        "code__startswith=3&code__startswith=4",
    ],
)
def test_query_parameters_outside_the_schema_are_400(world, api_client, query):
    api_client.force_authenticate(world.user("county_admin"))
    assert api_client.get(f"/api/v1/communities/?{query}").status_code == 400


@pytest.mark.parametrize("value", ["null", "", "yes"])
def test_a_yes_no_filter_takes_true_or_false(world, api_client, value):
    api_client.force_authenticate(world.user("county_admin"))
    assert api_client.get(f"/api/v1/posts/?is_active={value}").status_code == 400
    assert api_client.get(f"/api/v1/notifications/?unread={value}").status_code == 400
    assert api_client.get("/api/v1/posts/?is_active=true").status_code == 200


def test_an_empty_kpi_parameter_is_400(world, api_client):
    api_client.force_authenticate(world.user("county_admin"))
    assert api_client.get("/api/v1/requests/kpis/?tier=").status_code == 400
    response = api_client.get("/api/v1/requests/kpis/?tier=grid")
    assert response.status_code == 200 and set(response.json()) == {
        "tier",
        "date_from",
        "date_to",
        "total",
        "nodes",
    }


def test_an_unknown_api_path_is_a_json_404(world, api_client):
    api_client.force_authenticate(world.user("county_admin"))
    for path in ("/api/v1/nothing/", f"/api/v1/streets/0{world.streets[0].pk}/"):
        response = api_client.get(path)
        assert response.status_code == 404 and response.json()["detail"]
    page = api_client.get("/net/nothing-here/")
    assert page.status_code == 404 and page["Content-Type"].startswith("text/html")


def test_wrong_credentials_for_a_token_are_401(world, api_client):
    response = api_client.post(
        "/api/v1/auth/token/", {"username": "grid_member", "password": "x"}, format="json"
    )
    assert response.status_code == 401 and response.json()["detail"]
    response = api_client.post(
        "/api/v1/auth/token/",
        {"username": "grid_member", "password": "x", "remember": True},
        format="json",
    )
    assert response.status_code == 400 and "remember" in response.json()
