"""KPIs of a node and its children on a known data set: received, closed, closure,
on-time closure, rework, average handling time and satisfaction."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from grid import services
from grid.models import ServiceRequest

from ..factories import CommunityFactory
from .request_states import category, walk

KPIS = reverse("grid:request-kpis")


def _timed(request, hours):
    """Registered at a known moment and handled ``hours`` later."""
    start = timezone.now() - datetime.timedelta(days=2)
    ServiceRequest.objects.filter(pk=request.pk).update(
        registered_at=start, handled_at=start + datetime.timedelta(hours=hours)
    )


@pytest.fixture
def known(world):
    """In the first community. Grid 1: one open, one closed rated 5 (2 h), one closed
    late rated 3 (4 h). Grid 2: one not accepted, one re-handled after a 2-star rating
    and closed again (6 h)."""
    resident = world.user("resident")
    county = world.user("county_admin")

    def submit(building):
        return services.submit_request(
            user=resident, category=category(), description="问题", building=building
        )

    open_one = ServiceRequest.objects.get()
    rated_five = walk(world, submit(world.buildings[0]))
    services.evaluate_request(user=resident, request=rated_five, rating=5)
    _timed(rated_five, 2)
    late = walk(world, submit(world.buildings[1]))
    ServiceRequest.objects.filter(pk=late.pk).update(handle_overdue=True)
    services.evaluate_request(user=resident, request=late, rating=3)
    _timed(late, 4)
    rejected = submit(world.buildings[2])
    services.reject_request(user=county, request=rejected, reason="不属于社区事务")
    reworked = walk(world, submit(world.buildings[3]))
    reworked = services.evaluate_request(user=resident, request=reworked, rating=2)
    services.handle_request(user=county, request=reworked, result="重新处理")
    services.close_request(user=county, request=reworked)
    _timed(reworked, 6)
    return {"open": open_one, "rated_five": rated_five, "late": late, "reworked": reworked}


def test_the_querysets_kpis_on_a_known_set(world, known):
    kpis = ServiceRequest.objects.filter(community=world.communities[0]).kpis()
    assert (kpis["received"], kpis["accepted"], kpis["closed"]) == (5, 4, 3)
    assert kpis["closure_rate"] == 75.0
    assert kpis["on_time_closure_rate"] == 66.67
    assert kpis["rework_rate"] == 33.33
    assert kpis["satisfaction_rate"] == 33.33
    assert kpis["avg_handling_hours"] == 4.0
    by_grid = {row["node_id"]: row for row in ServiceRequest.objects.all().kpis_by("grid")}
    assert by_grid[world.grids[0].pk]["avg_handling_hours"] == 3.0
    assert by_grid[world.grids[1].pk]["avg_handling_hours"] == 6.0
    empty = ServiceRequest.objects.none().kpis()
    assert empty["received"] == 0 and empty["avg_handling_hours"] is None
    assert empty["closure_rate"] is None


def test_the_community_page_shows_the_node_and_its_grids(world, client, known):
    client.force_login(world.users["community_secretary"])
    response = client.get(KPIS)  # the secretary's own community by default
    assert response.status_code == 200
    assert response.context["node"] == world.communities[0]
    total = dict(response.context["total"])
    assert total.pop("avg_handling_hours").startswith("4.0")
    assert total == {
        "received": 5,
        "closed": 3,
        "closure_rate": "75.0%",
        "on_time_closure_rate": "66.7%",
        "rework_rate": "33.3%",
        "extension_rate": "0.0%",
        "satisfaction_rate": "33.3%",
    }
    rows = {row["node"]: row["kpis"] for row in response.context["children"]}
    assert list(rows) == [world.grids[0], world.grids[1]]
    first, second = rows[world.grids[0]], rows[world.grids[1]]
    assert (first["received"], first["closed"], first["closure_rate"]) == (3, 2, "66.7%")
    assert (first["on_time_closure_rate"], first["rework_rate"]) == ("50.0%", "0.0%")
    assert first["satisfaction_rate"] == "50.0%" and "3.0" in first["avg_handling_hours"]
    assert (second["received"], second["closed"], second["closure_rate"]) == (2, 1, "100.0%")
    assert (second["rework_rate"], second["satisfaction_rate"]) == ("100.0%", "0.0%")
    assert "6.0" in second["avg_handling_hours"]


def test_a_street_shows_a_dash_where_there_is_nothing_to_divide(world, client, known):
    client.force_login(world.users["street_admin"])
    response = client.get(KPIS)
    assert response.context["node"] == world.streets[0]
    rows = {row["node"]: row["kpis"] for row in response.context["children"]}
    assert list(rows) == world.communities[:2]
    quiet = rows[world.communities[1]]
    assert quiet["received"] == 0
    assert quiet["closure_rate"] == quiet["satisfaction_rate"] == quiet["avg_handling_hours"]
    assert quiet["closure_rate"] == "—"
    # Drill down to a grid: no children, its own numbers.
    response = client.get(KPIS, {"node": f"grid:{world.grids[1].pk}"})
    assert response.context["total"]["received"] == 2 and response.context["children"] == []


def test_the_date_range_limits_what_is_counted(world, client, known):
    client.force_login(world.users["community_secretary"])
    response = client.get(KPIS, {"date_from": "2020-01-01", "date_to": "2020-12-31"})
    assert response.status_code == 200
    assert response.context["total"]["received"] == 0


def test_the_county_sees_its_streets(world, client, known):
    client.force_login(world.users["county_admin"])
    response = client.get(KPIS)
    assert response.context["node"] is None
    rows = {row["node"]: row["kpis"] for row in response.context["children"]}
    assert list(rows) == world.streets and rows[world.streets[0]]["received"] == 5


def test_a_node_outside_the_scope_is_a_404(world, client, known):
    client.force_login(world.users["community_secretary"])
    for node in (f"community:{world.communities[2].pk}", f"street:{world.streets[1].pk}"):
        assert client.get(KPIS, {"node": node}).status_code == 404
    client.force_login(world.users["other_street_admin"])
    assert client.get(KPIS, {"node": f"grid:{world.grids[0].pk}"}).status_code == 404


@pytest.mark.parametrize(
    "params",
    [
        {"node": "planet:1"},
        {"node": "community:abc"},
        {"node": "community:99999999999999999999999"},
        {"node": "grid:1\x00"},
        {"date_from": "2026-13-01"},
        {"date_from": "2026-05-02", "date_to": "2026-05-01"},
        {"date_to": "9999-12-31"},
    ],
)
def test_bad_input_is_a_400(world, client, params):
    client.force_login(world.users["street_admin"])
    response = client.get(KPIS, params)
    assert response.status_code == 400
    # a NUL byte is refused by the input guard before the view: no form, the same 400
    assert any("\x00" in v for v in params.values()) or response.context["form"].errors


def test_residents_have_no_kpi_page(world, client):
    client.force_login(world.users["resident"])
    assert client.get(KPIS).status_code == 403


def test_the_query_count_does_not_grow_with_the_children(world, client, known):
    client.force_login(world.users["street_admin"])
    counts = []
    for _round in range(2):
        client.get(KPIS)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(KPIS)
        counts.append((len(ctx.captured_queries), len(response.context["children"])))
        for _i in range(3):
            CommunityFactory(street=world.streets[0])
    assert counts[0][1] == 2 and counts[1][1] == 5
    assert counts[0][0] == counts[1][0]


def test_the_api_kpis_carry_the_average_handling_time(world, api_client, known):
    api_client.force_authenticate(world.user("street_admin"))
    data = api_client.get("/api/v1/requests/kpis/", {"tier": "grid"}).json()
    assert data["total"]["avg_handling_hours"] == 4.0
    assert {n["node_id"]: n["avg_handling_hours"] for n in data["nodes"]} == {
        world.grids[0].pk: 3.0,
        world.grids[1].pk: 6.0,
    }
