from rest_framework import serializers

from core.apiinput import StrictInputMixin
from grid.models import Community
from grid.scoping import restrict_related_choices

from ..models import (
    MAX_FEN,
    AdmissionApplication,
    Category,
    CommunityTask,
    Deliverable,
    Disclosure,
    DisclosureQuestion,
    DisclosureVersion,
    Expenditure,
    Fund,
    LedgerEntry,
    Project,
    VentureCall,
)


class ScopedInput(StrictInputMixin, serializers.Serializer):
    """Input whose ids are limited to what the caller may see (else a 422)."""

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None:
            restrict_related_choices(fields, request.user)
        return fields


def fen_field(**kwargs):
    return serializers.IntegerField(min_value=1, max_value=MAX_FEN, **kwargs)


def text(max_length, required=True):
    if required:
        return serializers.CharField(max_length=max_length)
    return serializers.CharField(
        max_length=max_length, required=False, allow_blank=True, default=""
    )


class FundingFundSerializer(serializers.ModelSerializer):
    source_label = serializers.CharField(source="get_source_display", read_only=True)
    available = serializers.IntegerField(read_only=True)

    class Meta:
        model = Fund
        fields = [
            "id",
            "community",
            "street",
            "source",
            "source_label",
            "year",
            "name",
            "budget",
            "committed",
            "spent",
            "available",
        ]
        read_only_fields = fields


class FundingEntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = LedgerEntry
        fields = [
            "id",
            "fund",
            "project",
            "expenditure",
            "kind",
            "debit",
            "credit",
            "amount",
            "category",
            "counterparty",
            "memo",
            "reverses",
            "booked_on",
        ]
        read_only_fields = fields

    # An income has no spending category: "" (the schema says so).
    category = serializers.CharField(read_only=True)


class FundingReasonInput(StrictInputMixin, serializers.Serializer):
    reason = text(200)


class FundingNoteInput(StrictInputMixin, serializers.Serializer):
    note = text(500, required=False)


class FundingExpenditureSerializer(serializers.ModelSerializer):
    state_label = serializers.CharField(source="get_state_display", read_only=True)

    class Meta:
        model = Expenditure
        fields = [
            "id",
            "fund",
            "project",
            "community",
            "amount",
            "category",
            "payee",
            "purpose",
            "state",
            "state_label",
            "approved_tier",
            "invoice_numbers",
            "paid_on",
            "reason",
            "created_at",
        ]
        read_only_fields = fields


class FundingExpenditureInput(ScopedInput):
    fund = serializers.PrimaryKeyRelatedField(queryset=Fund.objects.all())
    project = serializers.PrimaryKeyRelatedField(
        queryset=Project.objects.all(), required=False, allow_null=True, default=None
    )
    amount = fen_field()
    category = serializers.ChoiceField(choices=Category.choices)
    payee = text(100)
    purpose = text(200)


class FundingPayInput(StrictInputMixin, serializers.Serializer):
    invoice_numbers = text(200)
    paid_on = serializers.DateField(required=False, allow_null=True, default=None)


class FundingProjectSerializer(serializers.ModelSerializer):
    state_label = serializers.CharField(source="get_state_display", read_only=True)

    class Meta:
        model = Project
        fields = [
            "id",
            "fund",
            "community",
            "title",
            "category",
            "needs",
            "need_refs",
            "budget",
            "granted",
            "reserved",
            "spent",
            "state",
            "state_label",
            "minutes",
            "votes_for",
            "votes_against",
            "votes_abstain",
            "vote_ref",
            "filing_number",
            "acceptance_note",
            "noticed_at",
            "created_at",
        ]
        read_only_fields = fields


class FundingProjectInput(ScopedInput):
    fund = serializers.PrimaryKeyRelatedField(queryset=Fund.objects.all())
    title = text(100)
    category = serializers.ChoiceField(choices=Category.choices)
    needs = text(4000)
    need_refs = text(200, required=False)
    budget = fen_field()


class FundingDecisionInput(StrictInputMixin, serializers.Serializer):
    minutes = text(8000)
    votes_for = serializers.IntegerField(min_value=0, max_value=1000)
    votes_against = serializers.IntegerField(min_value=0, max_value=1000)
    votes_abstain = serializers.IntegerField(min_value=0, max_value=1000, default=0)
    vote_ref = text(100, required=False)


class FundingAcceptInput(StrictInputMixin, serializers.Serializer):
    note = text(500)


class FundingVersionSerializer(serializers.ModelSerializer):
    class Meta:
        model = DisclosureVersion
        fields = ["id", "number", "body", "statement", "published_at"]
        read_only_fields = fields


class FundingQuestionSerializer(serializers.ModelSerializer):
    class Meta:
        model = DisclosureQuestion
        fields = ["id", "text", "answer", "asked_at", "answered_at"]
        read_only_fields = fields


class FundingDisclosureSerializer(serializers.ModelSerializer):
    area_label = serializers.CharField(source="get_area_display", read_only=True)
    versions = FundingVersionSerializer(many=True, read_only=True)

    class Meta:
        model = Disclosure
        fields = [
            "id",
            "community",
            "area",
            "area_label",
            "cadence",
            "title",
            "period_start",
            "period_end",
            "due_on",
            "state",
            "version_count",
            "versions",
        ]
        read_only_fields = fields


class FundingAskInput(StrictInputMixin, serializers.Serializer):
    text = text(500)


class FundingApplicationSerializer(serializers.ModelSerializer):
    state_label = serializers.CharField(source="get_state_display", read_only=True)

    class Meta:
        model = AdmissionApplication
        fields = [
            "id",
            "department",
            "title",
            "description",
            "deliverable",
            "targets",
            "frequency",
            "months",
            "hours_per_community",
            "funding_per_community",
            "transfer_plan",
            "starts_on",
            "state",
            "state_label",
            "track",
            "item",
            "duplicate_of",
            "review_due",
            "decision_note",
            "conditions",
            "number",
            "submitted_at",
        ]
        read_only_fields = fields


class FundingApplicationInput(StrictInputMixin, serializers.Serializer):
    department = text(100)
    title = text(100)
    description = text(4000)
    deliverable = serializers.ChoiceField(choices=Deliverable.choices)
    targets = serializers.PrimaryKeyRelatedField(
        queryset=Community.objects.all(), many=True, allow_empty=False
    )
    frequency = serializers.ChoiceField(choices=AdmissionApplication.Frequency.choices)
    months = serializers.IntegerField(min_value=1, max_value=60)
    hours_per_community = serializers.IntegerField(min_value=0, max_value=10000)
    funding_per_community = serializers.IntegerField(min_value=0, max_value=MAX_FEN)
    transfer_plan = text(500, required=False)
    starts_on = serializers.DateField()


class FundingAdmissionDecisionInput(StrictInputMixin, serializers.Serializer):
    decision = serializers.ChoiceField(choices=["approve", "conditional", "return", "reject"])
    note = text(1000)
    conditions = text(500, required=False)


class FundingExtendInput(StrictInputMixin, serializers.Serializer):
    days = serializers.IntegerField(min_value=1, max_value=30)
    reason = text(200)


class FundingTaskSerializer(serializers.ModelSerializer):
    state_label = serializers.CharField(source="get_state_display", read_only=True)

    class Meta:
        model = CommunityTask
        fields = [
            "id",
            "community",
            "application",
            "department",
            "title",
            "number",
            "funding",
            "hours",
            "state",
            "state_label",
            "reason",
            "created_at",
        ]
        read_only_fields = fields


class FundingTaskRefuseInput(StrictInputMixin, serializers.Serializer):
    reason = text(200, required=False)


class FundingCallSerializer(serializers.ModelSerializer):
    class Meta:
        model = VentureCall
        fields = [
            "id",
            "fund",
            "community",
            "street",
            "title",
            "pool",
            "cap",
            "months_min",
            "months_max",
            "criteria",
            "apply_until",
            "state",
        ]
        read_only_fields = fields
