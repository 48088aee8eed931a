"""The API of the in-portal inbox: one's own notifications, and marking them read."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.apiinput import StrictInputMixin
from core.notify import services
from core.notify.models import Notification


class NotificationSerializer(serializers.ModelSerializer):
    is_read = serializers.BooleanField(read_only=True)
    request = serializers.SerializerMethodField(
        help_text=_("The service request the notice is about, if it is about one.")
    )

    def get_request(self, obj) -> int | None:
        kind = obj.subject_type
        if kind is not None and (kind.app_label, kind.model) == ("grid", "servicerequest"):
            return obj.subject_id
        return None

    class Meta:
        model = Notification
        fields = [
            "id",
            "kind",
            "title",
            "body",
            "url",
            "request",
            "created_at",
            "read_at",
            "is_read",
        ]
        read_only_fields = fields


class MarkReadSerializer(StrictInputMixin, serializers.Serializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1),
        required=False,
        max_length=1000,
        help_text=_("The notifications to mark read; leave out to mark them all."),
    )


class MarkedSerializer(serializers.Serializer):
    marked = serializers.IntegerField()
    unread = serializers.IntegerField()


UNREAD_VALUES = {"true": True, "1": True, "false": False, "0": False}


class NotificationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The caller's own notifications, newest first (``?unread=1``: only the unread)."""

    serializer_class = NotificationSerializer
    queryset = Notification.objects.none()
    filter_backends: list = []

    def get_queryset(self):
        queryset = (
            Notification.objects.filter(user_id=self.request.user.pk)
            .select_related("subject_type")
            .order_by("-created_at", "-id")
        )
        unread = self.request.query_params.getlist("unread")
        if unread:
            if len(unread) > 1 or unread[0] not in UNREAD_VALUES:
                raise serializers.ValidationError({"unread": [_("Give true or false.")]})
            if UNREAD_VALUES[unread[0]]:
                queryset = queryset.filter(read_at__isnull=True)
        return queryset

    @extend_schema(
        parameters=[OpenApiParameter("unread", bool, description=_("Only the unread ones."))]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=MarkReadSerializer, responses=MarkedSerializer)
    @action(detail=False, methods=["post"])
    def read(self, request):
        """Mark all or the given notifications read (another user's ids change nothing)."""
        body = MarkReadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        ids = body.validated_data.get("ids")
        marked = services.mark_read(user=request.user, ids=ids)
        return Response({"marked": marked, "unread": services.unread_count(request.user)})
