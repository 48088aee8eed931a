"""The API schema's documented refusals: every operation may answer with the refusals
the portal gives before or instead of a view's answer, each with its body as the
caller receives it (``core.refusal`` and DRF's exception handler).

- 400: input that does not match the schema: ``{"field": ["message", ...]}`` from a
  serializer or a filter, or ``{"detail": "..."}`` from the global input guard (NUL
  characters, integers out of range, malformed JSON);
- 401 / 403: not signed in, or not allowed; 404: not found or out of scope (the same
  answer); 409: the object's state does not allow the step, it is still in use, or the
  input duplicates a record; 422: input that matches the schema but that a rule refuses
  (grid.api.errors);
- 413: a body too large; 429: too many requests (with ``Retry-After``).

The schema also says what the input guard refuses (no NUL character in a text, no
integer beyond 64 bits) and that request bodies take only their documented fields.
"""

import copy

from django.utils.translation import gettext as _
from drf_spectacular.openapi import AutoSchema
from rest_framework import serializers

DETAIL = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
INVALID = {
    "anyOf": [
        {"type": "object", "additionalProperties": True},
        {"type": "array", "items": {"type": "string"}},
    ]
}


# What the global input guard (core.inputguard) refuses, said in the schema:
# no NUL character in any text or name, no integer beyond 64 bits.
NO_NUL = "^[^\\x00]*$"
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1


def _guarded(schema):
    """Add the guard's limits to a schema and to the schemas inside it, in place."""
    if not isinstance(schema, dict):
        return
    kind = schema.get("type")
    kinds = set(kind) if isinstance(kind, list) else {kind}
    if "string" in kinds and not ({"enum", "pattern", "format"} & schema.keys()):
        schema["pattern"] = NO_NUL
    elif "integer" in kinds:
        schema.setdefault("minimum", INT64_MIN)
        schema.setdefault("maximum", INT64_MAX)
    for key in ("properties", "patternProperties"):
        for child in schema.get(key, {}).values():
            _guarded(child)
    for key in ("items", "additionalProperties", "not"):
        _guarded(schema.get(key))
    for key in ("allOf", "anyOf", "oneOf"):
        for child in schema.get(key, []):
            _guarded(child)


def _resolved(schema, schemas):
    ref = schema.get("$ref", "") if isinstance(schema, dict) else ""
    if ref.startswith("#/components/schemas/"):
        return schemas.get(ref.rsplit("/", 1)[1]), ref.rsplit("/", 1)[1]
    return schema, None


def _closed(schema, schemas=None, seen=None):
    """A request body takes only its documented fields (core.apiinput refuses
    the others), and so does each nested input component it names (a vote's rules)."""
    if isinstance(schema, dict) and schema.get("type") == "object":
        schema["additionalProperties"] = False
        seen = set() if seen is None else seen
        for prop in schema.get("properties", {}).values():
            for child in [prop, *prop.get("allOf", [])] if isinstance(prop, dict) else ():
                component, name = _resolved(child, schemas or {})
                if name and name not in seen:
                    seen.add(name)
                    _closed(component, schemas, seen)


def _form(schema):
    """Form data carries no null: a field without a value is left out."""
    schema = copy.deepcopy(schema)
    for prop in schema.get("properties", {}).values():
        if isinstance(prop.get("type"), list):
            prop["type"] = [t for t in prop["type"] if t != "null"] or prop["type"]
            if len(prop["type"]) == 1:
                prop["type"] = prop["type"][0]
        for key in ("oneOf", "anyOf"):
            if key in prop:
                prop[key] = [s for s in prop[key] if s.get("type") != "null"]
    return schema


def _masked_outside_requests(schemas, requests):
    """A masked field (``x-masked``) is checked against its pattern on input only: in
    answers it is masked (330281********1234)."""
    for name, component in schemas.items():
        if name in requests:
            continue
        for prop in component.get("properties", {}).values():
            variants = [prop, *prop.get("oneOf", []), *prop.get("anyOf", [])]
            if any(variant.get("x-masked") for variant in variants):
                for key in ("pattern", "oneOf", "anyOf", "minLength"):
                    prop.pop(key, None)
                prop["type"] = "string"


def _refusals():
    return {
        "400": (_("The input is not valid; nothing was changed."), "InvalidInput"),
        "401": (_("Not signed in, or the credentials are not valid."), "Refusal"),
        "403": (_("Not allowed for this account."), "Refusal"),
        "404": (_("Not found, or outside the caller's scope."), "Refusal"),
        "409": (
            _(
                "The object's state does not allow this, it is still in use, or the input "
                "duplicates an existing record; nothing was changed."
            ),
            "InvalidInput",
        ),
        "413": (_("The request is too large."), "Refusal"),
        "415": (
            _("The body is not in a media type this operation takes (JSON; photos as form data)."),
            "Refusal",
        ),
        "422": (
            _(
                "The input matches the schema but a rule refuses it (an id of nothing the "
                "caller may see, a rule across fields, a business rule); nothing was changed."
            ),
            "InvalidInput",
        ),
        "429": (_("Too many requests; try again after Retry-After seconds."), "Refusal"),
    }


def add_refusals(result, generator, request, public):
    """drf-spectacular postprocessing hook: the refusals on every operation (an
    operation's own, more specific description of a status is kept), and the input
    guard's limits on every text, name and integer."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("Refusal", DETAIL)
    schemas.setdefault("InvalidInput", INVALID)
    for component in schemas.values():
        _guarded(component)
    refusals = _refusals()
    requests = set()
    for item in result.get("paths", {}).values():
        for method, operation in item.items():
            if method not in {"get", "put", "patch", "post", "delete", "head", "options"}:
                continue
            for parameter in operation.get("parameters", []):
                _guarded(parameter.get("schema"))
            for content_type, media in operation.get("requestBody", {}).get("content", {}).items():
                schema, name = _resolved(media.get("schema"), schemas)
                if name:
                    requests.add(name)
                if content_type == "multipart/form-data" and isinstance(schema, dict):
                    schema = media["schema"] = _form(schema)
                _guarded(schema)
                _closed(schema, schemas)
            responses = operation.setdefault("responses", {})
            for code, (description, component) in refusals.items():
                responses.setdefault(
                    code,
                    {
                        "description": description,
                        "content": {
                            "application/json": {
                                "schema": {"$ref": f"#/components/schemas/{component}"}
                            }
                        },
                    },
                )
    _masked_outside_requests(schemas, requests)
    return result


MODE_APPS = ("volunteers", "negotiation", "funding", "training", "community")


class PortalAutoSchema(AutoSchema):
    """Components of the mode apps carry their app's name ("TrainingAttendance",
    "NegotiationAttendance"), so that two apps may each have a serializer of the same
    name without one component silently replacing the other."""

    def get_serializer_name(self, serializer, direction):
        name = super().get_serializer_name(serializer, direction)
        app = type(serializer).__module__.split(".", 1)[0]
        if app in MODE_APPS:
            prefix = app.capitalize()
            if not name.startswith(prefix):
                name = prefix + name
        return name

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        """A list that may not be empty says so (``minItems``), and a decimal in a string
        has at least one digit before any point: a schema-valid request is then one the
        serializer accepts."""
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if schema.get("type") == "array" and isinstance(
            field, serializers.ManyRelatedField | serializers.ListField
        ):
            if not getattr(field, "allow_empty", True):
                schema.setdefault("minItems", 1)
            if getattr(field, "max_length", None) is not None:
                schema.setdefault("maxItems", field.max_length)
        if isinstance(field, serializers.DecimalField) and "pattern" in schema:
            schema["pattern"] = schema["pattern"].replace("\\d{0,", "\\d{1,", 1)
        return schema
