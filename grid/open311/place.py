"""Where a partner's request is: no geocoder, so the place is matched to a building (or
a grid) of the net by code, address or coordinates, within the key's node."""

import math
from decimal import Decimal

from django.db.models import F, Value
from django.db.models.functions import Length

from ..models import Building, Grid

EXACT_METRES = 50  # a point this close to a building is that building
NEAR_METRES = 300  # within this, the nearest building is taken, the point kept as text
GRID_METRES = 500  # within this, the nearest building's grid; farther, no match
SEARCH_DEGREES = Decimal("0.01")  # about 1.1 km of latitude: the box searched first
EARTH_METRES = 6_371_000


def distance_metres(lat1, long1, lat2, long2) -> float:
    """Great-circle distance (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(long2 - long1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_METRES * math.asin(math.sqrt(min(1.0, a)))


class WholeNet:
    """A stand-in key for the whole county (no node filter)."""

    @staticmethod
    def node_filter() -> dict:
        return {}


def in_another_node(key, lat, long) -> bool:
    """Whether a point falls on the net outside the key's node (near a building of
    another street or community): such a report is refused, not kept for the key."""
    if lat is None or long is None or not key.node_filter():
        return False
    place, _exact = find_by_point(WholeNet, lat, long)
    return place is not None and not key.covers(place)


def find_by_point(key, lat: float, long: float):
    """``(place, exact)`` for a point: the nearest building of the key's node within
    ``NEAR_METRES`` (exact within ``EXACT_METRES``); within ``GRID_METRES``, the grid of
    the nearest building, for the net to register by hand; else ``None``. Uses the
    (latitude, longitude) index through a bounding box."""
    lat_d, long_d = Decimal(str(lat)), Decimal(str(long))
    for box in (SEARCH_DEGREES / 4, SEARCH_DEGREES):
        rows = list(
            Building.objects.filter(
                **key.node_filter(),
                latitude__range=(lat_d - box, lat_d + box),
                longitude__range=(long_d - box, long_d + box),
            )
            .select_related("grid")
            .only("pk", "code", "address", "latitude", "longitude", "grid__name", "grid__code")[
                :500
            ]
        )
        if rows:
            break
    else:
        return None, False
    nearest = min(
        rows,
        key=lambda b: (
            distance_metres(lat, long, float(b.latitude), float(b.longitude)),
            b.pk,
        ),
    )
    metres = distance_metres(lat, long, float(nearest.latitude), float(nearest.longitude))
    if metres <= EXACT_METRES:
        return nearest, True
    if metres <= NEAR_METRES:
        return nearest, False
    if metres <= GRID_METRES:
        return nearest.grid, False
    return None, False


def _by_code(code: str):
    if len(code) == 18 and code.isdigit():
        return Building.objects.filter(code=code).first()
    if len(code) == 15 and code.isdigit():
        return Grid.objects.filter(code=code).first()
    return None


def find_place(key, address_id: str = "", address_string: str = "", lat=None, long=None):
    """``(place, exact)``: the building or grid meant, and whether the address named it
    exactly (else the caller keeps the address as text). ``address_id`` is looked up on
    the whole net, so that a place outside the key's node is refused, not ignored.
    An address string is tried before coordinates, which are the last resort."""
    if address_id:
        return _by_code(address_id.strip()), True
    text = (address_string or "").strip()
    if not text:
        if lat is None or long is None:
            return None, False
        return find_by_point(key, lat, long)
    place, exact = _by_text(key, text)
    if place is None and lat is not None and long is not None:
        return find_by_point(key, lat, long)
    return place, exact


def _by_text(key, text):
    place = _by_code(text)
    if place is not None:
        return place, True
    within = key.node_filter()
    buildings = Building.objects.filter(**within)
    exact = buildings.filter(address=text).first()
    if exact is not None:
        return exact, True
    contained = (
        buildings.annotate(given=Value(text))
        .filter(given__contains=F("address"))
        .order_by(Length("address").desc(), "pk")
        .first()
    )
    if contained is not None:
        return contained, False
    containing = list(buildings.filter(address__contains=text)[:2])
    if len(containing) == 1:
        return containing[0], False
    grid = (
        Grid.objects.filter(**within)
        .annotate(given=Value(text))
        .filter(given__contains=F("name"))
        .order_by(Length("name").desc(), "pk")
        .first()
    )
    return grid, False
