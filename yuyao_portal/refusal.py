"""One way to refuse a request before it reaches a view, in the user's language and in
the format the caller reads: ``{"detail": ...}`` for the API, the GeoReport v2 error
list for Open311, a page otherwise."""

import json

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

API_PREFIX = "/api/"
OPEN311_PREFIX = "/open311/"

HEADINGS = {
    400: lambda: _("The request was refused"),
    413: lambda: _("The request is too large"),
    429: lambda: _("Too many requests"),
}


def wants_json(request) -> bool:
    return request.path_info.startswith(API_PREFIX)


def refuse(request, status: int, message: str, *, retry_after: int | None = None):
    path = request.path_info
    message = str(message)
    if path.startswith(OPEN311_PREFIX):
        from grid.open311.render import error

        fmt = "xml" if path.rstrip("/").endswith(".xml") else "json"
        response = error(fmt, status, message)
    elif path.startswith(API_PREFIX):
        response = HttpResponse(
            json.dumps({"detail": message}, ensure_ascii=False),
            status=status,
            content_type="application/json; charset=utf-8",
        )
    else:
        heading = HEADINGS.get(status, HEADINGS[400])()
        body = render_to_string(
            "portal/refused.html", {"heading": heading, "message": message}, request=request
        )
        response = HttpResponse(body, status=status)
    if retry_after is not None:
        response["Retry-After"] = str(retry_after)
    return response
