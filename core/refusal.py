"""One way to refuse a request before it reaches a view, in the user's language and in
the format the caller reads: ``{"detail": ...}`` for the API, the GeoReport v2 error
list for Open311, a page otherwise."""

import json

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

API_PREFIX = "/api/"

# Paths whose callers read another error format: ``{prefix: render(request, status,
# message) -> HttpResponse}``, filled by the app that serves them (grid's Open311 in its
# AppConfig.ready), so the core never imports the apps above it.
ERROR_FORMATS = {}


def register_error_format(prefix: str, render) -> None:
    ERROR_FORMATS[prefix] = render


def error_format(request):
    """The renderer registered for the request's path, or None."""
    path = request.path_info
    for prefix, render in ERROR_FORMATS.items():
        if path.startswith(prefix):
            return render
    return None


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
    render = error_format(request)
    if render is not None:
        response = render(request, status, message)
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
