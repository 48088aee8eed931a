from ..models import Building, Community, Grid, HandlingUnit, PartyOrganization, Post, Street
from . import filters, serializers
from .scoped import ScopedModelViewSet


class StreetViewSet(ScopedModelViewSet):
    """Streets and towns of the county."""

    queryset = Street.objects.all()
    serializer_class = serializers.StreetSerializer
    filterset_class = filters.StreetFilter
    search_fields = ["name", "code"]
    ordering_fields = ["code", "name"]


class CommunityViewSet(ScopedModelViewSet):
    """Communities and villages."""

    queryset = Community.objects.select_related("street")
    serializer_class = serializers.CommunitySerializer
    filterset_class = filters.CommunityFilter
    search_fields = ["name", "code"]
    ordering_fields = ["code", "name"]


class GridViewSet(ScopedModelViewSet):
    """Grids, with their 15-digit codes."""

    queryset = Grid.objects.select_related("community")
    serializer_class = serializers.GridSerializer
    filterset_class = filters.GridFilter
    search_fields = ["name", "code"]
    ordering_fields = ["code", "name"]


class BuildingViewSet(ScopedModelViewSet):
    """Buildings, each in one grid."""

    queryset = Building.objects.select_related("grid")
    serializer_class = serializers.BuildingSerializer
    filterset_class = filters.BuildingFilter
    search_fields = ["name", "code", "address"]
    ordering_fields = ["code", "name"]


class HandlingUnitViewSet(ScopedModelViewSet):
    """Property companies, departments and units that handle dispatched work."""

    queryset = HandlingUnit.objects.all()
    serializer_class = serializers.HandlingUnitSerializer
    filterset_class = filters.HandlingUnitFilter
    search_fields = ["name"]
    ordering_fields = ["name"]


class PartyOrganizationViewSet(ScopedModelViewSet):
    """Party organisations attached to the net."""

    queryset = PartyOrganization.objects.all()
    serializer_class = serializers.PartyOrganizationSerializer
    filterset_class = filters.PartyOrganizationFilter
    search_fields = ["name"]
    ordering_fields = ["name"]


class PostViewSet(ScopedModelViewSet):
    """Posts: who holds which role where."""

    queryset = Post.objects.select_related("user")
    serializer_class = serializers.PostSerializer
    filterset_class = filters.PostFilter
    search_fields = ["user__username", "title"]
    ordering_fields = ["role"]
