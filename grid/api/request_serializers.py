"""The serializers of the request API: requests, their timeline and photos, the
steps' inputs and the KPI answers (the viewsets: requests.py)."""

import datetime

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.apiinput import StrictInputMixin, query_errors

from ..models import (
    Building,
    Category,
    Grid,
    HandlingUnit,
    RequestEvent,
    RequestPhoto,
    Resident,
    ServiceRequest,
)
from ..querysets import KPI_RATES
from ..scoping import restrict_related_choices
from .errors import rule_error
from .scoped import ScopedModelSerializer


class CategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = [
            "id",
            "code",
            "name",
            "parent",
            "handle_limit",
            "handle_unit",
            "public_by_default",
        ]


class EventSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.__str__", read_only=True, default="")

    class Meta:
        model = RequestEvent
        fields = ["action", "actor", "from_state", "to_state", "note", "at"]


class ServiceRequestSerializer(ScopedModelSerializer):
    category_name = serializers.CharField(source="category.__str__", read_only=True)
    reporter_name = serializers.CharField(source="reporter.name", read_only=True, default="")

    class Meta:
        model = ServiceRequest
        fields = [
            "id",
            "number",
            "category",
            "category_name",
            "description",
            "is_public",
            "state",
            "level",
            "reporter_name",
            "handler_user",
            "handler_unit",
            "result",
            "reason",
            "due_register_at",
            "due_handle_at",
            "register_overdue",
            "handle_overdue",
            "rework_count",
            "rating",
            "created_at",
            "closed_at",
            "building",
            "grid",
            "community",
            "street",
        ]
        read_only_fields = fields


def _iso(value, tz):
    """A stored time as DRF's ``DateTimeField`` writes it: in the current time zone, ISO
    8601, ``Z`` for UTC."""
    if value is None:
        return None
    text = value.astimezone(tz).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


class ServiceRequestRows:
    """The list of ``ServiceRequestSerializer`` written from ``values()`` rows: the same
    JSON, without a model instance, a related instance or a serializer field per cell
    (the request list is the portal's hottest read; see bench/inprocess.py)."""

    plain = [
        "id",
        "number",
        "category",
        "description",
        "is_public",
        "state",
        "level",
        "handler_user",
        "handler_unit",
        "result",
        "reason",
        "register_overdue",
        "handle_overdue",
        "rework_count",
        "rating",
        "building",
        "grid",
        "community",
        "street",
    ]
    times = ["due_register_at", "due_handle_at", "created_at", "closed_at"]
    columns = [
        *plain,
        *times,
        "category__name",
        "category__parent_id",
        "category__parent__name",
        "reporter__name",
    ]

    @classmethod
    def values(cls, queryset):
        return queryset.values(*cls.columns)

    @classmethod
    def data(cls, rows) -> list[dict]:
        tz = timezone.get_current_timezone()
        fields = ServiceRequestSerializer.Meta.fields
        out = []
        for row in rows:
            item = {name: row[name] for name in cls.plain}
            for name in cls.times:
                item[name] = _iso(row[name], tz)
            name = row["category__name"]
            item["category_name"] = (
                f"{row['category__parent__name']} / {name}"
                if row["category__parent_id"] is not None
                else name
            )
            reporter = row["reporter__name"]
            item["reporter_name"] = "" if reporter is None else reporter
            out.append({field: item[field] for field in fields})
        return out


class PhotoSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(
        help_text=_("The photo (for users who see the request).")
    )

    class Meta:
        model = RequestPhoto
        fields = ["id", "stage", "width", "height", "url"]
        read_only_fields = fields

    @extend_schema_field(serializers.URLField)
    def get_url(self, photo) -> str:
        path = reverse("grid:request-photo", args=[photo.request_id, photo.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


class ServiceRequestDetailSerializer(ServiceRequestSerializer):
    events = EventSerializer(many=True, read_only=True)
    photos = PhotoSerializer(many=True, read_only=True)

    class Meta(ServiceRequestSerializer.Meta):
        fields = [*ServiceRequestSerializer.Meta.fields, "events", "photos"]
        read_only_fields = fields


def photos_field():
    """Up to 6 image files (multipart/form-data, the field repeated); checked by content
    in grid/services/photos.py."""
    return serializers.ListField(
        child=serializers.FileField(),
        required=False,
        help_text=_(
            "Up to 6 photos (JPEG, PNG or WebP, 10 MB each), sent as multipart/form-data "
            "with the field repeated. Stored without EXIF metadata."
        ),
    )


class SubmitSerializer(StrictInputMixin, serializers.Serializer):
    category = serializers.PrimaryKeyRelatedField(queryset=Category.objects.filter(is_active=True))
    description = serializers.CharField(max_length=4000)
    building = serializers.PrimaryKeyRelatedField(
        queryset=Building.objects.all(), required=False, allow_null=True
    )
    grid = serializers.PrimaryKeyRelatedField(
        queryset=Grid.objects.all(), required=False, allow_null=True
    )
    is_public = serializers.BooleanField(required=False, allow_null=True, default=None)
    reporter = serializers.PrimaryKeyRelatedField(
        queryset=Resident.objects.all(),
        required=False,
        allow_null=True,
        help_text=_("The resident a post holder records the request for, on their behalf."),
    )
    photos = photos_field()

    def get_fields(self):
        fields = super().get_fields()
        restrict_related_choices({"reporter": fields["reporter"]}, self.context["request"].user)
        return fields


class SubmitJSONSerializer(SubmitSerializer):
    """The same input as JSON: photos need multipart/form-data."""

    photos = None


class NoteSerializer(StrictInputMixin, serializers.Serializer):
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True)
    result = serializers.CharField(max_length=4000, required=False, allow_blank=True)
    note = serializers.CharField(max_length=4000, required=False, allow_blank=True)


class HandleSerializer(StrictInputMixin, serializers.Serializer):
    result = serializers.CharField(max_length=4000, required=False, allow_blank=True)
    photos = photos_field()


class HandleJSONSerializer(HandleSerializer):
    photos = None


class DispatchSerializer(StrictInputMixin, serializers.Serializer):
    handler_unit = serializers.PrimaryKeyRelatedField(
        queryset=HandlingUnit.objects.all(), required=False, allow_null=True
    )
    handler_user = serializers.PrimaryKeyRelatedField(
        queryset=get_user_model().objects.all(),
        required=False,
        allow_null=True,
    )
    note = serializers.CharField(max_length=4000, required=False, allow_blank=True)


class DuplicateSerializer(StrictInputMixin, serializers.Serializer):
    original = serializers.PrimaryKeyRelatedField(queryset=ServiceRequest.objects.all())

    def get_fields(self):
        fields = super().get_fields()
        restrict_related_choices(fields, self.context["request"].user)
        return fields


class RatingSerializer(StrictInputMixin, serializers.Serializer):
    rating = serializers.IntegerField(min_value=1, max_value=5)
    comment = serializers.CharField(max_length=500, required=False, allow_blank=True)


class KpiQuerySerializer(serializers.Serializer):
    tier = serializers.ChoiceField(choices=["street", "community", "grid"], default="community")
    date_from = serializers.DateField(required=False)
    date_to = serializers.DateField(required=False)

    def to_internal_value(self, data):
        errors = query_errors(data, dict.fromkeys(self.fields, "value"))
        if errors:
            raise serializers.ValidationError(errors)
        return super().to_internal_value(data)

    def validate(self, attrs):
        today = timezone.localdate()
        attrs.setdefault("date_to", today)
        attrs.setdefault("date_from", attrs["date_to"] - datetime.timedelta(days=365))
        if attrs["date_from"] > attrs["date_to"]:
            raise rule_error(_("The start date is after the end date."))
        return attrs


# The counts of ``kpi_counts`` (its average becomes ``avg_handling_hours``, a rate).
KPI_COUNTS = [name for name in ServiceRequest.objects.none().kpi_counts() if name != "avg_handling"]


class KpiCountsSerializer(serializers.Serializer):
    """The counts, the rates (percent; null without a base) and the average handling
    time in hours (null without handled requests)."""

    def get_fields(self):
        fields = {name: serializers.IntegerField() for name in KPI_COUNTS}
        fields.update({name: serializers.FloatField(allow_null=True) for name in KPI_RATES})
        return fields


class KpiNodeSerializer(KpiCountsSerializer):
    def get_fields(self):
        return {"node_id": serializers.IntegerField(allow_null=True), **super().get_fields()}


class KpiSerializer(serializers.Serializer):
    tier = serializers.ChoiceField(choices=["street", "community", "grid"])
    date_from = serializers.DateField()
    date_to = serializers.DateField()
    total = KpiCountsSerializer()
    nodes = KpiNodeSerializer(many=True)
