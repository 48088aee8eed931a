"""The two formats of GeoReport v2: JSON and XML, both UTF-8, and the spec's errors."""

import json
import re
import xml.etree.ElementTree as ET

from django.http import HttpResponse

CONTENT_TYPES = {
    "json": "application/json; charset=utf-8",
    "xml": "text/xml; charset=utf-8",
}
# Characters XML 1.0 cannot carry (control characters other than tab, LF, CR).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return _NOT_XML.sub("", str(value))


def _append(parent, name: str, value, item_names: dict):
    element = ET.SubElement(parent, name)
    if isinstance(value, dict):
        for key, child in value.items():
            _append(element, key, child, item_names)
    elif isinstance(value, list):
        child_name = item_names.get(name, "item")
        for child in value:
            _append(element, child_name, child, item_names)
    else:
        element.text = _text(value)


def to_xml(data, root: str, item: str | None = None, item_names: dict | None = None) -> bytes:
    """``data`` (a list of ``item`` dicts, or one dict) under ``<root>``."""
    item_names = item_names or {}
    element = ET.Element(root)
    if isinstance(data, list):
        for entry in data:
            _append(element, item, entry, item_names)
    else:
        for key, value in data.items():
            _append(element, key, value, item_names)
    body = ET.tostring(element, encoding="unicode")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body).encode("utf-8")


def respond(data, fmt: str, root: str, item: str | None = None, *, status=200, item_names=None):
    if fmt == "xml":
        body = to_xml(data, root, item, item_names)
    else:
        body = json.dumps(data, ensure_ascii=False).encode("utf-8")
    return HttpResponse(body, status=status, content_type=CONTENT_TYPES[fmt])


def error(fmt: str, status: int, *descriptions) -> HttpResponse:
    """The spec's error body: a list of ``{code, description}``."""
    errors = [{"code": status, "description": str(d)} for d in descriptions]
    return respond(errors, fmt, "errors", "error", status=status)


def refusal(request, status: int, message: str) -> HttpResponse:
    """A refusal before any view (rate limit, input guard, database away) in the
    format the path asks for: registered with ``core.refusal`` for ``/open311/``."""
    fmt = "xml" if request.path_info.rstrip("/").endswith(".xml") else "json"
    return error(fmt, status, message)
