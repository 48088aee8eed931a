"""The API of transfers (转办) and of the applications the tier above decides: extension
(延期), return (回退) and suspension (缓办)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.apiinput import StrictInputMixin

from .. import services
from ..models import HandlingUnit, RequestApplication, ServiceRequest
from ..models.approvals import EXTENSION_MAX_DAYS, REASON_MAX_LENGTH
from .errors import api_exception

Kind = RequestApplication.Kind


class ApplicationSerializer(serializers.ModelSerializer):
    request_number = serializers.CharField(source="request.number", read_only=True)
    applicant = serializers.CharField(source="applicant.__str__", read_only=True)
    target_unit_name = serializers.CharField(source="target_unit.name", read_only=True, default="")
    decided_by = serializers.CharField(source="decided_by.__str__", read_only=True, default="")

    class Meta:
        model = RequestApplication
        fields = [
            "id",
            "request",
            "request_number",
            "kind",
            "state",
            "applicant",
            "reason",
            "days",
            "resume_on",
            "target_unit",
            "target_unit_name",
            "decided_by",
            "decided_at",
            "decision_note",
            "created_at",
        ]
        read_only_fields = fields


class TransferSerializer(StrictInputMixin, serializers.Serializer):
    unit = serializers.PrimaryKeyRelatedField(
        queryset=HandlingUnit.objects.all(), help_text=_("The handling unit asked to take it.")
    )
    reason = serializers.CharField(max_length=REASON_MAX_LENGTH)


class ApplySerializer(StrictInputMixin, serializers.Serializer):
    kind = serializers.ChoiceField(choices=[Kind.EXTENSION, Kind.RETURN, Kind.SUSPENSION])
    reason = serializers.CharField(max_length=REASON_MAX_LENGTH)
    days = serializers.IntegerField(
        min_value=1,
        max_value=EXTENSION_MAX_DAYS,
        required=False,
        allow_null=True,
        help_text=_("For an extension: working days."),
    )
    resume_on = serializers.DateField(
        required=False, allow_null=True, help_text=_("For a suspension: the date it resumes.")
    )


class DecisionSerializer(StrictInputMixin, serializers.Serializer):
    decision = serializers.ChoiceField(
        choices=["approve", "refuse", "withdraw", "accept", "return"],
        help_text=_("approve, refuse or withdraw; for a transfer, accept or return."),
    )
    note = serializers.CharField(max_length=REASON_MAX_LENGTH, required=False, allow_blank=True)


class RequestApprovalActions:
    """Actions mixed into ``ServiceRequestViewSet``: ask another unit to take the
    request, or apply to the tier above."""

    def _application(self, function, serializer_class, **fixed):
        obj = self.get_object()
        data = serializer_class(data=self.request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        application = function(user=self.request.user, request=obj, **fixed, **data.validated_data)
        body = ApplicationSerializer(application, context=self.get_serializer_context()).data
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(request=TransferSerializer, responses={201: ApplicationSerializer})
    @action(detail=True, methods=["post"])
    def transfer(self, request, pk=None):
        """Ask another handling unit to take the request (转办); it accepts or returns it."""
        return self._application(services.propose_transfer, TransferSerializer)

    @extend_schema(request=ApplySerializer, responses={201: ApplicationSerializer})
    @action(detail=True, methods=["post"])
    def apply(self, request, pk=None):
        """Apply to the tier above for an extension (days), a return, or a suspension
        (resume_on)."""
        return self._application(services.apply_for, ApplySerializer)


class RequestApplicationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Applications on requests. The list is what waits for my decision; with
    ``?request=<id>`` it is every application of one request I may see. An application
    is found only through a request the caller may see (else 404)."""

    serializer_class = ApplicationSerializer
    lookup_value_regex = "[1-9][0-9]{0,17}"
    filter_backends = []

    def _visible(self):
        requests = ServiceRequest.objects.for_user(self.request.user, "view")
        return RequestApplication.objects.filter(request__in=requests.values("pk"))

    def get_queryset(self):
        if self.action == "list":
            request_id = self.request.query_params.get("request", "")
            if request_id:
                if not request_id.isdigit() or len(request_id) > 18 or int(request_id) < 1:
                    raise serializers.ValidationError({"request": _("Give a request id.")})
                queryset = self._visible().filter(request_id=int(request_id))
            else:
                queryset = services.applications_to_decide(self.request.user)
        else:
            queryset = self._visible()
        return queryset.select_related(
            "request", "applicant", "target_unit", "decided_by"
        ).order_by("created_at", "id")

    def get_serializer_class(self):
        return DecisionSerializer if self.action == "decide" else ApplicationSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "request",
                {"type": "integer", "minimum": 1, "maximum": 10**18 - 1},
                description=_("Every application of this request"),
            )
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=DecisionSerializer, responses={200: ApplicationSerializer})
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        """Approve or refuse (the tier above), accept or return (the unit asked for a
        transfer), or withdraw (the applicant)."""
        application = self.get_object()
        data = DecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        decided = services.decide_application(
            user=request.user,
            application=application,
            decision=data.validated_data["decision"],
            note=data.validated_data.get("note", ""),
        )
        return Response(ApplicationSerializer(decided).data)

    def handle_exception(self, exc):
        return super().handle_exception(api_exception(exc))
