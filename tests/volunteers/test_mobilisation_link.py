"""The volunteers' provider of core.mobilisation (issue 17): an emergency's call starts
the household mobilisation on its node, its coverage is read back through the core, the
end of the emergency closes it."""

import pytest

from core import mobilisation
from volunteers.models import Mobilisation


def call(world, username, node):
    return mobilisation.mobilise(
        by=world.user(username), node=node, kind="typhoon", title="台风防御", reason="台风：关窗"
    )


def test_a_community_emergency_starts_one_mobilisation_there(world):
    links = call(world, "community_worker", world.communities[0])
    ref = links["volunteers"]["ref"]
    started = Mobilisation.objects.get(pk=int(ref))
    assert started.community_id == world.communities[0].pk
    assert started.grid_id is None
    assert started.state == Mobilisation.State.OPEN
    [seen] = mobilisation.states(links, world.user("community_worker"))
    assert seen.is_open and seen.households > 0 and seen.answered == 0
    assert seen.url == "/volunteers/work/mobilisations/"


def test_a_street_emergency_mobilises_each_of_its_communities(world):
    street = world.streets[0]
    links = call(world, "street_admin", street)
    ids = [int(i) for i in links["volunteers"]["ref"].split(",")]
    started = Mobilisation.objects.filter(pk__in=ids)
    communities = set(started.values_list("community_id", flat=True))
    assert communities == set(street.communities.values_list("pk", flat=True))


def test_a_post_without_the_permission_is_refused_and_nothing_is_started(world):
    before = Mobilisation.objects.count()
    links = call(world, "grid_member", world.grids[0])
    assert "volunteers" in mobilisation.refusals(links)
    assert Mobilisation.objects.count() == before


def test_another_streets_office_cannot_mobilise_here(world):
    before = Mobilisation.objects.count()
    links = call(world, "other_street_admin", world.communities[0])
    assert "volunteers" in mobilisation.refusals(links)
    assert Mobilisation.objects.count() == before


def test_the_state_is_read_in_the_viewers_scope(world):
    links = call(world, "community_worker", world.communities[0])
    [resident_view] = mobilisation.states(links, world.user("resident"))
    assert resident_view.url == "/volunteers/mobilisations/"
    assert mobilisation.states(links, world.user("outsider")) == []
    assert mobilisation.states(links, world.user("other_street_admin")) == []


def test_standing_down_closes_it_and_twice_is_harmless(world):
    links = call(world, "community_worker", world.communities[0])
    by = world.user("community_secretary")
    mobilisation.stand_down(by=by, links=links)
    started = Mobilisation.objects.get(pk=int(links["volunteers"]["ref"]))
    assert started.state == Mobilisation.State.CLOSED
    mobilisation.stand_down(by=by, links=links)
    [seen] = mobilisation.states(links, by)
    assert not seen.is_open


@pytest.mark.parametrize("ref", ["", "x,,", "999999"])
def test_a_stale_reference_reads_as_nothing(world, ref):
    assert mobilisation.states({"volunteers": {"ref": ref}}, world.user("county_admin")) == []
