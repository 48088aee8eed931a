"""The scoped base classes of the REST API. Every viewset of a scoped model uses them."""

import copy

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _
from rest_framework import permissions, serializers, viewsets

from core.apiinput import StrictInputMixin

from ..scoping import filter_for_user, perm_name, restrict_related_choices, verify_in_scope
from .errors import StateConflict, api_exception, rule_error

METHOD_ACTIONS = {"POST": "add", "PUT": "change", "PATCH": "change", "DELETE": "delete"}


class ScopedPermission(permissions.BasePermission):
    """Reads need a signed-in user (the queryset is already scoped); writes need the
    model permission from some post, and on an existing object, on that object."""

    def has_permission(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return False
        action = METHOD_ACTIONS.get(request.method)
        if action is None:
            return True
        return request.user.has_perm(perm_name(view.scoped_model, action))

    def has_object_permission(self, request, view, obj):
        action = METHOD_ACTIONS.get(request.method)
        if action is None:
            return True
        return request.user.has_perm(perm_name(type(obj), action), obj)


class ScopedModelSerializer(StrictInputMixin, serializers.ModelSerializer):
    """Related choices limited to what the user may see; the model's own validation
    (``clean`` and constraints) run before anything is saved."""

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None:
            restrict_related_choices(fields, request.user)
        return fields

    def validate(self, attrs):
        attrs = super().validate(attrs)
        model = self.Meta.model
        candidate = copy.copy(self.instance) if self.instance is not None else model()
        for name, value in attrs.items():
            if not isinstance(value, list):
                setattr(candidate, name, value)
        if hasattr(candidate, "prepare_for_validation"):
            candidate.prepare_for_validation()
        try:
            candidate.clean()
            candidate.validate_constraints()
        except DjangoValidationError as exc:
            raise rule_error(
                exc.message_dict if hasattr(exc, "error_dict") else exc.messages
            ) from exc
        return attrs


class ScopedModelViewSet(viewsets.ModelViewSet):
    """A viewset over a scoped model: lists and lookups are the user's view scope
    (out of scope is 404), writes are checked after saving (write, then verify)."""

    scoped_model = None
    permission_classes = [ScopedPermission]
    lookup_value_regex = "[1-9][0-9]{0,17}"  # an id as written by the API: no leading 0

    def get_queryset(self):
        return filter_for_user(super().get_queryset(), self.request.user, "view")

    def perform_create(self, serializer):
        self._save(serializer, "add")

    def perform_update(self, serializer):
        self._save(serializer, "change")

    def _save(self, serializer, action):
        try:
            with transaction.atomic():
                obj = serializer.save()
                verify_in_scope(self.request.user, obj, action)
        except IntegrityError as exc:
            raise StateConflict(_("This conflicts with an existing record.")) from exc

    def perform_destroy(self, instance):
        try:
            with transaction.atomic():
                instance.delete()
        except IntegrityError as exc:
            raise StateConflict(_("This record is still in use and cannot be deleted.")) from exc

    def handle_exception(self, exc):
        # A business rule refused in a service: a 400 with its message, a 409 for a
        # state conflict.
        return super().handle_exception(api_exception(exc))

    @classmethod
    def as_view(cls, actions=None, **initkwargs):
        if cls.scoped_model is None:
            cls.scoped_model = cls.queryset.model
        return super().as_view(actions, **initkwargs)
