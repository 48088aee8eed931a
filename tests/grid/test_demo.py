"""The Yuyao demo county and its accounts."""

import json

import pytest
from django.core.management import CommandError, call_command

from grid.demo import DEMO_PASSWORD, seed_demo
from grid.models import Building, Community, Grid, PartyOrganization, Post, Street
from grid.permissions import Role


@pytest.fixture
def demo(db, settings, tmp_path):
    settings.PORTAL_DEMO = True
    settings.PORTAL_DEMO_ACCOUNTS_FILE = tmp_path / "demo-accounts.json"
    seed_demo()
    return json.loads(settings.PORTAL_DEMO_ACCOUNTS_FILE.read_text(encoding="utf-8"))


def test_demo_county_has_the_shape_of_the_issue(demo):
    assert Street.objects.count() >= 3
    assert {"阳明街道", "凤山街道", "梨洲街道"} <= set(
        Street.objects.values_list("name", flat=True)
    )
    for street in Street.objects.all():
        assert street.communities.count() >= 2
    for community in Community.objects.all():
        assert community.grids.count() >= 3
        assert PartyOrganization.objects.filter(community=community, grid__isnull=True).exists()
    for grid in Grid.objects.all():
        assert len(grid.code) == 15 and grid.code.startswith("330281")
        assert grid.buildings.exists()
        assert PartyOrganization.objects.filter(grid=grid, kind="grid_branch").exists()
    for building in Building.objects.all():
        assert PartyOrganization.objects.filter(building=building).exists()
    assert set(Post.objects.values_list("role", flat=True)) == set(Role.values)


def test_every_demo_community_has_requests_in_every_state(demo):
    from grid.models import RequestApplication, ReturnVisit, ServiceRequest

    for community in Community.objects.all():
        requests = ServiceRequest.objects.filter(community=community)
        states = set(requests.values_list("state", flat=True))
        assert {"submitted", "registered", "in_progress", "evaluated"} <= states, community
        assert requests.filter(handle_overdue=True).exists()
        assert requests.filter(rework_count__gt=0).exists()
        assert RequestApplication.objects.filter(
            request__community=community, kind="extension", state="pending"
        ).exists()
        assert ReturnVisit.objects.filter(request__community=community).exists()


def test_demo_accounts_cover_every_role_and_tier(demo):
    roles = {account["role"] for account in demo}
    assert set(Role.values) <= roles and "none" in roles
    assert {"county", "street", "community", "grid", "building", "none"} <= {
        account["tier"] for account in demo
    }
    for account in demo:
        assert set(account) >= {"username", "password", "role", "tier", "node"}


def test_every_demo_account_can_sign_in(demo, client):
    for account in demo:
        client.logout()
        response = client.post(
            "/accounts/login/", {"username": account["username"], "password": account["password"]}
        )
        assert response.status_code == 302, account["username"]
        assert client.get("/").status_code == 200
    assert demo[0]["password"] == DEMO_PASSWORD


def test_seed_demo_is_idempotent(demo, settings):
    counts = [
        m.objects.count() for m in (Street, Community, Grid, Building, PartyOrganization, Post)
    ]
    result = seed_demo()
    assert result.created == 0
    assert counts == [
        m.objects.count() for m in (Street, Community, Grid, Building, PartyOrganization, Post)
    ]


def test_seed_demo_refuses_outside_demo_mode(db, settings):
    settings.PORTAL_DEMO = False
    with pytest.raises(CommandError):
        call_command("seed_demo")
    assert not Street.objects.exists()
