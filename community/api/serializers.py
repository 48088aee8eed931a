from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.apiinput import StrictInputMixin
from core.masking import mask_phone
from grid.api.errors import rule_error
from grid.models import Building, Community, Grid, Household, Street
from grid.scoping import restrict_related_choices

from ..models import (
    MAX_CAPACITY,
    Appointment,
    AppointmentSlot,
    BoardPost,
    BoardReply,
    Commitment,
    CommunityNeed,
    Delivery,
    Emergency,
    EmergencyKind,
    GroupPost,
    InterestGroup,
    Notice,
    ResourceRequest,
    RollCallAnswer,
    Service,
    Unit,
    UnitResource,
)
from ..services import may_act_for, mobilisation_states


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


class NodeInput(ScopedInput):
    """Exactly one node of the net the caller can see: a street, community, grid or
    building (ids outside the caller's part of the net are refused)."""

    street = serializers.PrimaryKeyRelatedField(queryset=Street.objects.all(), required=False)
    community = serializers.PrimaryKeyRelatedField(queryset=Community.objects.all(), required=False)
    grid = serializers.PrimaryKeyRelatedField(queryset=Grid.objects.all(), required=False)
    building = serializers.PrimaryKeyRelatedField(queryset=Building.objects.all(), required=False)

    def validate(self, attrs):
        nodes = [attrs[name] for name in NODE_FIELDS if attrs.get(name) is not None]
        if len(nodes) != 1:
            # The schema cannot say "exactly one": a rule of valid input (422).
            raise rule_error(_("Give exactly one of street, community, grid or building."))
        attrs["node"] = nodes[0]
        for name in NODE_FIELDS:
            attrs.pop(name, None)
        return attrs


NODE_FIELDS = ("street", "community", "grid", "building")


class PublishNoticeSerializer(NodeInput):
    title = serializers.CharField(max_length=100)
    body = serializers.CharField(max_length=4000)


class MobilisationStateSerializer(serializers.Serializer):
    """What the volunteers' household mobilisation of the emergency has reached."""

    provider = serializers.CharField()
    title = serializers.CharField()
    is_open = serializers.BooleanField()
    households = serializers.IntegerField()
    answered = serializers.IntegerField()
    percent = serializers.IntegerField()
    url = serializers.CharField()


class EmergencySerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    node_name = serializers.SerializerMethodField()
    mobilisations = serializers.SerializerMethodField()

    class Meta:
        model = Emergency
        fields = [
            "id",
            "kind",
            "kind_label",
            "title",
            "message",
            "state",
            "state_label",
            "street",
            "community",
            "grid",
            "building",
            "node_name",
            "households_told",
            "opened_at",
            "closed_at",
            "closing_note",
            "mobilisations",
        ]
        read_only_fields = fields

    def get_node_name(self, emergency) -> str:
        node = emergency.scope_node()
        return node.name if node is not None else ""

    @extend_schema_field(MobilisationStateSerializer(many=True))
    def get_mobilisations(self, emergency) -> list:
        request = self.context.get("request")
        if request is None:
            return []
        seen = mobilisation_states(emergency, request.user)
        return MobilisationStateSerializer(seen, many=True).data


class OpenEmergencySerializer(NodeInput):
    kind = serializers.ChoiceField(choices=EmergencyKind.choices)
    title = serializers.CharField(max_length=100)
    message = serializers.CharField(max_length=1000)


class RollCallSerializer(ScopedInput):
    status = serializers.ChoiceField(choices=RollCallAnswer.Status.choices)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    household = serializers.PrimaryKeyRelatedField(
        queryset=Household.objects.all(), required=False, allow_null=True, default=None
    )


class RollCallAnswerSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = RollCallAnswer
        fields = [
            "id",
            "emergency",
            "household",
            "building",
            "status",
            "status_label",
            "note",
            "on_behalf",
            "answered_at",
            "help_request",
        ]
        read_only_fields = fields


class CloseEmergencySerializer(StrictInputMixin, serializers.Serializer):
    note = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")


class BuildingCoverageSerializer(serializers.Serializer):
    building = serializers.IntegerField(source="building.pk")
    building_name = serializers.CharField(source="building.name")
    households = serializers.IntegerField()
    safe = serializers.IntegerField()
    help = serializers.IntegerField()
    answered = serializers.IntegerField()
    percent = serializers.IntegerField()
    not_answered = serializers.SerializerMethodField()

    def get_not_answered(self, row) -> list[int]:
        return [household.pk for household in row.missing]


class CoverageSerializer(serializers.Serializer):
    goal = serializers.IntegerField()
    households = serializers.IntegerField()
    answered = serializers.IntegerField()
    help = serializers.IntegerField()
    percent = serializers.IntegerField()
    buildings = BuildingCoverageSerializer(many=True)


class BoardReplySerializer(serializers.ModelSerializer):
    class Meta:
        model = BoardReply
        fields = ["id", "text", "created_at"]
        read_only_fields = fields


class BoardPostSerializer(serializers.ModelSerializer):
    """A board message: its author by surname only, the office's answers."""

    state_label = serializers.CharField(source="get_state_display", read_only=True)
    replies = BoardReplySerializer(many=True, read_only=True)

    class Meta:
        model = BoardPost
        fields = [
            "id",
            "community",
            "author_name",
            "text",
            "state",
            "state_label",
            "hidden_reason",
            "report_count",
            "created_at",
            "replies",
        ]
        read_only_fields = fields


class TextInput(StrictInputMixin, serializers.Serializer):
    text = serializers.CharField(max_length=1000)


class HideInput(StrictInputMixin, serializers.Serializer):
    reason = serializers.CharField(max_length=200)


class GroupSerializer(serializers.ModelSerializer):
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    is_member = serializers.BooleanField(read_only=True, default=False)

    class Meta:
        model = InterestGroup
        fields = [
            "id",
            "community",
            "name",
            "description",
            "leader_name",
            "state",
            "state_label",
            "closed_reason",
            "member_count",
            "is_member",
            "created_at",
        ]
        read_only_fields = fields


class StartGroupInput(StrictInputMixin, serializers.Serializer):
    name = serializers.CharField(max_length=40)
    description = serializers.CharField(max_length=500)


class GroupPostSerializer(serializers.ModelSerializer):
    class Meta:
        model = GroupPost
        fields = ["id", "author_name", "text", "is_hidden", "hidden_reason", "created_at"]
        read_only_fields = fields


class HideGroupPostInput(StrictInputMixin, serializers.Serializer):
    post = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    reason = serializers.CharField(max_length=200)


# --- units on the net (共驻共建) ---------------------------------------------------------


class UnitSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    contact_phone = serializers.SerializerMethodField()

    class Meta:
        model = Unit
        fields = [
            "id",
            "name",
            "kind",
            "kind_label",
            "community",
            "handling_unit",
            "description",
            "address",
            "contact_name",
            "contact_phone",
            "joined_on",
        ]
        read_only_fields = fields

    def get_contact_phone(self, unit) -> str:
        """Masked unless the caller acts for the unit or keeps the directory."""
        request = self.context.get("request")
        if request is not None and may_act_for(request.user, unit):
            return unit.contact_phone
        return mask_phone(unit.contact_phone)


class UnitResourceSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)

    class Meta:
        model = UnitResource
        fields = [
            "id",
            "unit",
            "unit_name",
            "kind",
            "kind_label",
            "name",
            "description",
            "capacity",
            "is_offered",
            "is_booked_by_time",
        ]
        read_only_fields = fields


class CommunityNeedSerializer(serializers.ModelSerializer):
    state_label = serializers.CharField(source="get_state_display", read_only=True)

    class Meta:
        model = CommunityNeed
        fields = ["id", "community", "title", "description", "state", "state_label", "created_at"]
        read_only_fields = fields


class DeliverySerializer(serializers.ModelSerializer):
    class Meta:
        model = Delivery
        fields = ["id", "what", "delivered_on", "people", "created_at"]
        read_only_fields = fields


class CommitmentSerializer(serializers.ModelSerializer):
    side_label = serializers.CharField(source="get_side_display", read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    deliveries = DeliverySerializer(many=True, read_only=True)

    class Meta:
        model = Commitment
        fields = [
            "id",
            "unit",
            "side",
            "side_label",
            "need",
            "offer",
            "title",
            "state",
            "state_label",
            "signed_at",
            "deliveries",
        ]
        read_only_fields = fields


class ResourceRequestSerializer(serializers.ModelSerializer):
    state_label = serializers.CharField(source="get_state_display", read_only=True)

    class Meta:
        model = ResourceRequest
        fields = [
            "id",
            "resource",
            "requester_name",
            "for_group",
            "purpose",
            "starts_at",
            "ends_at",
            "state",
            "state_label",
            "answer",
            "created_at",
            "answered_at",
        ]
        read_only_fields = fields


class PostNeedInput(ScopedInput):
    community = serializers.PrimaryKeyRelatedField(queryset=Community.objects.all())
    title = serializers.CharField(max_length=100)
    description = serializers.CharField(max_length=1000)


class ClaimNeedInput(ScopedInput):
    need = serializers.PrimaryKeyRelatedField(queryset=CommunityNeed.objects.all())
    title = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class ClaimOfferInput(StrictInputMixin, serializers.Serializer):
    title = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class RequestResourceInput(StrictInputMixin, serializers.Serializer):
    purpose = serializers.CharField(max_length=300)
    for_group = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    starts_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    ends_at = serializers.DateTimeField(required=False, allow_null=True, default=None)


class DeliveryInput(StrictInputMixin, serializers.Serializer):
    what = serializers.CharField(max_length=300)
    delivered_on = serializers.DateField(required=False, allow_null=True, default=None)
    people = serializers.IntegerField(min_value=0, max_value=100000, required=False, default=0)
    done = serializers.BooleanField(required=False, default=False)


class AnswerInput(StrictInputMixin, serializers.Serializer):
    answer = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
