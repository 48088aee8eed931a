"""The public requests of the caller's community (without personal data) and the
support of one of them (我也遇到)."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, permissions, serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import services
from ..models import ServiceRequest
from ..requests.public import public_requests
from .errors import api_exception


class PublicRequestSerializer(serializers.ModelSerializer):
    """What a neighbour may read: no reporter, no room, no personal data."""

    category_name = serializers.CharField(source="category.__str__", read_only=True)
    place = serializers.SerializerMethodField()
    support_count = serializers.IntegerField(read_only=True)
    supported = serializers.BooleanField(read_only=True)
    mine = serializers.SerializerMethodField()

    class Meta:
        model = ServiceRequest
        fields = [
            "id",
            "number",
            "category",
            "category_name",
            "description",
            "place",
            "state",
            "created_at",
            "support_count",
            "supported",
            "mine",
        ]
        read_only_fields = fields

    def get_place(self, obj) -> str:
        return obj.building.address if obj.building_id else obj.grid.name

    def get_mine(self, obj) -> bool:
        return obj.reporter_user_id == self.context["request"].user.pk


class SupportedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    support_count = serializers.IntegerField()


def _community_of(user):
    community_id = services.resident_community_id(user)
    if community_id is None:
        raise PermissionDenied(_("Only verified residents see their community's requests."))
    return community_id


class PublicRequestListView(generics.ListAPIView):
    """The open public requests of the caller's community, newest first."""

    serializer_class = PublicRequestSerializer
    permission_classes = [permissions.IsAuthenticated]
    filter_backends = []

    def get_queryset(self):
        return public_requests(self.request.user, _community_of(self.request.user))


class SupportView(APIView):
    """Support a public, open request of one's own community, once."""

    permission_classes = [permissions.IsAuthenticated]
    serializer_class = None

    @extend_schema(request=None, responses={201: SupportedSerializer})
    def post(self, request, pk):
        item = ServiceRequest.objects.public_in(_community_of(request.user)).filter(pk=pk).first()
        if item is None:
            raise Http404
        try:
            services.support_request(user=request.user, request=item)
        except DjangoValidationError as exc:
            raise api_exception(exc) from exc
        count = item.supports.count()
        return Response({"id": item.pk, "support_count": count}, status=status.HTTP_201_CREATED)
