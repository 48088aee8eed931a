"""At 360 px, the narrowest phone the portal supports, in both modes, no page scrolls
sideways and every touch target keeps 44 px."""

import pytest

from grid.models import Building

from .journey import NARROW, Journey


@pytest.fixture
def narrow(browser, portal, request):
    trip = Journey.start(browser, portal["url"], "narrow", request.node, size=NARROW)
    yield trip
    trip.finish()


def test_pages_fit_a_360_px_phone(narrow):
    building = Building.objects.order_by("code").first()
    pages = [
        ("/", "workbench"),
        (f"/net/streets/{building.street_id}/", "street"),
        (f"/net/communities/{building.community_id}/", "community"),
        (f"/net/grids/{building.grid_id}/", "grid"),
        (f"/net/buildings/{building.pk}/", "building"),
        ("/directory/buildings/", "directory"),
        ("/ui/", "components"),
    ]
    narrow.sign_in("jd1")
    for path, label in pages:
        narrow.open(path, label)
    narrow.click(narrow.page.get_by_test_id("care-toggle"), "care-on")
    for path, label in pages:
        narrow.open(path, f"care-{label}")
    narrow.click(narrow.page.get_by_test_id("care-toggle"), "care-off")  # as it was
    narrow.assert_clean()
