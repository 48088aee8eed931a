"""Input to the REST API as its schema says it (see yuyao_portal.openapi)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

# The error code of input that matches the schema but that a rule refuses (a 422, see
# grid.api.errors): an id of nothing the caller may see, a rule across fields.
RULE = "rule"

JSON_TYPES = [
    # (field class, accepted JSON types, the field's error key for anything else)
    (serializers.BooleanField, (bool,), "invalid"),
    (serializers.CharField, (str,), "invalid"),
    (serializers.IntegerField, (int,), "invalid"),
    (serializers.FloatField, (int, float), "invalid"),
    (serializers.DecimalField, (int, float, str), "invalid"),
    (serializers.PrimaryKeyRelatedField, (int,), "incorrect_type"),
    (serializers.ManyRelatedField, (list,), "not_a_list"),
    (serializers.ListField, (list,), "not_a_list"),
]


WHOLE = (serializers.IntegerField, serializers.PrimaryKeyRelatedField)


class StrictInputMixin:
    """Input as the schema says it: an unknown or read-only field is refused rather than
    ignored, and in a JSON body each value has its documented JSON type (no number for
    a text, no text for a number or a yes/no). Form data (photos) is text by nature."""

    def to_internal_value(self, data):
        if hasattr(data, "keys"):
            errors = {}
            writable = {name: f for name, f in self.fields.items() if not f.read_only}
            for name in data:
                if name not in writable:
                    errors[name] = [_("This field is not part of this request.")]
            json = isinstance(data, dict) and not hasattr(data, "getlist")
            if json:
                data = dict(data)
            for name, field in writable.items() if json else ():
                value = data.get(name)
                if value is None:
                    continue
                if isinstance(field, WHOLE) and _whole(value):
                    data[name] = value = int(value)  # 4.0 is a whole number to JSON
                error = _type_error(field, value)
                if error:
                    errors[name] = [error]
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)


def _whole(value) -> bool:
    return isinstance(value, float) and value.is_integer() and abs(value) < 2**63


def _type_error(field, value):
    for kind, types, key in JSON_TYPES:
        if isinstance(field, kind):
            # (True and False are ints to Python, not to JSON)
            if isinstance(value, types) and (bool in types or not isinstance(value, bool)):
                return None
            messages = field.error_messages
            message = messages.get(key) or messages.get("invalid") or _("Not a valid value.")
            try:
                return str(message).format(
                    input=value, data_type=type(value).__name__, pk_value=value
                )
            except (KeyError, IndexError):
                return str(message)
    return None


BOOLEAN_WORDS = {"true", "false", "True", "False"}


def query_errors(query, fields) -> dict:
    """What is wrong with query parameters as the schema documents them: ``fields``
    maps each parameter to its kind ("text", "boolean" or anything else for a number,
    a date or a choice). A parameter is given once; only a text may be empty."""
    errors = {}
    for name, kind in fields.items():
        values = query.getlist(name)
        if not values:
            continue
        if len(values) > 1:
            errors[name] = [_("Give this parameter once.")]
        elif kind != "text" and values[0] == "":
            errors[name] = [_("Give a value or leave the parameter out.")]
        elif kind == "boolean" and values[0] not in BOOLEAN_WORDS:
            errors[name] = [_("Give true or false.")]
    return errors
