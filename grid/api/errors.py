"""How the API refuses, by what is wrong (the bodies keep DRF's shape: field errors, a
list of messages, or ``{"detail": ...}``):

- 400 Bad Request: input that does not match the schema (a wrong type, a missing field,
  text too long, a malformed date, an unknown field);
- 409 Conflict: the object's state does not allow the step (``core.timeline.Conflict``),
  it is still in use, or the input duplicates an existing record;
- 422 Unprocessable Content: input that matches the schema but that the rules refuse:
  an id of nothing the caller may see, a rule across fields, a business rule of a
  service.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers, status
from rest_framework.exceptions import APIException
from rest_framework.views import exception_handler as drf_exception_handler

from core.apiinput import RULE
from core.timeline import Conflict

# Error codes of input that matches the schema but not the rules.
RULE_CODES = {"does_not_exist", RULE}
CONFLICT_CODES = {"unique", "unique_together", "conflict"}


class StateConflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = _("This cannot be done in the current state.")
    default_code = "conflict"


def rule_error(detail):
    """A refusal by a rule of input that matches the schema (a 422)."""
    return serializers.ValidationError(detail, code=RULE)


def api_exception(exc):
    """A Django refusal (from a service or a model's ``clean``) as the API's."""
    if isinstance(exc, Conflict):
        return StateConflict(" ".join(exc.messages))
    if isinstance(exc, DjangoValidationError):
        return rule_error(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)
    return exc


def _codes(codes):
    if isinstance(codes, dict):
        for value in codes.values():
            yield from _codes(value)
    elif isinstance(codes, list):
        for value in codes:
            yield from _codes(value)
    else:
        yield codes


def exception_handler(exc, context):
    """``REST_FRAMEWORK["EXCEPTION_HANDLER"]``: DRF's, with the statuses above."""
    exc = api_exception(exc)
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(exc, serializers.ValidationError):
        codes = set(_codes(exc.get_codes()))
        if codes and codes <= CONFLICT_CODES:
            response.status_code = status.HTTP_409_CONFLICT
        elif codes and codes <= RULE_CODES | CONFLICT_CODES:
            response.status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    return response
