"""Serializers of the consultation API: outputs are read-only model serializers, inputs
are strict plain serializers whose ids are limited to what the caller may see."""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.apiinput import RULE, StrictInputMixin
from grid.models import Building, Category, Community, Grid, HandlingUnit, Household, Post
from grid.scoping import restrict_related_choices

from .. import services
from ..models import (
    AgendaItem,
    Attendance,
    HouseholdArea,
    Meeting,
    Objection,
    Option,
    Proxy,
    Resolution,
    Stakeholder,
    Task,
    Topic,
    Vote,
)


class ScopedInput(StrictInputMixin, serializers.Serializer):
    """Input whose ids are limited to what the caller may see (else a 422)."""

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None:
            restrict_related_choices(fields, request.user)
        return fields


class NodeInput(ScopedInput):
    building = serializers.PrimaryKeyRelatedField(queryset=Building.objects.all(), required=False)
    grid = serializers.PrimaryKeyRelatedField(queryset=Grid.objects.all(), required=False)
    community = serializers.PrimaryKeyRelatedField(queryset=Community.objects.all(), required=False)

    def get_fields(self):
        # The node is checked by the service (a resident may raise a topic on the
        # building they live in without seeing it as a post does).
        fields = super().get_fields()
        fields["building"].queryset = Building.objects.all()
        fields["grid"].queryset = Grid.objects.all()
        fields["community"].queryset = Community.objects.all()
        return fields

    def validate(self, attrs):
        attrs = super().validate(attrs)
        nodes = [attrs.pop(name) for name in ("building", "grid", "community") if name in attrs]
        if len(nodes) > 1:
            raise serializers.ValidationError(
                {"building": [_("Name one node: a building, a grid or a community.")]},
                code="rule",
            )
        if nodes:
            attrs["node"] = nodes[0]
        return attrs


class TopicSerializer(serializers.ModelSerializer):
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    proposer_name = serializers.SerializerMethodField()

    class Meta:
        model = Topic
        fields = [
            "id",
            "title",
            "description",
            "stakeholders",
            "state",
            "state_label",
            "street",
            "community",
            "grid",
            "building",
            "proposer_name",
            "review_due",
            "reason",
            "merged_into",
            "request",
            "supports",
            "support_goal",
            "created_at",
        ]
        read_only_fields = fields

    def get_proposer_name(self, topic) -> str:
        name = topic.proposer.get_full_name() or topic.proposer.get_username()
        return f"{name[:1]}*"


class ProposeSerializer(NodeInput):
    title = serializers.CharField(max_length=100)
    description = serializers.CharField(max_length=4000)
    stakeholders = serializers.ListField(
        child=serializers.ChoiceField(choices=Stakeholder.choices), required=False, max_length=5
    )


class ReviewSerializer(ScopedInput):
    decision = serializers.ChoiceField(choices=["accept", "merge", "refer", "reject"])
    reason = serializers.CharField(max_length=500)
    into = serializers.PrimaryKeyRelatedField(queryset=Topic.objects.all(), required=False)
    category = serializers.PrimaryKeyRelatedField(
        queryset=Category.objects.filter(is_active=True), required=False
    )


class AgendaItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = AgendaItem
        fields = ["id", "order", "title", "positions", "resolution", "tally"]
        read_only_fields = fields


class MeetingSerializer(serializers.ModelSerializer):
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    mode_label = serializers.CharField(source="get_mode_display", read_only=True)
    items = AgendaItemSerializer(many=True, read_only=True)

    class Meta:
        model = Meeting
        fields = [
            "id",
            "topic",
            "title",
            "mode",
            "mode_label",
            "starts_at",
            "place",
            "online_link",
            "groups",
            "state",
            "state_label",
            "street",
            "community",
            "grid",
            "building",
            "invited",
            "countersigned_at",
            "items",
        ]
        read_only_fields = fields


class ConveneSerializer(NodeInput):
    topic = serializers.PrimaryKeyRelatedField(queryset=Topic.objects.all(), required=False)
    title = serializers.CharField(max_length=100)
    starts_at = serializers.DateTimeField()
    mode = serializers.ChoiceField(choices=Meeting.Mode.choices, default=Meeting.Mode.HYBRID)
    place = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    online_link = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default=""
    )
    groups = serializers.ListField(
        child=serializers.ChoiceField(choices=Stakeholder.choices), min_length=1, max_length=5
    )
    agenda = serializers.ListField(
        child=serializers.CharField(max_length=200), required=False, max_length=20
    )


class SignInSerializer(ScopedInput):
    channel = serializers.ChoiceField(choices=Attendance.Channel.choices)
    code = serializers.CharField(max_length=12, required=False, allow_blank=True, default="")
    attendee = serializers.IntegerField(min_value=1, max_value=2**31 - 1, required=False)


class AttendanceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Attendance
        fields = ["id", "meeting", "channel", "at"]
        read_only_fields = fields


class QuorumSerializer(serializers.Serializer):
    room = serializers.IntegerField()
    online = serializers.IntegerField()
    proxies = serializers.IntegerField()
    counted = serializers.IntegerField()
    invited = serializers.IntegerField()
    needed = serializers.IntegerField()
    share = serializers.IntegerField()
    met = serializers.BooleanField()


class MinutesSerializer(ScopedInput):
    item = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    positions = serializers.DictField(child=serializers.CharField(max_length=2000))
    resolution = serializers.CharField(max_length=4000, required=False, allow_blank=True)
    tally = serializers.CharField(max_length=500, required=False, allow_blank=True)


class ProxyInput(ScopedInput):
    holder = serializers.IntegerField(min_value=1, max_value=2**31 - 1)


class ProxyRevokeInput(ScopedInput):
    proxy = serializers.IntegerField(min_value=1, max_value=2**31 - 1)


class ProxySerializer(serializers.ModelSerializer):
    class Meta:
        model = Proxy
        fields = ["id", "meeting", "vote", "active", "created_at", "revoked_at"]
        read_only_fields = fields


class OptionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Option
        fields = ["id", "order", "label"]
        read_only_fields = fields


class VoteSerializer(serializers.ModelSerializer):
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    basis_label = serializers.CharField(source="get_basis_display", read_only=True)
    options = OptionSerializer(many=True, read_only=True)
    rule_words = serializers.SerializerMethodField()
    result = serializers.SerializerMethodField()

    class Meta:
        model = Vote
        fields = [
            "id",
            "meeting",
            "topic",
            "question",
            "basis",
            "basis_label",
            "secret",
            "opens_at",
            "closes_at",
            "quorum_num",
            "quorum_den",
            "pass_num",
            "pass_den",
            "pass_strict",
            "state",
            "state_label",
            "street",
            "community",
            "grid",
            "building",
            "electorate",
            "options",
            "rule_words",
            "result",
        ]
        read_only_fields = fields

    def get_rule_words(self, vote) -> str:
        return services.rule_words(vote)

    def get_result(self, vote) -> dict:
        # The tally is shown once the supervision committee has signed it off.
        return vote.result if vote.state == Vote.State.PUBLISHED else {}


class RulesInput(StrictInputMixin, serializers.Serializer):
    quorum_num = serializers.IntegerField(min_value=0, max_value=100, required=False)
    quorum_den = serializers.IntegerField(min_value=1, max_value=100, required=False)
    pass_num = serializers.IntegerField(min_value=0, max_value=100, required=False)
    pass_den = serializers.IntegerField(min_value=1, max_value=100, required=False)
    pass_strict = serializers.BooleanField(required=False)


class CreateVoteSerializer(NodeInput):
    meeting = serializers.PrimaryKeyRelatedField(queryset=Meeting.objects.all(), required=False)
    topic = serializers.PrimaryKeyRelatedField(queryset=Topic.objects.all(), required=False)
    question = serializers.CharField(max_length=200)
    options = serializers.ListField(
        child=serializers.CharField(max_length=100), min_length=2, max_length=10, required=False
    )
    basis = serializers.ChoiceField(choices=Vote.Basis.choices)
    opens_at = serializers.DateTimeField()
    closes_at = serializers.DateTimeField()
    secret = serializers.BooleanField(default=True)
    preset = serializers.ChoiceField(choices=list(services.PRESETS), default="ordinary")
    rules = RulesInput(required=False)


class CastSerializer(ScopedInput):
    option = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    channel = serializers.ChoiceField(choices=["online", "meeting"], default="online")
    giver = serializers.IntegerField(min_value=1, max_value=2**31 - 1, required=False)


class BallotReceiptSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    channel = serializers.CharField()
    at = serializers.DateTimeField()


class PaperSerializer(ScopedInput):
    household = serializers.PrimaryKeyRelatedField(queryset=Household.objects.all())
    option = serializers.IntegerField(min_value=1, max_value=2**31 - 1)


class DifferenceSerializer(serializers.Serializer):
    household = serializers.IntegerField()
    entries = serializers.IntegerField()
    options = serializers.ListField(child=serializers.IntegerField())
    agree = serializers.BooleanField()


class ReconcileSerializer(serializers.Serializer):
    ballots = serializers.IntegerField()
    refused_duplicates = serializers.IntegerField()
    open = serializers.IntegerField()


class PublishedBallotSerializer(serializers.Serializer):
    household = serializers.CharField()
    channel = serializers.CharField()
    option = serializers.CharField(required=False)


class TaskSerializer(serializers.ModelSerializer):
    class Meta:
        model = Task
        fields = ["id", "title", "owner_post", "owner_unit", "due", "progress", "done_at"]
        read_only_fields = fields


class ObjectionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Objection
        fields = ["id", "text", "answer", "at"]
        read_only_fields = fields


class ResolutionSerializer(serializers.ModelSerializer):
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    tasks = TaskSerializer(many=True, read_only=True)
    objections = ObjectionSerializer(many=True, read_only=True)
    progress = serializers.SerializerMethodField()

    class Meta:
        model = Resolution
        fields = [
            "id",
            "vote",
            "topic",
            "title",
            "text",
            "state",
            "state_label",
            "notice_ends",
            "budget_reference",
            "street",
            "community",
            "grid",
            "building",
            "progress",
            "tasks",
            "objections",
            "accepted_at",
        ]
        read_only_fields = fields

    def get_progress(self, resolution) -> int:
        tasks = list(resolution.tasks.all())
        return round(sum(t.progress for t in tasks) / len(tasks)) if tasks else 0


class PublishSerializer(ScopedInput):
    vote = serializers.PrimaryKeyRelatedField(queryset=Vote.objects.all())
    title = serializers.CharField(max_length=200)
    text = serializers.CharField(max_length=4000)
    budget_reference = serializers.CharField(
        max_length=100, required=False, allow_blank=True, default=""
    )


class TextSerializer(StrictInputMixin, serializers.Serializer):
    text = serializers.CharField(max_length=1000)


class AnswerSerializer(TextSerializer):
    objection = serializers.IntegerField(min_value=1, max_value=2**31 - 1)


class TaskInput(ScopedInput):
    title = serializers.CharField(max_length=200)
    due = serializers.DateField()
    owner_post = serializers.PrimaryKeyRelatedField(queryset=Post.objects.all(), required=False)
    owner_unit = serializers.PrimaryKeyRelatedField(
        queryset=HandlingUnit.objects.all(), required=False
    )


class ProgressInput(StrictInputMixin, serializers.Serializer):
    task = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    progress = serializers.IntegerField(min_value=0, max_value=100)
    note = serializers.CharField(max_length=500)
    photo = serializers.ImageField(required=False)


class RateInput(StrictInputMixin, serializers.Serializer):
    satisfied = serializers.BooleanField()
    comment = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class AreaSerializer(serializers.ModelSerializer):
    class Meta:
        model = HouseholdArea
        fields = ["id", "household", "area", "building"]
        read_only_fields = fields


class AreaInput(ScopedInput):
    household = serializers.PrimaryKeyRelatedField(queryset=Household.objects.all())
    area = serializers.DecimalField(max_digits=7, decimal_places=2)

    def validate_area(self, value):
        # Rules on a well-formed number (a 422): the schema cannot bound a decimal string.
        if not Decimal("0.01") <= value <= Decimal("10000"):
            raise serializers.ValidationError(
                _("A floor area is from 0.01 to 10,000 m²."), code=RULE
            )
        return value
