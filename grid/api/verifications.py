"""The API of account verifications: a resident asks to be confirmed as a member of a
household; the building leader or the community confirms or declines."""

from rest_framework import permissions, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from core.apiinput import StrictInputMixin

from .. import services
from ..models import (
    Building,
    Resident,
    VerificationRequest,
)
from .filters import TierFilterSet

# The formats, as patterns the schema documents (grid.pii checks the same).
from .people import PHONE_FORMAT, MaskedCharField, NoStoreMixin
from .scoped import ScopedModelSerializer, ScopedModelViewSet


class VerificationRequestSerializer(ScopedModelSerializer):
    phone = MaskedCharField(max_length=11, validators=[PHONE_FORMAT])
    building = serializers.PrimaryKeyRelatedField(queryset=Building.objects.all())
    building_name = serializers.CharField(source="building.name", read_only=True)

    class Meta:
        model = VerificationRequest
        fields = [
            "id",
            "building",
            "building_name",
            "unit",
            "room",
            "name",
            "phone",
            "id_last4",
            "state",
            "reason",
            "resident",
            "created_at",
            "decided_at",
        ]
        read_only_fields = ["state", "reason", "resident", "created_at", "decided_at"]

    def validate(self, attrs):
        return attrs  # the services check requests and decisions


class ConfirmSerializer(StrictInputMixin, serializers.Serializer):
    resident = serializers.PrimaryKeyRelatedField(
        queryset=Resident.objects.all(), required=False, allow_null=True
    )

    def get_fields(self):
        from ..scoping import restrict_related_choices

        fields = super().get_fields()
        restrict_related_choices(fields, self.context["request"].user)
        return fields


class DeclineSerializer(StrictInputMixin, serializers.Serializer):
    reason = serializers.CharField(max_length=200)


class VerificationRequestFilter(TierFilterSet):
    class Meta:
        model = VerificationRequest
        fields = ["state"]


class CanRequestOrDecide(permissions.BasePermission):
    """Any signed-in account may ask for its household; deciding is checked per object
    by the services."""

    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated)


class VerificationRequestViewSet(NoStoreMixin, ScopedModelViewSet):
    """Resident accounts asking to be linked to their household, and their decisions."""

    queryset = VerificationRequest.objects.select_related("building")
    serializer_class = VerificationRequestSerializer
    filterset_class = VerificationRequestFilter
    permission_classes = [CanRequestOrDecide]
    ordering_fields = ["created_at"]
    http_method_names = ["get", "post", "head", "options"]

    def get_serializer_class(self):
        return {"confirm": ConfirmSerializer, "decline": DeclineSerializer}.get(
            self.action, VerificationRequestSerializer
        )

    def get_serializer(self, *args, **kwargs):
        if self.action == "create":
            # The building is chosen from the whole county, not from a scope.
            kwargs.setdefault("context", self.get_serializer_context())
            serializer = VerificationRequestSerializer(*args, **kwargs)
            serializer.fields["building"].queryset = Building.objects.all()
            return serializer
        return super().get_serializer(*args, **kwargs)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        created = services.request_household_verification(
            user=request.user,
            building=data["building"],
            unit=data["unit"],
            room=data["room"],
            name=data["name"],
            phone=data["phone"],
            id_last4=data.get("id_last4", ""),
        )
        return Response(
            VerificationRequestSerializer(created, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )

    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        """Confirm the person against the roster (optionally naming the resident)."""
        verification = self.get_object()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        decided = services.confirm_household_verification(
            user=request.user,
            request=verification,
            resident=serializer.validated_data.get("resident"),
        )
        return Response(
            VerificationRequestSerializer(decided, context=self.get_serializer_context()).data
        )

    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        """Decline with a reason."""
        verification = self.get_object()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        decided = services.decline_household_verification(
            user=request.user, request=verification, reason=serializer.validated_data["reason"]
        )
        return Response(
            VerificationRequestSerializer(decided, context=self.get_serializer_context()).data
        )
