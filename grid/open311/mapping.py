"""From the net to GeoReport v2: categories as services, requests as service requests.

Nothing about the reporter (name, phone, ID number, account) is ever mapped."""

from django.db.models import Max, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Category, RequestEvent, ServiceRequest

CLOSED_STATES = ("closed", "evaluated", "rejected", "duplicate", "cancelled")
PUBLIC_ATTRIBUTE = "public"


def iso(value) -> str:
    """ISO 8601 in the portal's time zone (+08:00), to the second; '' for none."""
    if value is None:
        return ""
    return timezone.localtime(value).replace(microsecond=0).isoformat()


def services():
    return Category.objects.filter(is_active=True, parent__isnull=False, parent__is_active=True)


def service(category: Category) -> dict:
    limit = f"{category.handle_limit.normalize():f} {category.get_handle_unit_display()}"
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": _("%(name)s, handled within %(limit)s")
        % {"name": str(category), "limit": limit},
        "metadata": True,
        "type": "realtime",
        "keywords": f"{category.parent.name},{category.name}",
        "group": category.parent.name,
    }


def definition(category: Category) -> dict:
    """The one attribute every service takes: whether the request may be public."""
    return {
        "service_code": category.code,
        "attributes": [
            {
                "variable": True,
                "code": PUBLIC_ATTRIBUTE,
                "datatype": "singlevaluelist",
                "required": False,
                "datatype_description": _("true or false"),
                "order": 1,
                "description": _("May the request be shown to the public (without personal data)?")
                + " "
                + (_("Default: yes.") if category.public_by_default else _("Default: no.")),
                "values": [
                    {"key": "true", "name": _("Public")},
                    {"key": "false", "name": _("Not public")},
                ],
            }
        ],
    }


def requests_queryset(key=None):
    """The service requests an Open311 client may read, with what the mapping needs."""
    return (
        ServiceRequest.objects.for_open311(key)
        .select_related(
            "category", "building", "grid", "community", "street", "handler_unit", "open311"
        )
        .annotate(last_event_at=_last_event_at())
    )


def _last_event_at():
    """The time of the request's newest event, read for each request of the answer (a
    correlated subquery on the event index, instead of a join and a GROUP BY over every
    request of the window)."""
    newest = (
        RequestEvent.objects.filter(request=OuterRef("pk"))
        .values("request")
        .annotate(newest=Max("at"))
        .values("newest")
    )
    return Subquery(newest)


class Labels:
    """The translated names of the states and tiers, once per answer (a model's
    ``get_FOO_display`` rebuilds its choices and translates them on every call)."""

    def __init__(self):
        self.state = {value: str(label) for value, label in ServiceRequest.State.choices}
        self.level = {value: str(label) for value, label in ServiceRequest.Level.choices}


def _status_notes(request: ServiceRequest, labels: Labels) -> str:
    notes = labels.state.get(request.state, request.state)
    if request.state == "rejected" and request.reason:
        notes = f"{notes}: {request.reason}"
    elif request.state == "duplicate" and request.duplicate_of_id:
        notes = _("%(state)s (see the original request)") % {"state": notes}
    return str(notes)


def _agency(request: ServiceRequest, labels: Labels) -> str:
    if request.handler_unit_id:
        return request.handler_unit.name
    node = getattr(request, request.level, None)
    tier = labels.level.get(request.level, request.level)
    return f"{node.name}（{tier}）" if node is not None else str(tier)


def _address(request: ServiceRequest) -> str:
    if request.building_id:
        return request.building.address
    parts = [request.community.name if request.community_id else "", request.grid.name]
    return "".join(parts)


def _coordinate(request: ServiceRequest, field: str):
    """The building's coordinate as a number, or "" where the place has none."""
    value = getattr(request.building, field) if request.building_id else None
    return float(value) if value is not None else ""


def service_requests(requests) -> list[dict]:
    labels = Labels()
    return [service_request(request, labels) for request in requests]


def service_request(request: ServiceRequest, labels: Labels | None = None) -> dict:
    labels = labels or Labels()
    expected = request.due_handle_at if request.registered_at else request.due_register_at
    submission = getattr(request, "open311", None)
    updated = getattr(request, "last_event_at", None) or request.created_at
    return {
        "service_request_id": request.number,
        "status": "closed" if request.state in CLOSED_STATES else "open",
        "status_notes": _status_notes(request, labels),
        "service_name": request.category.name,
        "service_code": request.category.code,
        "description": request.description,
        "agency_responsible": _agency(request, labels),
        "service_notice": "",
        "requested_datetime": iso(request.created_at),
        "updated_datetime": iso(updated),
        "expected_datetime": iso(expected),
        "address": _address(request),
        "address_id": request.building.code if request.building_id else "",
        "zipcode": "",
        "lat": _coordinate(request, "latitude"),
        "long": _coordinate(request, "longitude"),
        "media_url": submission.media_url if submission is not None else "",
    }
