"""The 500 handler (``handler500``): a database that cannot be reached for a moment is a
503 with a message and ``Retry-After``, not a server error.

PostgreSQL restarting, failing over to its replica or refusing connections makes
Django raise ``OperationalError`` or ``InterfaceError`` from wherever the request was.
Every change of the portal is one transaction in its service (``@transaction.atomic``),
so a request that failed there saved nothing, and the message can say so. The next
request reconnects by itself (``CONN_HEALTH_CHECKS``).

The answer is rendered without the database, the session or the context processors
(which would fail the same way): a stand-alone page, ``{"detail": ...}`` under
``/api/``, the GeoReport error list under ``/open311/``.
"""

import json
import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.views import defaults

from core.refusal import API_PREFIX, error_format

logger = logging.getLogger("yuyao_portal.errors")

RETRY_AFTER = 5  # seconds: a restart of PostgreSQL takes about that long
UNAVAILABLE = (OperationalError, InterfaceError)


def database_unavailable(exc: BaseException | None) -> bool:
    """Whether ``exc`` (or what caused it) is the database being out of reach."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, UNAVAILABLE):
            return True
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return False


def unavailable(request) -> HttpResponse:
    """The 503 answer, in the user's language and the caller's format."""
    heading = _("Service briefly unavailable")
    message = _(
        "The portal cannot reach its database for a moment. Nothing was saved: "
        "please try again in a few seconds."
    )
    path = request.path_info
    render = error_format(request)
    if render is not None:
        response = render(request, 503, message)
    elif path.startswith(API_PREFIX):
        response = HttpResponse(
            json.dumps({"detail": message}, ensure_ascii=False),
            status=503,
            content_type="application/json; charset=utf-8",
        )
    else:
        context = {"heading": heading, "message": message}
        try:
            body = render_to_string("portal/unavailable.html", context)
        except Exception:  # even the page's static files unknown: the words alone
            logger.exception("The 503 page could not be rendered.")
            body = (
                "<!DOCTYPE html><title>{heading}</title><h1>{heading}</h1><p>{message}</p>".format(
                    **{k: escape(v) for k, v in context.items()}
                )
            )
        response = HttpResponse(body, status=503)
    response["Retry-After"] = str(RETRY_AFTER)
    response["Cache-Control"] = "no-store"
    return response


def server_error(request, template_name=defaults.ERROR_500_TEMPLATE_NAME):
    """``handler500``: called by Django inside the ``except`` of the failed request."""
    exc = sys.exc_info()[1]
    if database_unavailable(exc):
        logger.warning(
            "Database unavailable, answered 503: %s %s (%s)",
            request.method,
            request.path_info,
            str(exc).strip().splitlines()[0] if str(exc) else exc,
        )
        return unavailable(request)
    return defaults.server_error(request, template_name)
