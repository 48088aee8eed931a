"""The one mechanism: for_user and has_perm agree, and match the tree."""

import pytest
from django.db import connection, transaction

from grid.models import (
    Building,
    BuildingUserGrant,
    Community,
    Grid,
    HandlingUnit,
    PartyOrganization,
    Post,
    Resident,
    ServiceRequest,
    Street,
)
from grid.permissions import Role
from grid.scoping import ACTIONS, OutOfScope, perm_name, save_in_scope, scoped_models
from grid.services import move_building, move_community, move_grid

from ..factories import PERSONAS, UserFactory, attach
from ..oracle import expected_allowed


def test_every_net_model_is_scoped():
    assert {Street, Community, Grid, Building, HandlingUnit, PartyOrganization, Post} <= set(
        scoped_models()
    )


@pytest.mark.parametrize("persona", PERSONAS)
def test_for_user_and_has_perm_agree_with_the_tree(world, persona):
    for model in scoped_models():
        objects = list(model.objects.all())
        # The net's models are all in the world; an app above it adds its own through
        # tests/<app>/world.py (its own tests check its scoping as well).
        if model._meta.app_label != "grid" and not objects:
            continue
        assert objects, f"the world has no {model.__name__}"
        for action in ACTIONS:
            user = world.user(persona)
            perm = perm_name(model, action)
            listed = set(model.objects.for_user(user, action).values_list("pk", flat=True))
            answered = {obj.pk for obj in objects if user.has_perm(perm, obj)}
            expected = {obj.pk for obj in objects if expected_allowed(user, perm, obj)}
            assert listed == answered, (persona, model.__name__, action)
            assert listed == expected, (persona, model.__name__, action)


def test_county_admin_sees_everything(world):
    user = world.user("county_admin")
    assert Building.objects.for_user(user).count() == Building.objects.count() == 16


def test_street_admin_sees_only_their_street(world):
    user = world.user("street_admin")
    street = world.streets[0]
    assert list(Street.objects.for_user(user)) == [street]
    assert set(Building.objects.for_user(user)) == set(Building.objects.filter(street=street))
    assert not Building.objects.for_user(user).filter(street=world.streets[1]).exists()


def test_grid_member_cannot_see_other_grid(world):
    user = world.user("grid_member")
    assert list(Grid.objects.for_user(user)) == [world.grids[0]]
    assert not user.has_perm("grid.view_grid", world.grids[1])
    assert set(Building.objects.for_user(user)) == set(world.buildings[:2])
    assert not Community.objects.for_user(user).exists()


def test_building_leader_sees_only_their_building(world):
    user = world.user("building_leader")
    assert list(Building.objects.for_user(user)) == [world.buildings[0]]
    assert not Grid.objects.for_user(user).exists()
    assert not user.has_perm("grid.change_building", world.buildings[0])


def test_outsider_and_anonymous_see_nothing(world):
    from django.contrib.auth.models import AnonymousUser

    for user in (world.user("outsider"), AnonymousUser()):
        for model in scoped_models():
            assert not model.objects.for_user(user).exists()


def test_department_staff_see_streets_and_communities_only(world):
    user = world.user("department_staff")
    assert Street.objects.for_user(user).count() == 2
    assert Community.objects.for_user(user).count() == 4
    assert not Grid.objects.for_user(user).exists()


def test_inactive_post_grants_nothing(world):
    Post.objects.filter(user=world.users["grid_member"]).update(is_active=False)
    assert not Building.objects.for_user(world.user("grid_member")).exists()


def test_for_user_is_one_query(world, django_assert_num_queries):
    user = world.user("street_admin")
    user.has_perm("grid.view_building")  # loads the user's posts and role grants
    with django_assert_num_queries(1):
        list(Building.objects.for_user(user, "change"))


def test_guardian_grant_opens_one_building(world):
    from django.contrib.auth.models import Permission

    user = UserFactory(username="property-manager")
    building = world.buildings[5]
    BuildingUserGrant.objects.create(
        user=user,
        content_object=building,
        permission=Permission.objects.get(codename="view_building"),
    )
    user = type(user).objects.get(pk=user.pk)
    assert list(Building.objects.for_user(user)) == [building]
    assert user.has_perm("grid.view_building", building)
    assert not user.has_perm("grid.view_building", world.buildings[4])
    assert not user.has_perm("grid.change_building", building)


def test_role_grant_changes_take_effect(world):
    from django.contrib.auth.models import Permission

    from grid.models import RolePermission

    user = world.user("building_leader")
    assert not Building.objects.for_user(user, "change").exists()
    RolePermission.objects.create(
        role=Role.BUILDING_LEADER, permission=Permission.objects.get(codename="change_building")
    )
    assert list(Building.objects.for_user(world.user("building_leader"), "change")) == [
        world.buildings[0]
    ]


def test_moving_a_grid_moves_what_hangs_below_it(world):
    grid = world.grids[0]
    target = world.communities[3]  # in the other street
    move_grid(user=world.user("county_admin"), grid=grid, community=target)
    grid.refresh_from_db()
    assert grid.code.startswith(target.code) and grid.street == target.street
    for building in Building.objects.filter(grid=grid):
        assert building.community_id == target.pk
        assert building.street_id == target.street_id
        assert building.code.startswith(grid.code)
    branch = PartyOrganization.objects.get(grid=grid, kind=PartyOrganization.Kind.GRID_BRANCH)
    assert branch.community_id == target.pk and branch.street_id == target.street_id
    groups = PartyOrganization.objects.filter(building__grid=grid)
    assert groups.count() == 2 and {g.street_id for g in groups} == {target.street_id}
    post = Post.objects.get(user__username="grid_member")
    assert post.street_id == target.street_id
    # The old street admin no longer sees it; the other one does.
    assert not Building.objects.for_user(world.user("street_admin")).filter(grid=grid).exists()
    assert (
        Building.objects.for_user(world.user("other_street_admin")).filter(grid=grid).count() == 2
    )


def test_moving_a_community_moves_its_grids_and_buildings(world):
    community = world.communities[0]
    move_community(user=world.user("county_admin"), community=community, street=world.streets[1])
    assert set(Grid.objects.filter(community=community).values_list("street", flat=True)) == {
        world.streets[1].pk
    }
    assert set(Building.objects.filter(community=community).values_list("street", flat=True)) == {
        world.streets[1].pk
    }
    for grid in Grid.objects.filter(community=community):
        assert grid.code.startswith(community.code)
        assert grid.code[:12] == Community.objects.get(pk=community.pk).code


def test_move_out_of_scope_is_refused_and_changes_nothing(world):
    building = world.buildings[0]
    before = Building.objects.values_list("pk", "grid_id", "code", "street_id").get(pk=building.pk)
    with pytest.raises(OutOfScope):
        move_building(user=world.user("street_admin"), building=building, grid=world.grids[7])
    after = Building.objects.values_list("pk", "grid_id", "code", "street_id").get(pk=building.pk)
    assert before == after


def test_save_in_scope_rolls_back_a_write_outside_scope(world):
    user = world.user("community_secretary")
    grid = Grid(community=world.communities[2], code=world.communities[2].code + "009", name="x")
    with pytest.raises(OutOfScope), transaction.atomic():
        save_in_scope(user, grid, "add")
    assert not Grid.objects.filter(code=grid.code).exists()


def test_post_on_wrong_tier_is_invalid(world):
    from django.core.exceptions import ValidationError

    post = Post(user=world.users["outsider"], role=Role.GRID_MEMBER, community=world.communities[0])
    with pytest.raises(ValidationError):
        post.clean()
    attach(Role.GRID_MEMBER, world.users["outsider"], world.grids[3]).clean()


def test_the_single_object_grants_are_an_index_condition_on_postgresql(world):
    """On PostgreSQL a user's django-guardian grants enter ``for_user`` as
    ``id = ANY(ARRAY(subquery))``, which the planner ORs with the tier columns' indexes
    (a plain ``IN (subquery)`` there is a filter over the whole table); elsewhere, the
    plain ``IN``. The rows are the same either way (the oracle tests above)."""
    sql = str(ServiceRequest.objects.for_user(world.user("grid_member")).query)
    if connection.vendor == "postgresql":
        assert '"id" = ANY(ARRAY(SELECT' in sql
    else:
        assert '"id" IN (SELECT' in sql


def test_a_resident_holds_the_nodes_of_their_home_as_a_person(world):
    from grid.scoping import forget_holdings, own_ids

    user = world.user("resident")
    household = world.residents[0].household
    assert own_ids(user, "household") == [household.pk]
    assert own_ids(user, "building") == [household.building_id]
    assert own_ids(user, "grid") == [household.grid_id]
    assert own_ids(user, "community") == [household.community_id]
    assert own_ids(user, "street") == [household.street_id]
    assert own_ids(world.user("outsider"), "community") == []
    # Moving out ends it (the cache goes with the posts' cache).
    Resident.objects.filter(user=user).update(state="moved_out")
    forget_holdings(user)
    assert own_ids(user, "community") == []


def test_a_post_holds_the_nodes_it_sits_in_as_a_person(world):
    from grid.scoping import own_ids

    leader = world.user("building_leader")
    building = world.buildings[0]
    assert own_ids(leader, "post_building") == [building.pk]
    assert own_ids(leader, "post_grid") == [building.grid_id]
    assert own_ids(leader, "post_community") == [building.community_id]
    assert own_ids(leader, "post_street") == [building.street_id]
    assert own_ids(world.user("street_admin"), "post_community") == []
    assert own_ids(world.user("resident"), "post_street") == []
