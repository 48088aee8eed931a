"""The interest-group API: residents see their community's groups, start one, join,
leave and write in it; the leader or the office hides a post; the office closes a group.
The services decide who may do what."""

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import ErrorDetail, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from grid.api.scoped import ScopedModelViewSet

from .. import services
from ..models import GroupMember, GroupPost, InterestGroup
from ..querysets import group_posts_for, visible_groups
from .serializers import (
    GroupPostSerializer,
    GroupSerializer,
    HideGroupPostInput,
    HideInput,
    StartGroupInput,
    TextInput,
)
from .views import ServiceInput

POSTS_SHOWN = 100


class GroupViewSet(ServiceInput, ScopedModelViewSet):
    """Interest groups: a resident's community's active ones; an office's of its scope."""

    queryset = InterestGroup.objects.all()
    serializer_class = GroupSerializer
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return InterestGroup.objects.none()
        user = self.request.user
        return visible_groups(user).annotate(
            is_member=Exists(GroupMember.objects.filter(group=OuterRef("pk"), user_id=user.pk))
        )

    def get_permissions(self):
        if self.action in {"create", "join", "leave", "write", "hide", "close", "posts"}:
            return [IsAuthenticated()]
        return super().get_permissions()

    def _group(self, group):
        return Response(GroupSerializer(self.get_queryset().get(pk=group.pk)).data)

    @extend_schema(request=StartGroupInput, responses={201: GroupSerializer})
    def create(self, request, *args, **kwargs):
        """Start a group of your community and lead it (confirmed residents)."""
        group = services.start_group(user=request.user, **self._input(StartGroupInput))
        return Response(
            GroupSerializer(self.get_queryset().get(pk=group.pk)).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(request=None, responses=GroupSerializer)
    @action(detail=True, methods=["post"])
    def join(self, request, pk=None):
        group = self.get_object()
        services.join_group(user=request.user, group=group)
        return self._group(group)

    @extend_schema(request=None, responses=GroupSerializer)
    @action(detail=True, methods=["post"])
    def leave(self, request, pk=None):
        group = self.get_object()
        services.leave_group(user=request.user, group=group)
        return self._group(group)

    @extend_schema(responses=GroupPostSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def posts(self, request, pk=None):
        """The group's newest posts (a moderator sees hidden ones too)."""
        posts = group_posts_for(request.user, self.get_object())[:POSTS_SHOWN]
        return Response(GroupPostSerializer(posts, many=True).data)

    @extend_schema(request=TextInput, responses={201: GroupPostSerializer})
    @action(detail=True, methods=["post"])
    def write(self, request, pk=None):
        """Write in the group (members; a daily limit)."""
        post = services.post_in_group(
            user=request.user, group=self.get_object(), **self._input(TextInput)
        )
        return Response(GroupPostSerializer(post).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=HideGroupPostInput, responses=GroupPostSerializer)
    @action(detail=True, methods=["post"])
    def hide(self, request, pk=None):
        """The leader or the office hides one of the group's posts, with a reason."""
        data = self._input(HideGroupPostInput)
        post = GroupPost.objects.filter(group=self.get_object(), pk=data["post"]).first()
        if post is None:
            message = _("Choose a post of this group.")
            raise ValidationError({"post": [ErrorDetail(message, code="does_not_exist")]})
        post = services.hide_group_post(by=request.user, post=post, reason=data["reason"])
        return Response(GroupPostSerializer(post).data)

    @extend_schema(request=HideInput, responses=GroupSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """The community office closes the group, with a reason."""
        group = services.close_group(
            by=request.user, group=self.get_object(), **self._input(HideInput)
        )
        return self._group(group)
