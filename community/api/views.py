"""The appointments API: residents list their community's open slots and book, cancel
and list their own bookings; the office opens and closes slots and records outcomes."""

import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from grid.api.filters import IdFilter, StrictFilterSet
from grid.api.scoped import ScopedModelViewSet
from grid.models import Building

from .. import services
from ..models import Appointment, AppointmentSlot, Emergency, Notice, Service
from ..permissions import EmergencyPerm, NoticePerm
from ..querysets import home_filter
from .serializers import (
    AppointmentSerializer,
    BookSerializer,
    CloseEmergencySerializer,
    CoverageSerializer,
    EmergencySerializer,
    NoticeSerializer,
    OpenEmergencySerializer,
    OpenSlotsSerializer,
    OutcomeSerializer,
    PublishNoticeSerializer,
    ReasonSerializer,
    RollCallAnswerSerializer,
    RollCallSerializer,
    SlotSerializer,
)


class ServiceInput:
    """The validated input of an action, read with its own serializer."""

    def _input(self, serializer_class):
        serializer = serializer_class(data=self.request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data


class SlotFilter(StrictFilterSet):
    community = IdFilter(field_name="community_id")
    date_from = django_filters.DateFilter(field_name="starts_at", lookup_expr="date__gte")
    date_to = django_filters.DateFilter(field_name="starts_at", lookup_expr="date__lte")
    service = django_filters.ChoiceFilter(choices=Service.choices)
    is_open = django_filters.BooleanFilter()

    class Meta:
        model = AppointmentSlot
        fields = ["date_from", "date_to", "service", "is_open", "community"]


class SlotViewSet(ServiceInput, ScopedModelViewSet):
    """Appointment slots of the community office (residents: their own community's)."""

    queryset = AppointmentSlot.objects.select_related("community")
    serializer_class = SlotSerializer
    filterset_class = SlotFilter
    http_method_names = ["get", "post", "head", "options"]

    @extend_schema(request=OpenSlotsSerializer, responses={201: SlotSerializer(many=True)})
    def create(self, request, *args, **kwargs):
        """Open the slots of one service on one day, from start to end."""
        slots = services.open_slots(by=request.user, **self._input(OpenSlotsSerializer))
        return Response(SlotSerializer(slots, many=True).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ReasonSerializer, responses=SlotSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """Close the slot; its bookings are cancelled with the reason, residents told."""
        slot = services.close_slot(
            by=request.user, slot=self.get_object(), **self._input(ReasonSerializer)
        )
        return Response(SlotSerializer(slot).data)


class AppointmentFilter(StrictFilterSet):
    date = django_filters.DateFilter(field_name="slot__starts_at", lookup_expr="date")
    state = django_filters.ChoiceFilter(choices=Appointment.State.choices)

    class Meta:
        model = Appointment
        fields = ["date", "state"]


class AppointmentViewSet(ServiceInput, ScopedModelViewSet):
    """Bookings: a resident's own; the office's of its community."""

    queryset = Appointment.objects.select_related("slot__community", "resident")
    serializer_class = AppointmentSerializer
    filterset_class = AppointmentFilter
    http_method_names = ["get", "post", "head", "options"]

    def get_permissions(self):
        # Anyone signed in may try to book; the service decides (a resident of the
        # slot's community, not full, …). Cancelling and outcomes are checked there too.
        if self.action in {"create", "cancel", "outcome"}:
            return [IsAuthenticated()]
        return super().get_permissions()

    @extend_schema(request=BookSerializer, responses={201: AppointmentSerializer})
    def create(self, request, *args, **kwargs):
        """Book a slot."""
        data = self._input(BookSerializer)
        appointment = services.book_appointment(user=request.user, **data)
        return Response(AppointmentSerializer(appointment).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ReasonSerializer, responses=AppointmentSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """Cancel a booking (the resident until the deadline; the office with a reason)."""
        appointment = services.cancel_appointment(
            by=request.user, appointment=self.get_object(), **self._input(ReasonSerializer)
        )
        return Response(AppointmentSerializer(appointment).data)

    @extend_schema(request=OutcomeSerializer, responses=AppointmentSerializer)
    @action(detail=True, methods=["post"])
    def outcome(self, request, pk=None):
        """Record whether the resident came."""
        appointment = services.record_outcome(
            by=request.user, appointment=self.get_object(), **self._input(OutcomeSerializer)
        )
        return Response(AppointmentSerializer(appointment).data)


class NoticeViewSet(ServiceInput, ScopedModelViewSet):
    """Notices of the caller's part of the net (residents: of the nodes they live in)."""

    queryset = Notice.objects.select_related("street", "community", "grid", "building")
    serializer_class = NoticeSerializer
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        queryset = super().get_queryset()
        if getattr(self, "swagger_fake_view", False):
            return queryset
        if not self.request.user.has_perm(NoticePerm.VIEW_NOTICE):
            mine = home_filter(self.request.user)
            queryset = queryset.filter(mine) if mine is not None else queryset.none()
        return queryset

    def get_permissions(self):
        if self.action == "read":
            return [IsAuthenticated()]
        return super().get_permissions()

    @extend_schema(request=PublishNoticeSerializer, responses={201: NoticeSerializer})
    def create(self, request, *args, **kwargs):
        """Publish a notice on one node the caller's post may publish on; its residents
        and the posts below it are told in the inbox."""
        notice = services.publish_notice(by=request.user, **self._input(PublishNoticeSerializer))
        return Response(NoticeSerializer(notice).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={204: None})
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        """Record that the caller has read the notice (once)."""
        services.mark_notice_read(user=request.user, notice=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


class EmergencyViewSet(ServiceInput, ScopedModelViewSet):
    """Emergencies of the caller's part of the net (residents: of the nodes they live
    in); offices open and close them, households answer the roll call."""

    queryset = Emergency.objects.select_related("street", "community", "grid", "building")
    serializer_class = EmergencySerializer
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        queryset = super().get_queryset()
        if getattr(self, "swagger_fake_view", False):
            return queryset
        if not self.request.user.has_perm(EmergencyPerm.VIEW_EMERGENCY):
            mine = home_filter(self.request.user)
            queryset = queryset.filter(mine) if mine is not None else queryset.none()
        return queryset

    def get_permissions(self):
        # Answering and closing are decided by the services (the household's member or a
        # post on its building; the office that holds the node).
        if self.action in {"answer", "close"}:
            return [IsAuthenticated()]
        return super().get_permissions()

    @extend_schema(request=OpenEmergencySerializer, responses={201: EmergencySerializer})
    def create(self, request, *args, **kwargs):
        """Open an emergency for one node: every household of it is told at once."""
        emergency = services.open_emergency(by=request.user, **self._input(OpenEmergencySerializer))
        data = EmergencySerializer(emergency, context=self.get_serializer_context()).data
        return Response(data, status=status.HTTP_201_CREATED)

    @extend_schema(request=RollCallSerializer, responses=RollCallAnswerSerializer)
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        """Answer the roll call: for the caller's household, or (a post) for ``household``.
        "help" needs a note and becomes an urgent service request."""
        answer = services.answer_roll_call(
            by=request.user, emergency=self.get_object(), **self._input(RollCallSerializer)
        )
        return Response(RollCallAnswerSerializer(answer).data)

    @extend_schema(request=CloseEmergencySerializer, responses=EmergencySerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """Close the emergency and archive it."""
        emergency = services.close_emergency(
            by=request.user, emergency=self.get_object(), **self._input(CloseEmergencySerializer)
        )
        return Response(EmergencySerializer(emergency, context=self.get_serializer_context()).data)

    @extend_schema(responses=CoverageSerializer)
    @action(detail=True, methods=["get"])
    def coverage(self, request, pk=None):
        """Live roll-call coverage of the caller's buildings, with the households that have
        not answered."""
        emergency = self.get_object()
        if not request.user.has_perm(EmergencyPerm.VIEW_ANSWER):
            raise PermissionDenied()
        seen = services.coverage(emergency, buildings=Building.objects.for_user(request.user))
        return Response(CoverageSerializer(seen).data)
