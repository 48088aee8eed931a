"""The units-on-the-net API (共驻共建): the directory, resources, the needs list,
commitments with deliveries and resource requests, with the same services as the
pages (they decide who may do what: a unit's staff, the office, the requester)."""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from grid.api.scoped import ScopedModelViewSet

from .. import services
from ..models import Commitment, CommunityNeed, ResourceRequest, Unit, UnitResource
from ..querysets import visible_requests
from .serializers import (
    AnswerInput,
    ClaimNeedInput,
    ClaimOfferInput,
    CommitmentSerializer,
    CommunityNeedSerializer,
    DeliveryInput,
    PostNeedInput,
    RequestResourceInput,
    ResourceRequestSerializer,
    UnitResourceSerializer,
    UnitSerializer,
)
from .views import ServiceInput

SERVICE_ACTIONS = {"create", "claim_need", "claim_offer", "book", "deliver", "accept"}
SERVICE_ACTIONS |= {"decline", "deliver_request", "cancel"}


class NotOffered:
    """Hides an inherited action from the router and the schema (``hasattr`` is false):
    these lists are read, and written only through their actions."""

    def __get__(self, obj, owner=None):
        raise AttributeError("not offered")


NOT_OFFERED = NotOffered()


class ServiceDecides:
    """Actions whose permission the service decides (a unit's staff hold no model
    permission of their own; they act through their unit)."""

    def get_permissions(self):
        if self.action in SERVICE_ACTIONS:
            return [IsAuthenticated()]
        return super().get_permissions()


class UnitViewSet(ServiceDecides, ServiceInput, ScopedModelViewSet):
    """Units and property companies of the caller's community (residents) or scope."""

    queryset = Unit.objects.filter(is_active=True).select_related("community")
    serializer_class = UnitSerializer
    http_method_names = ["get", "post", "head", "options"]

    create = NOT_OFFERED

    @extend_schema(request=ClaimNeedInput, responses={201: CommitmentSerializer})
    @action(detail=True, methods=["post"], url_path="claim-need")
    def claim_need(self, request, pk=None):
        """The unit claims an open need of its community: a signed commitment."""
        pledge = services.claim_need(
            by=request.user, unit=self.get_object(), **self._input(ClaimNeedInput)
        )
        return Response(CommitmentSerializer(pledge).data, status=status.HTTP_201_CREATED)


class UnitResourceViewSet(ServiceDecides, ServiceInput, ScopedModelViewSet):
    """The rooms, venues and services of the units (offered ones: the offers list)."""

    queryset = UnitResource.objects.filter(is_active=True, unit__is_active=True).select_related(
        "unit"
    )
    serializer_class = UnitResourceSerializer
    http_method_names = ["get", "post", "head", "options"]

    create = NOT_OFFERED

    @extend_schema(request=RequestResourceInput, responses={201: ResourceRequestSerializer})
    @action(detail=True, methods=["post"], url_path="request")
    def book(self, request, pk=None):
        """Request the resource (a room or venue for a time); the unit answers."""
        asked = services.request_resource(
            by=request.user, resource=self.get_object(), **self._input(RequestResourceInput)
        )
        return Response(ResourceRequestSerializer(asked).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ClaimOfferInput, responses={201: CommitmentSerializer})
    @action(detail=True, methods=["post"], url_path="claim-offer")
    def claim_offer(self, request, pk=None):
        """The community office claims an offered resource: a signed commitment."""
        pledge = services.claim_offer(
            by=request.user, offer=self.get_object(), **self._input(ClaimOfferInput)
        )
        return Response(CommitmentSerializer(pledge).data, status=status.HTTP_201_CREATED)


class CommunityNeedViewSet(ServiceDecides, ServiceInput, ScopedModelViewSet):
    """The community's needs list; the office adds to it."""

    queryset = CommunityNeed.objects.all()
    serializer_class = CommunityNeedSerializer
    http_method_names = ["get", "post", "head", "options"]

    @extend_schema(request=PostNeedInput, responses={201: CommunityNeedSerializer})
    def create(self, request, *args, **kwargs):
        """Put a need on a community's list (the community office)."""
        need = services.post_need(by=request.user, **self._input(PostNeedInput))
        return Response(CommunityNeedSerializer(need).data, status=status.HTTP_201_CREATED)


class CommitmentViewSet(ServiceDecides, ServiceInput, ScopedModelViewSet):
    """Commitments between units and the community, with what was delivered."""

    queryset = Commitment.objects.prefetch_related("deliveries")
    serializer_class = CommitmentSerializer
    http_method_names = ["get", "post", "head", "options"]

    create = NOT_OFFERED

    @extend_schema(request=DeliveryInput, responses={201: CommitmentSerializer})
    @action(detail=True, methods=["post"])
    def deliver(self, request, pk=None):
        """Record what the unit delivered; ``done`` fulfils the commitment."""
        pledge = self.get_object()
        services.record_delivery(by=request.user, commitment=pledge, **self._input(DeliveryInput))
        fresh = self.get_queryset().get(pk=pledge.pk)
        return Response(CommitmentSerializer(fresh).data, status=status.HTTP_201_CREATED)


class ResourceRequestViewSet(ServiceDecides, ServiceInput, ScopedModelViewSet):
    """One's own requests, and those to the units one acts for."""

    queryset = ResourceRequest.objects.all()
    serializer_class = ResourceRequestSerializer
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ResourceRequest.objects.none()
        return visible_requests(self.request.user)

    create = NOT_OFFERED

    def _answer(self, service):
        kwargs = self._input(AnswerInput)
        asked = service(by=self.request.user, request=self.get_object(), **kwargs)
        return Response(ResourceRequestSerializer(asked).data)

    @extend_schema(request=AnswerInput, responses=ResourceRequestSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        """The unit accepts (a room's time is never accepted twice)."""
        return self._answer(services.accept_request)

    @extend_schema(request=AnswerInput, responses=ResourceRequestSerializer)
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        """The unit declines with a reason."""
        return self._answer(services.decline_request)

    @extend_schema(request=AnswerInput, responses=ResourceRequestSerializer)
    @action(detail=True, methods=["post"], url_path="deliver")
    def deliver_request(self, request, pk=None):
        """The unit records that it was delivered."""
        return self._answer(services.deliver_request)

    @extend_schema(request=None, responses=ResourceRequestSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """The requester cancels."""
        asked = services.cancel_request(by=request.user, request=self.get_object())
        return Response(ResourceRequestSerializer(asked).data)
