"""Where a partner's request is: no geocoder, so the place is matched to a building (or
a grid) of the net by code or address, within the key's node."""

from django.db.models import F, Value
from django.db.models.functions import Length

from ..models import Building, Grid


def _by_code(code: str):
    if len(code) == 18 and code.isdigit():
        return Building.objects.filter(code=code).first()
    if len(code) == 15 and code.isdigit():
        return Grid.objects.filter(code=code).first()
    return None


def find_place(key, address_id: str = "", address_string: str = ""):
    """``(place, exact)``: the building or grid meant, and whether the address named it
    exactly (else the caller keeps the address as text). ``address_id`` is looked up on
    the whole net, so that a place outside the key's node is refused, not ignored."""
    if address_id:
        return _by_code(address_id.strip()), True
    text = (address_string or "").strip()
    if not text:
        return None, False
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
