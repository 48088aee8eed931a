"""The API's shapes for 在职党员双报到: reports, the needs list and its claims, small
wishes, and the steps on them."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.apiinput import StrictInputMixin
from grid.models import Building, Community, Grid, Household, Resident

from .. import member_services as members
from ..models import (
    MAX_NEED_PLACES,
    MemberReport,
    Mobilisation,
    Need,
    NeedClaim,
    Nomination,
    Tag,
    Team,
    Wish,
)
from .serializers import ScopedInput


class MemberReportSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="volunteer.name", read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)

    class Meta:
        model = MemberReport
        fields = [
            "id",
            "volunteer",
            "name",
            "workplace",
            "state",
            "state_label",
            "community",
            "placed_grid",
            "team",
            "reported_at",
            "placed_at",
        ]
        read_only_fields = fields


class ReportSerializer(StrictInputMixin, serializers.Serializer):
    workplace = serializers.CharField(max_length=100)


class PlaceSerializer(ScopedInput):
    grid = serializers.PrimaryKeyRelatedField(queryset=Grid.objects.all())
    team = serializers.PrimaryKeyRelatedField(
        queryset=Team.objects.all(), required=False, allow_null=True, default=None
    )


class AppraiseSerializer(StrictInputMixin, serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    grade = serializers.ChoiceField(choices=members.APPRAISAL_GRADES)
    comment = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")


class NeedSerializer(serializers.ModelSerializer):
    tag_label = serializers.CharField(source="get_tag_display", read_only=True)
    places_left = serializers.IntegerField(read_only=True)

    class Meta:
        model = Need
        fields = [
            "id",
            "title",
            "description",
            "tag",
            "tag_label",
            "places",
            "claimed",
            "places_left",
            "state",
            "community",
            "created_at",
        ]
        read_only_fields = fields


class NeedCreateSerializer(ScopedInput):
    community = serializers.PrimaryKeyRelatedField(queryset=Community.objects.all())
    title = serializers.CharField(max_length=100)
    description = serializers.CharField(
        max_length=2000, required=False, allow_blank=True, default=""
    )
    tag = serializers.ChoiceField(choices=Tag.choices, default=Tag.OTHER)
    places = serializers.IntegerField(min_value=1, max_value=MAX_NEED_PLACES, default=1)


class NeedClaimSerializer(serializers.ModelSerializer):
    need_title = serializers.CharField(source="need.title", read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)

    class Meta:
        model = NeedClaim
        fields = [
            "id",
            "need",
            "need_title",
            "volunteer",
            "state",
            "state_label",
            "note",
            "created_at",
            "done_at",
            "confirmed_at",
        ]
        read_only_fields = fields


class NeedClaimCreateSerializer(ScopedInput):
    need = serializers.PrimaryKeyRelatedField(queryset=Need.objects.all())


class NoteSerializer(StrictInputMixin, serializers.Serializer):
    note = serializers.CharField(max_length=500)


class ReasonSerializer(StrictInputMixin, serializers.Serializer):
    reason = serializers.CharField(max_length=200)


class WishSerializer(serializers.ModelSerializer):
    resident_name = serializers.SerializerMethodField()
    state_label = serializers.CharField(source="get_state_display", read_only=True)

    class Meta:
        model = Wish
        fields = [
            "id",
            "title",
            "description",
            "resident_name",
            "state",
            "state_label",
            "community",
            "fulfil_note",
            "created_at",
            "claimed_at",
            "fulfilled_at",
            "confirmed_at",
        ]
        read_only_fields = fields

    def get_resident_name(self, wish) -> str:
        request = self.context.get("request")
        return members.poster_name(wish, request.user if request else None)


class WishCreateSerializer(StrictInputMixin, serializers.Serializer):
    title = serializers.CharField(max_length=60)
    description = serializers.CharField(
        max_length=500, required=False, allow_blank=True, default=""
    )


class SummaryRowSerializer(serializers.Serializer):
    workplace = serializers.CharField()
    name = serializers.CharField()
    grid = serializers.CharField()
    team = serializers.CharField()
    state = serializers.CharField()
    hours = serializers.DecimalField(max_digits=9, decimal_places=1, coerce_to_string=False)
    needs = serializers.IntegerField()
    wishes = serializers.IntegerField()


class MobilisationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Mobilisation
        fields = [
            "id",
            "title",
            "reason",
            "state",
            "street",
            "community",
            "grid",
            "building",
            "started_at",
            "closed_at",
        ]
        read_only_fields = fields


class MobilisationCreateSerializer(ScopedInput):
    title = serializers.CharField(max_length=100)
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    community = serializers.PrimaryKeyRelatedField(queryset=Community.objects.all(), required=False)
    grid = serializers.PrimaryKeyRelatedField(queryset=Grid.objects.all(), required=False)
    building = serializers.PrimaryKeyRelatedField(queryset=Building.objects.all(), required=False)

    def validate(self, attrs):
        nodes = [attrs.pop(k) for k in ("building", "grid", "community") if attrs.get(k)]
        if len(nodes) != 1:
            raise serializers.ValidationError(
                {"community": [_("Give exactly one of community, grid or building.")]},
                code="rule",
            )
        attrs["node"] = nodes[0]
        return attrs


class CoverageRowSerializer(serializers.Serializer):
    building_id = serializers.IntegerField()
    building__name = serializers.CharField()
    grid_id = serializers.IntegerField()
    grid__name = serializers.CharField()
    households = serializers.IntegerField()
    answered = serializers.IntegerField()
    share = serializers.IntegerField()


class NominationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Nomination
        fields = ["id", "mobilisation", "household", "resident", "building", "created_at"]
        read_only_fields = fields


class NominateSerializer(ScopedInput):
    mobilisation = serializers.PrimaryKeyRelatedField(queryset=Mobilisation.objects.all())
    household = serializers.PrimaryKeyRelatedField(queryset=Household.objects.all())
    resident = serializers.PrimaryKeyRelatedField(queryset=Resident.objects.all())
    healthy = serializers.BooleanField()
