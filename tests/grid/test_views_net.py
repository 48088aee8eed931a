"""Browsing the net in HTML: street → community → grid → building, within scope."""

import pytest
from django.urls import reverse

from grid.models import Building, Community, Grid, Street

from ..factories import PASSWORD, PERSONAS

PAGES = {
    Street: "grid:street-detail",
    Community: "grid:community-detail",
    Grid: "grid:grid-detail",
    Building: "grid:building-detail",
}


def login(client, world, persona):
    client.force_login(world.users[persona])


@pytest.mark.parametrize("persona", PERSONAS)
def test_node_pages_follow_the_scope(world, client, persona):
    login(client, world, persona)
    user = world.user(persona)
    for model, name in PAGES.items():
        visible = set(model.objects.for_user(user).values_list("pk", flat=True))
        for obj in model.objects.all():
            response = client.get(reverse(name, args=[obj.pk]))
            assert response.status_code == (200 if obj.pk in visible else 404), (persona, obj)


def test_pages_need_sign_in(world, client):
    response = client.get(reverse("grid:street-detail", args=[world.streets[0].pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.get("/").status_code == 302


def test_street_page_lists_communities_with_counts(world, client):
    login(client, world, "street_admin")
    response = client.get(reverse("grid:street-detail", args=[world.streets[0].pk]))
    children = list(response.context["children"])
    assert [c.pk for c in children] == [c.pk for c in world.communities[:2]]
    assert all(c.grid_count == 2 and c.building_count == 4 for c in children)
    assert "社区1-1" in response.content.decode()


def test_department_staff_counts_only_what_they_may_see(world, client):
    login(client, world, "department_staff")
    response = client.get(reverse("grid:street-detail", args=[world.streets[0].pk]))
    assert all(c.grid_count == 0 for c in response.context["children"])


@pytest.mark.parametrize(
    "persona, expected",
    [
        ("county_admin", {"streets": 2, "communities": 4, "grids": 8, "buildings": 16}),
        ("street_admin", {"streets": 1, "communities": 2, "grids": 4, "buildings": 8}),
        ("community_worker", {"streets": 0, "communities": 1, "grids": 2, "buildings": 4}),
        ("grid_member", {"streets": 0, "communities": 0, "grids": 1, "buildings": 2}),
        ("building_leader", {"streets": 0, "communities": 0, "grids": 0, "buildings": 1}),
        ("outsider", {"streets": 0, "communities": 0, "grids": 0, "buildings": 0}),
    ],
)
def test_workbench_shows_posts_and_part_of_the_net(world, client, persona, expected):
    login(client, world, persona)
    response = client.get("/")
    assert response.status_code == 200
    assert response.context["totals"] == expected
    posts = list(response.context["posts"])
    assert len(posts) == (0 if persona == "outsider" else 1)


def test_grid_member_workbench_lists_their_grid_only(world, client):
    login(client, world, "grid_member")
    response = client.get("/")
    assert list(response.context["grids"]) == [world.grids[0]]
    assert not response.context["communities"]


def test_breadcrumbs_link_only_visible_ancestors(world, client):
    login(client, world, "grid_member")
    response = client.get(reverse("grid:building-detail", args=[world.buildings[0].pk]))
    crumbs = response.context["breadcrumbs"]
    assert [(node.pk, visible) for node, visible in crumbs] == [
        (world.streets[0].pk, False),
        (world.communities[0].pk, False),
        (world.grids[0].pk, True),
    ]


def test_huge_id_in_url_is_404(world, client):
    login(client, world, "county_admin")
    assert client.get("/net/buildings/99999999999999999999999999/").status_code == 404


def test_login_page_lists_demo_accounts_only_in_demo_mode(world, client, settings, tmp_path):
    accounts = tmp_path / "accounts.json"
    accounts.write_text(
        '[{"username": "demo-user", "password": "p", "role": "x", "tier": "grid", "node": "1"}]'
    )
    settings.PORTAL_DEMO_ACCOUNTS_FILE = accounts
    settings.PORTAL_DEMO = True
    assert "demo-user" in client.get("/accounts/login/").content.decode()
    settings.PORTAL_DEMO = False
    assert "demo-user" not in client.get("/accounts/login/").content.decode()


def test_sign_in_lands_on_the_workbench(world, client):
    response = client.post("/accounts/login/", {"username": "grid_member", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").status_code == 200
