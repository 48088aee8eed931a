import pytest


@pytest.fixture
def world(world):
    """The shared world, plus an Open311 partner key bound to the first street, so that
    the scoping checks that walk every scoped model find one.

    TODO: move into ``tests.factories.build_world`` (owned elsewhere) and drop this."""
    from grid.models import Open311Key

    key = Open311Key(name="测试合作方", street=world.streets[0])
    key.set_new_key()
    key.save()
    return world
