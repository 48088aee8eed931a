"""GeoReport v2 endpoints. Partners are not users: a key (``api_key``) bound to a node
decides what they may post and read, through ``ServiceRequest.objects.for_open311``."""

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig, ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from core.ratelimit import open311_post_limit

from .. import services
from ..models import Open311Key, Open311Submission
from . import mapping
from .forms import MAX_RESULTS, PostRequestForm, RequestsQueryForm, form_errors
from .place import find_place, in_another_node
from .render import error, respond

CHANGESET = "2026-11-28T00:00:00+08:00"
SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
REQUESTS = {"root": "service_requests", "item": "request"}


class BadInput(Exception):
    def __init__(self, status, *descriptions):
        super().__init__(*descriptions)
        self.status, self.descriptions = status, descriptions


def _messages(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [f"{field}: {m}" for field, ms in exc.message_dict.items() for m in ms]
    return exc.messages


class Open311View(View):
    """Answers every failure in the spec's error format, in the asked format."""

    def dispatch(self, request, *args, **kwargs):
        fmt = kwargs.get("fmt", "json")
        try:
            return super().dispatch(request, *args, **kwargs)
        except BadInput as exc:
            return error(fmt, exc.status, *exc.descriptions)
        except RequestDataTooBig:
            return error(fmt, 413, _("The request is too large."))
        except ValidationError as exc:
            return error(fmt, 400, *_messages(exc))
        except PermissionDenied as exc:
            return error(fmt, 403, str(exc) or _("Not allowed."))
        except Http404:
            return error(fmt, 404, _("Not found."))

    def http_method_not_allowed(self, request, *args, **kwargs):
        response = error(kwargs.get("fmt", "json"), 405, _("Method not allowed."))
        response["Allow"] = ", ".join(m.upper() for m in self._allowed_methods())
        return response

    def check_jurisdiction(self, params):
        jurisdiction = (params.get("jurisdiction_id") or "").strip()
        if jurisdiction and jurisdiction != settings.PORTAL_COUNTY_CODE:
            raise BadInput(400, _("Unknown jurisdiction_id."))

    def key(self, params, *, required=False):
        """The partner key given as ``api_key``: none when absent (unless required);
        a 403 when given but not valid."""
        plain = params.get("api_key") or ""
        if not plain:
            if required:
                raise BadInput(403, _("api_key is required."))
            return None
        key = Open311Key.objects.for_plain_key(plain).first()
        if key is None:
            raise BadInput(403, _("api_key is not valid."))
        return key


class DiscoveryView(Open311View):
    def get(self, request, fmt):
        data = {
            "changeset": CHANGESET,
            "contact": _("%(county)s community governance office, through the portal")
            % {"county": settings.PORTAL_COUNTY_NAME},
            "key_service": _("Keys for partner apps are issued by the county or a street office.")
            + " "
            + request.build_absolute_uri(reverse("admin:index")),
            "endpoints": [
                {
                    "specification": SPECIFICATION,
                    "url": request.build_absolute_uri(reverse("open311:root")),
                    "changeset": CHANGESET,
                    "type": "production",
                    "formats": ["text/xml", "application/json"],
                }
            ],
        }
        names = {"endpoints": "endpoint", "formats": "format"}
        return respond(data, fmt, "discovery", item_names=names)


class ServiceListView(Open311View):
    def get(self, request, fmt):
        self.check_jurisdiction(request.GET)
        rows = mapping.services().select_related("parent").order_by("parent__code", "code")
        return respond([mapping.service(c) for c in rows], fmt, "services", "service")


class ServiceDefinitionView(Open311View):
    def get(self, request, fmt, code):
        self.check_jurisdiction(request.GET)
        category = mapping.services().filter(code=code).first()
        if category is None:
            raise BadInput(404, _("service_code %(code)s not found.") % {"code": code})
        names = {"attributes": "attribute", "values": "value"}
        return respond(mapping.definition(category), fmt, "service_definition", item_names=names)


def _attributes(params) -> dict:
    """``attribute[code]=value`` pairs; the one attribute is ``public`` (true/false)."""
    found = {}
    for name in params:
        if not name.startswith("attribute["):
            continue
        code = name[len("attribute[") : -1] if name.endswith("]") else ""
        if code != mapping.PUBLIC_ATTRIBUTE:
            raise BadInput(400, _("%(name)s is not an attribute of this service.") % {"name": name})
        value = params.get(name, "").strip().lower()
        if value not in ("true", "false"):
            raise BadInput(400, _("attribute[public] is true or false."))
        found[code] = value == "true"
    return found


@method_decorator(csrf_exempt, name="dispatch")
class RequestListView(Open311View):
    def get(self, request, fmt):
        form = RequestsQueryForm(request.GET)
        if not form.is_valid():
            raise BadInput(400, *form_errors(form))
        data = form.cleaned_data
        self.check_jurisdiction(data)
        queryset = mapping.requests_queryset(self.key(data))
        if data["service_request_id"]:
            queryset = queryset.filter(number__in=data["service_request_id"])
        else:
            if data["service_code"]:
                known = set(
                    mapping.services()
                    .filter(code__in=data["service_code"])
                    .values_list("code", flat=True)
                )
                unknown = sorted(set(data["service_code"]) - known)
                if unknown:
                    raise BadInput(
                        400, _("Unknown service_code: %(codes)s") % {"codes": ", ".join(unknown)}
                    )
                queryset = queryset.filter(category__code__in=data["service_code"])
            queryset = queryset.filter(created_at__gte=data["start"], created_at__lte=data["end"])
            if data["status"] == {"open"}:
                queryset = queryset.exclude(state__in=mapping.CLOSED_STATES)
            elif data["status"] == {"closed"}:
                queryset = queryset.filter(state__in=mapping.CLOSED_STATES)
        rows = queryset.order_by("-created_at", "-id")[:MAX_RESULTS]
        return respond(mapping.service_requests(rows), fmt, **REQUESTS)

    @open311_post_limit
    def post(self, request, fmt):
        params = request.POST
        key = self.key(params, required=True)
        self.check_jurisdiction(params)
        form = PostRequestForm(params)
        if not form.is_valid():
            raise BadInput(400, *form_errors(form))
        data = form.cleaned_data
        attributes = _attributes(params)
        category = mapping.services().filter(code=data["service_code"]).first()
        if category is None:
            raise BadInput(400, _("Unknown service_code."))
        place, exact = find_place(
            key, data["address_id"], data["address_string"], data["lat"], data["long"]
        )
        place_text = ""
        if place is None:
            if data["address_id"] or in_another_node(key, data["lat"], data["long"]):
                raise BadInput(
                    400,
                    _(
                        "The place could not be matched to a building or grid of the net: "
                        "give address_id (a building code), its address, or coordinates "
                        "within the area this key serves."
                    ),
                )
            # A code that names nothing, or a point on another node's part of the net,
            # is refused above; an address or a point that matches no building is kept,
            # in the intake of the key's node, for the registering worker to place.
            place_text = data["address_string"] or (
                _("Coordinates given: %(lat)s, %(long)s") % data
            )
        description = data["description"]
        notes = []
        if data["address_string"] and not exact and place is not None:
            notes.append(_("Place given: %(text)s") % {"text": data["address_string"]})
        if data["lat"] is not None:
            notes.append(_("Coordinates given: %(lat)s, %(long)s") % data)
        if notes:
            description = "\n\n".join([description, *notes])[:4000]
        is_building = place is not None and place._meta.model_name == "building"
        service_request = services.submit_partner_request(
            key=key,
            category=category,
            description=description,
            building=place if is_building else None,
            grid=None if is_building else place,
            place_text=place_text,
            is_public=attributes.get(mapping.PUBLIC_ATTRIBUTE),
            media_url=data["media_url"],
            contact=form.contact(),
            device_id=data["device_id"],
            account_id=data["account_id"],
        )
        answer = {
            "service_request_id": service_request.number,
            "token": service_request.open311.token,
            "service_notice": _("Registered within one working hour."),
            "account_id": "",
        }
        return respond([answer], fmt, status=201, **REQUESTS)


class RequestDetailView(Open311View):
    def get(self, request, fmt, request_id):
        form = RequestsQueryForm(request.GET)
        if not form.is_valid():
            raise BadInput(400, *form_errors(form))
        self.check_jurisdiction(form.cleaned_data)
        found = mapping.requests_queryset(self.key(form.cleaned_data)).filter(number=request_id)
        rows = mapping.service_requests(found.order_by("pk")[:1])
        if not rows:
            raise BadInput(404, _("Service request %(id)s not found.") % {"id": request_id})
        return respond(rows, fmt, **REQUESTS)


class TokenView(Open311View):
    def get(self, request, fmt, token):
        self.check_jurisdiction(request.GET)
        submission = Open311Submission.objects.filter(token=token).select_related("request").first()
        if submission is None:
            raise BadInput(404, _("Token %(token)s not found.") % {"token": token})
        answer = {"service_request_id": submission.request.number, "token": submission.token}
        return respond([answer], fmt, **REQUESTS)


class NotFoundView(Open311View):
    def dispatch(self, request, *args, **kwargs):
        fmt = "xml" if request.path.endswith(".xml") else "json"
        return error(fmt, 404, _("No such Open311 resource."))
