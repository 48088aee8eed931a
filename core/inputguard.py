"""The global input guard: input that no view can use is refused with a 400 (or 413)
and a message in the user's language before it reaches a view.

Refused: NUL characters (raw or ``%00``) and invalid UTF-8 in the path, the query
string, form fields and JSON bodies; integers beyond the signed 64-bit range in
query parameters that name ids, pages or limits, and anywhere in a JSON body; malformed
JSON (and NaN/Infinity) in an ``application/json`` POST, PUT or PATCH; bodies over
``DATA_UPLOAD_MAX_MEMORY_SIZE`` (uploads: over ``PORTAL_MAX_UPLOAD_SIZE``) and too many
fields. Malformed dates and values are the views', forms' and filters' job.
"""

import json
import math
import re
from urllib.parse import parse_qsl

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation, TooManyFieldsSent
from django.http.multipartparser import MultiPartParserError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from .refusal import refuse, wants_json

INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
BODY_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
JSON_METHODS = {"POST", "PUT", "PATCH"}
ID_NAMES = {"id", "pk", "page", "limit", "offset", "page_size"}
# GeoReport v2 ids that are strings by the spec (request numbers, building codes, devices).
STRING_IDS = {"service_request_id", "device_id", "account_id", "jurisdiction_id", "address_id"}
INTEGER = re.compile(r"^\s*[+-]?[0-9]+\s*$")


class Refused(Exception):
    def __init__(self, message, status=400):
        super().__init__(message)
        self.message, self.status = message, status


def _nul():
    return Refused(_("The request contains a NUL character (%00), which no field accepts."))


def _not_utf8():
    return Refused(_("The request is not valid UTF-8 text."))


def _too_large(limit):
    return Refused(
        _("The request is too large: at most %(size)s are accepted.")
        % {"size": filesizeformat(limit)},
        status=413,
    )


def _out_of_range(name):
    return Refused(
        _("%(name)s must be a whole number between %(min)s and %(max)s.")
        % {"name": name, "min": INT64_MIN, "max": INT64_MAX}
    )


def _id_like(name: str) -> bool:
    name = name.strip().lower()
    return name not in STRING_IDS and (name in ID_NAMES or name.endswith("_id"))


def _text(raw: bytes) -> str:
    if b"\x00" in raw:
        raise _nul()
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _not_utf8() from exc


def check_pairs(raw: bytes, *, ids: bool) -> None:
    """``name=value&…`` (a query string or a urlencoded body), percent-decoded byte-wise."""
    if not raw:
        return
    try:
        pairs = parse_qsl(
            raw.decode("latin-1"),
            keep_blank_values=True,
            encoding="latin-1",
            max_num_fields=settings.DATA_UPLOAD_MAX_NUMBER_FIELDS,
        )
    except ValueError as exc:
        raise Refused(_("The request has too many fields.")) from exc
    for raw_name, raw_value in pairs:
        name = _text(raw_name.encode("latin-1"))
        value = _text(raw_value.encode("latin-1"))
        if ids and _id_like(name) and INTEGER.match(value) and not _fits(int(value)):
            raise _out_of_range(name)


def _fits(number: int) -> bool:
    return INT64_MIN <= number <= INT64_MAX


def _no_constants(name):
    raise ValueError(name)


def check_json(raw: bytes, encoding: str | None = None) -> None:
    if not raw.strip():
        return  # an action without a body
    try:
        text = raw.decode(encoding or "utf-8")
    except (UnicodeDecodeError, LookupError) as exc:
        raise _not_utf8() from exc
    try:
        data = json.loads(text, parse_constant=_no_constants)
    except json.JSONDecodeError as exc:
        raise Refused(
            _("The request body is not valid JSON (line %(line)s, column %(column)s).")
            % {"line": exc.lineno, "column": exc.colno}
        ) from exc
    except (ValueError, RecursionError) as exc:
        raise Refused(_("The request body is not valid JSON.")) from exc
    stack = [("", data)]
    while stack:  # iterative: nesting depth cannot exhaust the stack
        name, value = stack.pop()
        if isinstance(value, dict):
            for key, child in value.items():
                if "\x00" in key:
                    raise _nul()
                stack.append((key, child))
        elif isinstance(value, list):
            stack.extend((name, child) for child in value)
        elif isinstance(value, str):
            if "\x00" in value:
                raise _nul()
        elif isinstance(value, bool) or value is None:
            continue
        elif isinstance(value, int):
            if not _fits(value):
                raise _out_of_range(name or _("A number"))
        elif isinstance(value, float) and not math.isfinite(value):
            raise Refused(_("The request body contains a number that is too large."))


def _content_length(request) -> int:
    try:
        return max(int(request.META.get("CONTENT_LENGTH") or 0), 0)
    except ValueError:
        return 0


def check_body(request) -> None:
    if request.method not in BODY_METHODS:
        return
    content_type = (request.content_type or "").lower()
    length = _content_length(request)
    if content_type == "multipart/form-data":
        limit = settings.PORTAL_MAX_UPLOAD_SIZE
        if limit is not None and length > limit:
            raise _too_large(limit)
        if request.method != "POST":
            return  # Django parses multipart only for POST; DRF refuses NUL in its fields
        if wants_json(request):
            # The API's own parsers read it: a 415 where only JSON is taken (the form
            # parsed here would leave DRF nothing to refuse), and DRF refuses NUL in
            # the fields of the views that take photos.
            return
        try:
            fields, files = request.POST, request.FILES
        except RequestDataTooBig as exc:
            raise _too_large(settings.DATA_UPLOAD_MAX_MEMORY_SIZE) from exc
        except (TooManyFieldsSent, SuspiciousOperation, MultiPartParserError) as exc:
            raise Refused(_("The form data could not be read.")) from exc
        for name, values in fields.lists():
            if "\x00" in name or any("\x00" in v for v in values):
                raise _nul()
        for upload in files.values():
            if "\x00" in (upload.name or ""):
                raise _nul()
        return
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    if limit is not None and length > limit:
        raise _too_large(limit)
    try:
        body = request.body
    except RequestDataTooBig as exc:
        raise _too_large(limit) from exc
    if content_type == "application/x-www-form-urlencoded":
        check_pairs(body, ids=False)
    elif request.method in JSON_METHODS and (
        content_type == "application/json" or content_type.endswith("+json")
    ):
        check_json(body, request.encoding)


def check_request(request) -> None:
    if "\x00" in request.path_info:
        raise _nul()
    query = request.META.get("QUERY_STRING", "")
    check_pairs(query.encode("latin-1", errors="replace") if query else b"", ids=True)
    check_body(request)


class InputGuardMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            check_request(request)
        except Refused as exc:
            return refuse(request, exc.status, exc.message)
        return self.get_response(request)
