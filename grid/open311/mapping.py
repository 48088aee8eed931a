"""From the net to GeoReport v2: categories as services, requests as service requests.

Nothing about the reporter (name, phone, ID number, account) is ever mapped."""

from django.db.models import Max, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Category, RequestEvent, ServiceRequest

CLOSED_STATES = ("closed", "evaluated", "rejected", "duplicate", "cancelled")
PUBLIC_ATTRIBUTE = "public"


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
    """The service requests an Open311 client may read."""
    return ServiceRequest.objects.for_open311(key)


# What the mapping reads of each request, as one row (``values()``): no model instance
# per request and per related object (an answer holds up to 1,000 requests).
ROW_COLUMNS = (
    "number",
    "state",
    "reason",
    "duplicate_of_id",
    "description",
    "level",
    "created_at",
    "registered_at",
    "due_register_at",
    "due_handle_at",
    "category__name",
    "category__code",
    "handler_unit_id",
    "handler_unit__name",
    "building_id",
    "building__address",
    "building__code",
    "building__latitude",
    "building__longitude",
    "street__name",
    "community_id",
    "community__name",
    "grid__name",
    "open311__media_url",
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


def request_rows(queryset):
    return queryset.values(*ROW_COLUMNS, last_event_at=_last_event_at())


class Labels:
    """The translated names of the states and tiers, once per answer (a model's
    ``get_FOO_display`` rebuilds its choices and translates them on every call)."""

    def __init__(self):
        self.state = {value: str(label) for value, label in ServiceRequest.State.choices}
        self.level = {value: str(label) for value, label in ServiceRequest.Level.choices}
        self.tz = timezone.get_current_timezone()

    def iso(self, value) -> str:
        """ISO 8601 in the portal's time zone (+08:00), to the second; '' for none."""
        if value is None:
            return ""
        return value.astimezone(self.tz).replace(microsecond=0).isoformat()


def _status_notes(row: dict, labels: Labels) -> str:
    state = row["state"]
    notes = labels.state.get(state, state)
    if state == "rejected" and row["reason"]:
        notes = f"{notes}: {row['reason']}"
    elif state == "duplicate" and row["duplicate_of_id"]:
        notes = _("%(state)s (see the original request)") % {"state": notes}
    return str(notes)


def _agency(row: dict, labels: Labels) -> str:
    if row["handler_unit_id"]:
        return row["handler_unit__name"]
    level = row["level"]
    name = row.get(f"{level}__name")
    tier = labels.level.get(level, level)
    return f"{name}（{tier}）" if name is not None else str(tier)


def _address(row: dict) -> str:
    if row["building_id"]:
        return row["building__address"]
    parts = [row["community__name"] if row["community_id"] else "", row["grid__name"]]
    return "".join(parts)


def _coordinate(row: dict, field: str):
    """The building's coordinate as a number, or "" where the place has none."""
    value = row[f"building__{field}"] if row["building_id"] else None
    return float(value) if value is not None else ""


def service_requests(queryset) -> list[dict]:
    """The requests of ``queryset`` (from ``requests_queryset``, ordered and sliced as
    the caller wants) as GeoReport service requests."""
    labels = Labels()
    return [service_request(row, labels) for row in request_rows(queryset)]


def service_request(row: dict, labels: Labels) -> dict:
    expected = row["due_handle_at"] if row["registered_at"] else row["due_register_at"]
    updated = row["last_event_at"] or row["created_at"]
    media_url = row["open311__media_url"]
    return {
        "service_request_id": row["number"],
        "status": "closed" if row["state"] in CLOSED_STATES else "open",
        "status_notes": _status_notes(row, labels),
        "service_name": row["category__name"],
        "service_code": row["category__code"],
        "description": row["description"],
        "agency_responsible": _agency(row, labels),
        "service_notice": "",
        "requested_datetime": labels.iso(row["created_at"]),
        "updated_datetime": labels.iso(updated),
        "expected_datetime": labels.iso(expected),
        "address": _address(row),
        "address_id": row["building__code"] if row["building_id"] else "",
        "zipcode": "",
        "lat": _coordinate(row, "latitude"),
        "long": _coordinate(row, "longitude"),
        "media_url": media_url if media_url is not None else "",
    }
