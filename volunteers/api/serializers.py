from decimal import ROUND_HALF_UP, Decimal

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.apiinput import StrictInputMixin
from grid.models import Community, Grid, Resident, Street
from grid.scoping import restrict_related_choices

from .. import services
from ..models import (
    MAX_CAPACITY,
    Activity,
    Correction,
    HourEntry,
    Membership,
    RecordCertificate,
    Shift,
    SignUp,
    Tag,
    Team,
    TimeBankEntry,
    Volunteer,
)

HOURS = {
    "max_digits": 5,
    "decimal_places": 1,
    "min_value": Decimal("0.1"),
    "max_value": Decimal("24"),
    "coerce_to_string": False,
}


class RoundedDecimalField(serializers.DecimalField):
    """A number of hours or credits as the schema documents it (a number within its
    bounds): more decimals are rounded to one place; the service then checks the step."""

    def validate_precision(self, value):
        return value


class ScopedInput(StrictInputMixin, serializers.Serializer):
    """Input whose ids are limited to what the caller may see (else a 422)."""

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None:
            restrict_related_choices(fields, request.user)
        return fields


class TeamSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    members = serializers.IntegerField(read_only=True, default=0)

    class Meta:
        model = Team
        fields = [
            "id",
            "name",
            "kind",
            "kind_label",
            "description",
            "street",
            "community",
            "grid",
            "building",
            "party_contact",
            "recruiting",
            "members",
        ]
        read_only_fields = fields


class TeamCreateSerializer(ScopedInput):
    name = serializers.CharField(max_length=100)
    kind = serializers.ChoiceField(choices=Team.Kind.choices, default=Team.Kind.SERVICE)
    description = serializers.CharField(
        max_length=2000, required=False, allow_blank=True, default=""
    )
    party_contact = serializers.CharField(
        max_length=64, required=False, allow_blank=True, default=""
    )
    street = serializers.PrimaryKeyRelatedField(queryset=Street.objects.all(), required=False)
    community = serializers.PrimaryKeyRelatedField(queryset=Community.objects.all(), required=False)
    grid = serializers.PrimaryKeyRelatedField(queryset=Grid.objects.all(), required=False)
    recruiting = serializers.BooleanField(default=True)

    def validate(self, attrs):
        nodes = [attrs.pop(k) for k in ("grid", "community", "street") if attrs.get(k)]
        if len(nodes) != 1:
            raise serializers.ValidationError(
                {"community": [_("Give exactly one of street, community or grid.")]}, code="rule"
            )
        attrs["node"] = nodes[0]
        return attrs


class VolunteerSerializer(serializers.ModelSerializer):
    stars = serializers.SerializerMethodField()
    name = serializers.SerializerMethodField()

    class Meta:
        model = Volunteer
        fields = [
            "id",
            "name",
            "skills",
            "in_service_member",
            "confirmed_hours",
            "stars",
            "consent_at",
            "community",
            "building",
            "registered_at",
        ]
        read_only_fields = fields

    def get_stars(self, volunteer) -> int:
        return services.star_level(volunteer.confirmed_hours, volunteer)

    def get_name(self, volunteer) -> str:
        request = self.context.get("request")
        return services.shown_name(volunteer, request.user if request else None)


class RegisterSerializer(StrictInputMixin, serializers.Serializer):
    consent = serializers.BooleanField()
    skills = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class MembershipSerializer(serializers.ModelSerializer):
    team_name = serializers.CharField(source="team.name", read_only=True)
    volunteer_name = serializers.CharField(source="volunteer.name", read_only=True)

    class Meta:
        model = Membership
        fields = [
            "id",
            "team",
            "team_name",
            "volunteer",
            "volunteer_name",
            "role",
            "state",
            "reason",
            "created_at",
        ]
        read_only_fields = fields


class TeamApplySerializer(ScopedInput):
    team = serializers.PrimaryKeyRelatedField(queryset=Team.objects.all())


class DecideSerializer(StrictInputMixin, serializers.Serializer):
    accept = serializers.BooleanField()
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class ActivitySerializer(serializers.ModelSerializer):
    tags = serializers.SerializerMethodField()
    risky = serializers.BooleanField(source="is_risky", read_only=True)

    class Meta:
        model = Activity
        fields = [
            "id",
            "team",
            "title",
            "description",
            "place",
            "state",
            "tags",
            "min_age",
            "skills",
            *Activity.RISK_FLAGS,
            "risky",
            "insurance_confirmed_at",
            "time_bank",
            "community",
            "street",
            "created_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=Tag.choices)))
    def get_tags(self, activity):
        return [t.tag for t in activity.tags.all()]


class ActivityCreateSerializer(ScopedInput):
    team = serializers.PrimaryKeyRelatedField(queryset=Team.objects.all())
    title = serializers.CharField(max_length=100)
    place = serializers.CharField(max_length=100)
    description = serializers.CharField(
        max_length=4000, required=False, allow_blank=True, default=""
    )
    tags = serializers.ListField(
        child=serializers.ChoiceField(choices=Tag.choices),
        max_length=8,
        required=False,
        default=list,
    )
    min_age = serializers.IntegerField(min_value=0, max_value=100, default=0)
    skills = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    time_bank = serializers.BooleanField(default=False)
    dangerous = serializers.BooleanField(default=False)
    long_term = serializers.BooleanField(default=False)
    large_event = serializers.BooleanField(default=False)
    outside_province = serializers.BooleanField(default=False)
    foreign_related = serializers.BooleanField(default=False)


class ShiftSerializer(serializers.ModelSerializer):
    places_left = serializers.IntegerField(read_only=True)
    activity_title = serializers.CharField(source="activity.title", read_only=True)

    class Meta:
        model = Shift
        fields = [
            "id",
            "activity",
            "activity_title",
            "starts_at",
            "ends_at",
            "capacity",
            "booked",
            "places_left",
        ]
        read_only_fields = fields


class ShiftCreateSerializer(ScopedInput):
    activity = serializers.PrimaryKeyRelatedField(queryset=Activity.objects.all())
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    capacity = serializers.IntegerField(min_value=1, max_value=MAX_CAPACITY)


class CodeSerializer(StrictInputMixin, serializers.Serializer):
    code = serializers.CharField(max_length=12)


class SignUpSerializer(serializers.ModelSerializer):
    shift = ShiftSerializer(read_only=True)

    class Meta:
        model = SignUp
        fields = [
            "id",
            "shift",
            "state",
            "agreement_signed_at",
            "checked_in_at",
            "checked_out_at",
            "created_at",
        ]
        read_only_fields = fields


class SignUpCreateSerializer(ScopedInput):
    shift = serializers.PrimaryKeyRelatedField(queryset=Shift.objects.all())
    agree = serializers.BooleanField(default=False)
    waitlist = serializers.BooleanField(default=False)


class VolunteerReasonSerializer(StrictInputMixin, serializers.Serializer):
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class HourEntrySerializer(serializers.ModelSerializer):
    activity_title = serializers.CharField(source="activity.title", read_only=True)
    team_name = serializers.CharField(source="team.name", read_only=True)

    class Meta:
        model = HourEntry
        fields = [
            "id",
            "volunteer",
            "activity",
            "activity_title",
            "team",
            "team_name",
            "served_on",
            "hours",
            "state",
            "source",
            "note",
            "confirmed_at",
        ]
        read_only_fields = fields


class EnterHoursSerializer(ScopedInput):
    signup = serializers.PrimaryKeyRelatedField(queryset=SignUp.objects.all())
    hours = RoundedDecimalField(**HOURS, rounding=ROUND_HALF_UP)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class CorrectionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Correction
        fields = [
            "id",
            "entry",
            "hours",
            "reason",
            "state",
            "answer",
            "due_at",
            "answered_at",
            "created_at",
        ]
        read_only_fields = fields


class AskCorrectionSerializer(ScopedInput):
    entry = serializers.PrimaryKeyRelatedField(queryset=HourEntry.objects.all())
    hours = RoundedDecimalField(**HOURS, rounding=ROUND_HALF_UP)
    reason = serializers.CharField(max_length=500)


class AnswerSerializer(StrictInputMixin, serializers.Serializer):
    accept = serializers.BooleanField()
    answer = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class CertificateSerializer(serializers.ModelSerializer):
    number = serializers.CharField(source="certificate.number", read_only=True)
    team_name = serializers.CharField(source="team.name", read_only=True)
    verify_url = serializers.SerializerMethodField()

    class Meta:
        model = RecordCertificate
        fields = ["id", "number", "team", "team_name", "hours", "created_at", "verify_url"]
        read_only_fields = fields

    def get_verify_url(self, record) -> str:
        return reverse("certificates:verify", args=[record.certificate.number])


class CertificateRequestSerializer(ScopedInput):
    team = serializers.PrimaryKeyRelatedField(queryset=Team.objects.all())


class TimeBankEntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = TimeBankEntry
        fields = [
            "id",
            "volunteer",
            "seq",
            "kind",
            "amount",
            "balance",
            "beneficiary",
            "note",
            "reverses",
            "created_at",
        ]
        read_only_fields = fields


class WithdrawSerializer(ScopedInput):
    volunteer = serializers.PrimaryKeyRelatedField(queryset=Volunteer.objects.all())
    amount = RoundedDecimalField(
        rounding=ROUND_HALF_UP,
        max_digits=6,
        decimal_places=1,
        min_value=Decimal("0.1"),
        max_value=Decimal("1000"),
        coerce_to_string=False,
    )
    beneficiary = serializers.PrimaryKeyRelatedField(
        queryset=Resident.objects.all(), required=False, allow_null=True, default=None
    )
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
