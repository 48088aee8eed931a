import pytest


@pytest.fixture
def world(world):
    """The shared world as it is (tests/funding/world.py adds the first community's
    special fund, a filed project and a paid expenditure)."""
    return world
