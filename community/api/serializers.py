from rest_framework import serializers

from core.apiinput import StrictInputMixin
from grid.models import Community
from grid.scoping import restrict_related_choices

from ..models import MAX_CAPACITY, Appointment, AppointmentSlot, Notice, Service


class ScopedInput(StrictInputMixin, serializers.Serializer):
    """Input whose ids are limited to what the caller may see (else a 422)."""

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None:
            restrict_related_choices(fields, request.user)
        return fields


class SlotSerializer(serializers.ModelSerializer):
    service_label = serializers.CharField(source="get_service_display", read_only=True)
    places_left = serializers.IntegerField(read_only=True)

    class Meta:
        model = AppointmentSlot
        fields = [
            "id",
            "community",
            "service",
            "service_label",
            "starts_at",
            "ends_at",
            "place",
            "capacity",
            "booked",
            "places_left",
            "is_open",
        ]
        read_only_fields = fields


class OpenSlotsSerializer(ScopedInput):
    community = serializers.PrimaryKeyRelatedField(queryset=Community.objects.all())
    service = serializers.ChoiceField(choices=Service.choices)
    day = serializers.DateField()
    start = serializers.TimeField()
    end = serializers.TimeField()
    minutes = serializers.IntegerField(min_value=10, max_value=240, default=30)
    capacity = serializers.IntegerField(min_value=1, max_value=MAX_CAPACITY, default=1)
    place = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")


class ReasonSerializer(StrictInputMixin, serializers.Serializer):
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class AppointmentSerializer(serializers.ModelSerializer):
    slot = SlotSerializer(read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    resident_name = serializers.CharField(source="resident.name", read_only=True)

    class Meta:
        model = Appointment
        fields = [
            "id",
            "slot",
            "state",
            "state_label",
            "resident_name",
            "note",
            "reason",
            "booked_at",
        ]
        read_only_fields = fields


class BookSerializer(ScopedInput):
    slot = serializers.PrimaryKeyRelatedField(queryset=AppointmentSlot.objects.all())
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class OutcomeSerializer(StrictInputMixin, serializers.Serializer):
    attended = serializers.BooleanField()


class NoticeSerializer(serializers.ModelSerializer):
    node_name = serializers.SerializerMethodField()

    class Meta:
        model = Notice
        fields = [
            "id",
            "title",
            "body",
            "street",
            "community",
            "grid",
            "building",
            "node_name",
            "published_at",
        ]
        read_only_fields = fields

    def get_node_name(self, notice) -> str:
        node = notice.scope_node()
        return node.name if node is not None else ""
