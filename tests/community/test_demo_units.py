"""The demo fills the demo resident's community with units on the net (once)."""

import pytest

from community.demo import seed_demo_units
from community.models import Commitment, CommunityNeed, ResourceRequest, Unit
from grid.demo import seed_demo


@pytest.fixture
def demo(db, settings, tmp_path):
    settings.PORTAL_DEMO = True
    settings.PORTAL_DEMO_ACCOUNTS_FILE = tmp_path / "demo-accounts.json"
    seed_demo()


def test_the_demo_has_units_commitments_both_ways_and_a_request(demo):
    assert Unit.objects.count() >= 2
    assert Unit.objects.filter(kind="property_company", handling_unit__isnull=False).exists()
    assert set(Commitment.objects.values_list("side", flat=True)) == {"unit", "community"}
    assert Commitment.objects.filter(deliveries__isnull=False).exists()
    assert CommunityNeed.objects.filter(state="open").exists()
    assert ResourceRequest.objects.filter(state="requested").exists()
    assert seed_demo_units() == 0  # once
