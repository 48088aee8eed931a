"""The API of service requests: submit, follow and move them through the loop."""

import datetime
from decimal import Decimal

import django_filters as filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.response import Response

from core.pagination import PortalCursorPagination
from core.ratelimit import submission_limit

from .. import services
from ..forms import check_date_range
from ..models import (
    Category,
    ServiceRequest,
)
from ..services.photos import prepare_photos
from .approvals import RequestApprovalActions
from .filters import IdFilter, TierFilterSet
from .request_serializers import (
    CategorySerializer,
    DispatchSerializer,
    DuplicateSerializer,
    HandleJSONSerializer,
    HandleSerializer,
    KpiQuerySerializer,
    KpiSerializer,
    NoteSerializer,
    RatingSerializer,
    ServiceRequestDetailSerializer,
    ServiceRequestRows,
    ServiceRequestSerializer,
    SubmitJSONSerializer,
    SubmitSerializer,
)
from .scoped import ScopedModelViewSet


class ServiceRequestFilterForm(forms.Form):
    def clean(self):
        data = super().clean()
        check_date_range(
            self,
            data.get("created_after"),
            data.get("created_before"),
            "created_after",
            "created_before",
        )
        return data


class ServiceRequestFilter(TierFilterSet):
    """The filters of the request lists; the logic is ``ServiceRequestQuerySet.filtered``
    (shared with the workbench page and the Excel export)."""

    category = IdFilter(method="shared")
    created_after = filters.DateFilter(method="shared")
    created_before = filters.DateFilter(method="shared")
    handler_unit = IdFilter(method="shared")
    overdue = filters.ChoiceFilter(
        method="shared", choices=[("true", _("Overdue")), ("false", _("Not overdue"))]
    )
    q = filters.CharFilter(method="shared", max_length=100)

    class Meta:
        model = ServiceRequest
        fields = ["state", "level", "handle_overdue", "is_public"]
        form = ServiceRequestFilterForm

    def shared(self, queryset, name, value):
        if isinstance(value, Decimal):
            value = int(value)
        if name == "overdue":
            value = value == "true"
        return queryset.filtered(**{name: value})


class RequestCursorPagination(PortalCursorPagination):
    """Cursor paging of the big request list, newest first."""

    ordering = ("-created_at", "-id")


class SignedIn(permissions.BasePermission):
    """Residents submit and rate their own requests; the services check every step."""

    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated)


class ServiceRequestViewSet(RequestApprovalActions, ScopedModelViewSet):
    """Service requests (诉求) in their closed loop. Residents see their own."""

    queryset = ServiceRequest.objects.select_related("category__parent", "reporter")
    serializer_class = ServiceRequestSerializer
    filterset_class = ServiceRequestFilter
    pagination_class = RequestCursorPagination
    permission_classes = [SignedIn]
    search_fields = ["number", "description"]
    # Cursor paging needs a non-null, unchanging order: the time of submission (the
    # due-time order is the queue's).
    ordering_fields = ["created_at"]
    ordering = ["-created_at", "-id"]
    http_method_names = ["get", "post", "head", "options"]

    def get_parsers(self):
        # Photos come as multipart/form-data when submitting and handling; every other
        # step takes JSON only.
        action = getattr(self, "action", None) or self.action_map.get(self.request.method.lower())
        if action in {"create", "handle"}:
            return [JSONParser(), MultiPartParser()]
        return super().get_parsers()

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action == "retrieve":
            queryset = queryset.prefetch_related("events__actor", "photos")
        return queryset

    def get_serializer_class(self):
        return {
            "retrieve": ServiceRequestDetailSerializer,
            "create": SubmitSerializer,
            "handle": HandleSerializer,
            "dispatch_to": DispatchSerializer,
            "duplicate": DuplicateSerializer,
            "evaluate": RatingSerializer,
        }.get(self.action, NoteSerializer if self.detail else ServiceRequestSerializer)

    def list(self, request, *args, **kwargs):
        """The list as ``ServiceRequestSerializer`` writes it, from plain rows."""
        queryset = self.filter_queryset(self.get_queryset())
        rows = ServiceRequestRows.values(queryset)
        page = self.paginate_queryset(rows)
        if page is not None:
            return self.get_paginated_response(ServiceRequestRows.data(page))
        return Response(ServiceRequestRows.data(rows))

    def _answer(self, request, code=status.HTTP_200_OK):
        data = ServiceRequestDetailSerializer(request, context=self.get_serializer_context()).data
        return Response(data, status=code)

    def _input(self):
        serializer = self.get_serializer(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    @extend_schema(
        request={
            "application/json": SubmitJSONSerializer,
            "multipart/form-data": SubmitSerializer,
        },
        responses={201: ServiceRequestDetailSerializer},
    )
    @submission_limit
    def create(self, request, *args, **kwargs):
        data = self._input()
        data["photos"] = prepare_photos(data.get("photos"))  # decoded before the transaction
        created = services.submit_request(user=request.user, **data)
        return self._answer(created, status.HTTP_201_CREATED)

    def _step(self, function, **extra):
        obj = self.get_object()
        return self._answer(function(user=self.request.user, request=obj, **extra))

    @extend_schema(parameters=[KpiQuerySerializer], responses=KpiSerializer)
    @action(detail=False, methods=["get"], pagination_class=None, filter_backends=[])
    def kpis(self, request):
        """Received, closure, on-time closure, response, rework and satisfaction rates per
        node of a tier, for requests received in a date range, within the caller's scope."""
        query = KpiQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        tz = timezone.get_current_timezone()
        start = datetime.datetime.combine(params["date_from"], datetime.time.min, tzinfo=tz)
        end = datetime.datetime.combine(
            params["date_to"] + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz
        )
        requests = self.get_queryset().received_between(start, end)
        return Response(
            {
                "tier": params["tier"],
                "date_from": params["date_from"],
                "date_to": params["date_to"],
                "total": requests.kpis(),
                "nodes": requests.kpis_by(params["tier"]),
            }
        )

    @action(detail=True, methods=["post"])
    def register(self, request, pk=None):
        self._input()  # no field is needed, but a body is checked like any other
        return self._step(services.register_request)

    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        return self._step(services.reject_request, reason=self._input().get("reason", ""))

    @action(detail=True, methods=["post"])
    def duplicate(self, request, pk=None):
        return self._step(services.mark_duplicate, original=self._input()["original"])

    @action(detail=True, methods=["post"], url_path="dispatch")
    def dispatch_to(self, request, pk=None):
        return self._step(services.dispatch_request, **self._input())

    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        self._input()
        return self._step(services.start_request)

    @extend_schema(
        request={
            "application/json": HandleJSONSerializer,
            "multipart/form-data": HandleSerializer,
        },
        responses=ServiceRequestDetailSerializer,
    )
    @action(detail=True, methods=["post"])
    def handle(self, request, pk=None):
        data = self._input()
        return self._step(
            services.handle_request,
            result=data.get("result", ""),
            photos=prepare_photos(data.get("photos")),
        )

    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        return self._step(services.close_request, note=self._input().get("note", ""))

    @action(detail=True, methods=["post"])
    def evaluate(self, request, pk=None):
        data = self._input()
        return self._step(
            services.evaluate_request, rating=data["rating"], comment=data.get("comment", "")
        )

    @action(detail=True, methods=["post"])
    def escalate(self, request, pk=None):
        return self._step(services.escalate_request, reason=self._input().get("reason", ""))

    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        return self._step(services.cancel_request, reason=self._input().get("reason", ""))


class CategoryViewSet(viewsets.ReadOnlyModelViewSet):
    """The two-level category tree with each leaf's time limit (public to signed-in
    users)."""

    queryset = Category.objects.filter(is_active=True).select_related("parent")
    serializer_class = CategorySerializer
    pagination_class = None
