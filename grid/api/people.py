"""The API of the people on the net. ID numbers and phones are masked in every response
unless the caller asks to reveal them (``?reveal=id_number,phone`` on one resident),
holds the reveal permission there, and the reveal is logged."""

import re

import django_filters as filters
from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.response import Response

from core.pagination import PortalCursorPagination

from .. import services
from ..models import (
    Building,
    Household,
    HouseholdTag,
    PartyMembership,
    Resident,
)
from ..pii import mask_id_number, mask_phone
from .errors import rule_error
from .filters import TierFilterSet, id_filter
from .scoped import ScopedModelSerializer, ScopedModelViewSet

# The formats, as patterns the schema documents (grid.pii checks the same).
PHONE_FORMAT = RegexValidator(
    r"^1[3-9][0-9]{9}$", _("A mobile number has 11 digits and starts with 13 to 19.")
)
ID_NUMBER_FORMAT = RegexValidator(
    r"^[0-9]{17}[0-9Xx]$", _("An ID number has 17 digits and a final digit or X.")
)


class NoStoreMixin:
    """Responses carrying personal data are never cached."""

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Cache-Control"] = "no-store"
        return response


class ResidentCursor(PortalCursorPagination):
    ordering = "id"


@extend_schema_field(
    {
        "type": "string",
        "description": "Masked (330281********1234 or 138****5678) unless revealed.",
        # whole (and checked against its pattern) on input, masked on output
        "x-masked": True,
    }
)
class MaskedCharField(serializers.CharField):
    """Whole on input; masked on output unless this field was revealed for the caller."""

    masks = {"id_number": mask_id_number, "phone": mask_phone}

    def to_representation(self, value):
        if self.field_name in self.context.get("revealed", ()):
            return value
        return self.masks[self.field_name](value)


# --- households --------------------------------------------------------------------------


class HouseholdSerializer(ScopedModelSerializer):
    tags = serializers.SlugRelatedField(
        many=True,
        slug_field="code",
        queryset=HouseholdTag.objects.filter(is_active=True),
        required=False,
    )
    building = serializers.PrimaryKeyRelatedField(queryset=Building.objects.all())
    building_name = serializers.CharField(source="building.name", read_only=True)

    class Meta:
        model = Household
        fields = [
            "id",
            "building",
            "building_name",
            "unit",
            "room",
            "kind",
            "head",
            "tags",
            "grid",
            "community",
            "street",
        ]
        read_only_fields = ["grid", "community", "street"]


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": 99})
class UnitFilter(filters.NumberFilter):
    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, min_value=1, max_value=99, **kwargs)


class HouseholdFilter(TierFilterSet):
    tag = filters.CharFilter(field_name="tags__code")
    unit = UnitFilter()

    class Meta:
        model = Household
        fields = ["kind", "unit"]


class HouseholdViewSet(NoStoreMixin, ScopedModelViewSet):
    """Households (户), each a room of a unit of a building."""

    queryset = Household.objects.select_related("building").prefetch_related("tags")
    serializer_class = HouseholdSerializer
    filterset_class = HouseholdFilter
    search_fields = ["room"]
    ordering_fields = ["unit", "room"]
    http_method_names = ["get", "post", "put", "patch", "head", "options"]


# --- residents ---------------------------------------------------------------------------


class ResidentSerializer(ScopedModelSerializer):
    id_number = MaskedCharField(
        max_length=18, help_text=_("Masked unless revealed."), validators=[ID_NUMBER_FORMAT]
    )
    phone = MaskedCharField(
        max_length=11, required=False, allow_blank=True, validators=[PHONE_FORMAT]
    )
    household_label = serializers.CharField(source="household.__str__", read_only=True)

    class Meta:
        model = Resident
        fields = [
            "id",
            "household",
            "household_label",
            "name",
            "gender",
            "birth_date",
            "id_number",
            "phone",
            "relation",
            "residence_status",
            "political_status",
            "occupation",
            "notes",
            "state",
            "building",
            "grid",
            "community",
            "street",
        ]
        read_only_fields = ["state", "building", "grid", "community", "street"]

    def validate_id_number(self, value):
        from ..pii import normalize_id_number, validate_id_number

        value = normalize_id_number(value)
        try:
            validate_id_number(value)  # the format is the schema's; the date and check digit
        except Exception as exc:  # a Django ValidationError with its message
            raise rule_error(list(getattr(exc, "messages", [str(exc)]))) from exc
        duplicate = Resident.objects.filter(id_number=value)
        if self.instance is not None:
            duplicate = duplicate.exclude(pk=self.instance.pk)
        if duplicate.exists():
            raise serializers.ValidationError(
                _("A resident with this ID number is already registered."), code="unique"
            )
        return value


class ResidentFilter(TierFilterSet):
    q = filters.CharFilter(
        method="search", label=_("Name, ID number, its last four digits or phone")
    )
    household = id_filter("household")

    class Meta:
        model = Resident
        fields = ["state", "political_status", "residence_status", "gender"]

    def search(self, queryset, name, value):
        return queryset.search(value)


REVEAL_FORMAT = re.compile(r"^(id_number|phone)(,(id_number|phone))*$")
REVEAL = OpenApiParameter(
    "reveal",
    {"type": "string", "pattern": REVEAL_FORMAT.pattern},
    description="Comma-separated fields to show whole (id_number, phone); logged, needs the "
    "reveal permission on this resident.",
)


class ResidentViewSet(NoStoreMixin, ScopedModelViewSet):
    """Residents (居民). Never deleted: movements change their state."""

    queryset = Resident.objects.select_related("household__building")
    serializer_class = ResidentSerializer
    filterset_class = ResidentFilter
    pagination_class = ResidentCursor
    ordering_fields = None
    search_fields = []
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    @extend_schema(parameters=[REVEAL])
    def retrieve(self, request, *args, **kwargs):
        resident = self.get_object()
        context = self.get_serializer_context()
        raw = request.query_params.get("reveal", "")
        if "reveal" in request.query_params and not REVEAL_FORMAT.match(raw.replace(" ", "")):
            raise serializers.ValidationError(
                {"reveal": [_("Only the ID number and the phone can be revealed.")]}
            )
        wanted = [f for f in raw.split(",") if f.strip()]
        if wanted:
            context["revealed"] = services.reveal_personal_data(
                user=request.user,
                resident=resident,
                fields=[f.strip() for f in wanted],
                address=request.META.get("REMOTE_ADDR"),
            )
        return Response(self.get_serializer_class()(resident, context=context).data)


# --- party members -----------------------------------------------------------------------


class PartyMembershipSerializer(ScopedModelSerializer):
    resident_name = serializers.CharField(source="resident.name", read_only=True)
    organization_name = serializers.CharField(source="organization.name", read_only=True)

    class Meta:
        model = PartyMembership
        fields = [
            "id",
            "resident",
            "resident_name",
            "organization",
            "organization_name",
            "joined_on",
            "status",
            "in_service",
            "workplace",
            "grid",
            "community",
            "street",
        ]
        read_only_fields = ["grid", "community", "street"]


class PartyMembershipFilter(TierFilterSet):
    organization = id_filter("organization")

    class Meta:
        model = PartyMembership
        fields = ["status", "in_service"]


class PartyMembershipViewSet(ScopedModelViewSet):
    """Party members, each in one party organisation on the net."""

    queryset = PartyMembership.objects.select_related("resident", "organization")
    serializer_class = PartyMembershipSerializer
    filterset_class = PartyMembershipFilter
    search_fields = ["resident__name", "workplace"]
    ordering_fields = ["joined_on"]
    http_method_names = ["get", "post", "put", "patch", "head", "options"]


# --- movements ---------------------------------------------------------------------------
