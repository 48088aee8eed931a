"""Who sees what of volunteer service: both entry points agree, through the one scoping;
a team leader's guardian grant covers their team only."""

import pytest

from grid.scoping import scoped_models
from volunteers.models import HourEntry, Shift, SignUp, Team, TimeBankEntry, Volunteer

from .helpers import make_team

VIEWERS = [
    "county_admin",
    "street_admin",
    "other_street_admin",
    "community_worker",
    "grid_member",
    "resident",
    "outsider",
]


@pytest.mark.parametrize("persona", VIEWERS)
def test_for_user_and_has_perm_agree(world, persona):
    user = world.user(persona)
    for model in [m for m in scoped_models() if m._meta.app_label == "volunteers"]:
        visible = set(model.objects.for_user(user).values_list("pk", flat=True))
        perm = f"volunteers.view_{model._meta.model_name}"
        for obj in model.objects.all():
            assert (obj.pk in visible) == user.has_perm(perm, obj), (persona, model, obj.pk)


def test_residents_see_their_streets_shifts_and_only_their_own_records(world, team):
    resident = world.user("resident")
    assert Shift.objects.for_user(resident).count() == Shift.objects.count()
    assert set(Volunteer.objects.for_user(resident)) == {Volunteer.objects.get(user=resident)}
    far_team = make_team(world.communities[2], name="别街队伍")
    assert far_team not in Team.objects.for_user(resident)
    assert not HourEntry.objects.for_user(world.user("outsider")).exists()
    assert not TimeBankEntry.objects.for_user(world.user("other_street_admin")).exists()
    assert SignUp.objects.for_user(world.user("grid_member")).count() == 0


def test_a_leader_holds_their_team_and_not_another(world, team):
    other = make_team(world.communities[0], name="另一支队伍")
    leader = team.leader
    assert leader.has_perm("volunteers.change_team", team)
    assert not leader.has_perm("volunteers.change_team", other)
    assert set(Team.objects.for_user(leader, "change")) == {team}
