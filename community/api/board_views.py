"""The residents' message board API: residents read their community's board and write
on it (surname only, a daily limit) and report a message; the office answers, hides with
a reason and restores. The services decide who may do what."""

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from grid.api.scoped import ScopedModelViewSet

from .. import services
from ..models import BoardPost, BoardReply
from ..querysets import board_for
from .serializers import BoardPostSerializer, HideInput, ReasonSerializer, TextInput
from .views import ServiceInput


class BoardViewSet(ServiceInput, ScopedModelViewSet):
    """Board messages: a resident's community's shown ones and their own; an office's
    of its scope, hidden ones too."""

    queryset = BoardPost.objects.all()
    serializer_class = BoardPostSerializer
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return BoardPost.objects.none()
        return board_for(self.request.user).prefetch_related(
            Prefetch("replies", queryset=BoardReply.objects.order_by("created_at", "id"))
        )

    def get_permissions(self):
        if self.action in {"create", "answer", "hide", "restore", "report"}:
            return [IsAuthenticated()]
        return super().get_permissions()

    def _reply(self, post):
        return Response(BoardPostSerializer(self.get_queryset().get(pk=post.pk)).data)

    @extend_schema(request=TextInput, responses={201: BoardPostSerializer})
    def create(self, request, *args, **kwargs):
        """Write on your community's board (confirmed residents; a few a day)."""
        post = services.post_message(user=request.user, **self._input(TextInput))
        return Response(BoardPostSerializer(post).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=TextInput, responses=BoardPostSerializer)
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        """The community office answers; the author is told."""
        post = self.get_object()
        services.answer_message(by=request.user, post=post, **self._input(TextInput))
        return self._reply(post)

    @extend_schema(request=HideInput, responses=BoardPostSerializer)
    @action(detail=True, methods=["post"])
    def hide(self, request, pk=None):
        """The office hides the message with a reason (kept in the audit trail)."""
        post = services.hide_message(
            by=request.user, post=self.get_object(), **self._input(HideInput)
        )
        return self._reply(post)

    @extend_schema(request=None, responses=BoardPostSerializer)
    @action(detail=True, methods=["post"])
    def restore(self, request, pk=None):
        """The office shows a hidden message again."""
        return self._reply(services.restore_message(by=request.user, post=self.get_object()))

    @extend_schema(request=ReasonSerializer, responses=BoardPostSerializer)
    @action(detail=True, methods=["post"])
    def report(self, request, pk=None):
        """Report a message (once); enough reports hide it until the office looks."""
        post = services.report_message(
            user=request.user, post=self.get_object(), **self._input(ReasonSerializer)
        )
        return Response(BoardPostSerializer(post).data)
