"""The API of residents' movements (moving in, out and between households)."""

import django_filters as filters
from rest_framework import serializers, status
from rest_framework.response import Response

from .. import services
from ..models import (
    Movement,
)
from .filters import TierFilterSet, id_filter

# The formats, as patterns the schema documents (grid.pii checks the same).
from .people import NoStoreMixin
from .scoped import ScopedModelSerializer, ScopedModelViewSet


class MovementSerializer(ScopedModelSerializer):
    resident_name = serializers.CharField(source="resident.name", read_only=True)

    class Meta:
        model = Movement
        fields = [
            "id",
            "resident",
            "resident_name",
            "kind",
            "date",
            "from_household",
            "to_household",
            "note",
            "recorded_at",
            "building",
            "grid",
            "community",
            "street",
        ]
        read_only_fields = ["from_household", "building", "grid", "community", "street"]

    def validate(self, attrs):
        return attrs  # the service checks the movement against the resident's state


class MovementFilter(TierFilterSet):
    resident = id_filter("resident")
    date_from = filters.DateFilter(field_name="date", lookup_expr="gte")
    date_to = filters.DateFilter(field_name="date", lookup_expr="lte")

    class Meta:
        model = Movement
        fields = ["kind"]


class MovementViewSet(NoStoreMixin, ScopedModelViewSet):
    """Moving in, out, between households and deaths: dated events, never deletions."""

    queryset = Movement.objects.select_related("resident")
    serializer_class = MovementSerializer
    filterset_class = MovementFilter
    ordering_fields = ["date"]
    http_method_names = ["get", "post", "head", "options"]

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        movement = services.record_movement(
            user=request.user,
            resident=data["resident"],
            kind=data["kind"],
            date=data["date"],
            to_household=data.get("to_household"),
            note=data.get("note", ""),
        )
        return Response(self.get_serializer(movement).data, status=status.HTTP_201_CREATED)


# --- verification requests ---------------------------------------------------------------
