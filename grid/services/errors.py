"""What the services raise besides Django's ``ValidationError`` and ``PermissionDenied``."""

from django.core.exceptions import ValidationError


class Conflict(ValidationError):
    """A step refused because of the state of an object, not because of its input: a
    request in the wrong state for the step, an application already decided, a pending
    one already there, a resident who no longer lives here. Pages show it like any
    refusal; the API answers 409 Conflict."""
