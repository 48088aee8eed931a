"""Interest-group pages: the community's groups, starting one, a group's page with its
members' posts; joining, leaving, writing, and hiding or closing (leader, office)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic.detail import SingleObjectMixin

from core.timeline import refusal_text
from grid.scoped_views import ScopedViewMixin

from . import services
from .models import GroupMember, GroupPost, InterestGroup
from .permissions import GroupPerm
from .querysets import group_posts_for, visible_groups


class GroupListView(ScopedViewMixin, View):
    model = InterestGroup

    def get(self, request):
        groups = list(visible_groups(request.user)[:200])
        mine = set(
            GroupMember.objects.filter(user=request.user, group__in=groups).values_list(
                "group_id", flat=True
            )
        )
        for group in groups:
            group.is_mine = group.pk in mine
        return render(request, "community/group_list.html", {"groups": groups})

    def post(self, request):
        try:
            group = services.start_group(
                user=request.user,
                name=request.POST.get("name", ""),
                description=request.POST.get("description", ""),
            )
        except (ValidationError, PermissionDenied) as exc:
            messages.error(
                request, refusal_text(exc) if isinstance(exc, ValidationError) else str(exc)
            )
            return redirect("community:groups")
        messages.success(request, _("Your group is started: invite your neighbours."))
        return redirect("community:group-detail", pk=group.pk)


class GroupDetailView(ScopedViewMixin, SingleObjectMixin, View):
    model = InterestGroup

    def get_queryset(self):
        return visible_groups(self.request.user)

    def get(self, request, pk):
        group = self.get_object()
        moderator = services.may_moderate(request.user, group)
        posts = group_posts_for(request.user, group)
        return render(
            request,
            "community/group_detail.html",
            {
                "group": group,
                "posts": list(posts[:100]),
                "members": list(group.members.all()[:200]),
                "is_member": services.is_member(request.user, group),
                "is_leader": group.leader_id == request.user.pk,
                "moderator": moderator,
                "may_close": request.user.has_perm(GroupPerm.CHANGE_GROUP, group),
                "is_active": group.state == InterestGroup.State.ACTIVE,
            },
        )


class GroupActionView(ScopedViewMixin, SingleObjectMixin, View):
    """Join, leave, write, close (the office) in one group; hide one of its posts."""

    model = InterestGroup

    def get_queryset(self):
        return visible_groups(self.request.user)

    def post(self, request, pk, step):
        group = self.get_object()
        text = request.POST.get("text", "")
        try:
            if step == "join":
                services.join_group(user=request.user, group=group)
                done = _("Welcome to the group.")
            elif step == "leave":
                services.leave_group(user=request.user, group=group)
                done = _("You have left the group.")
            elif step == "post":
                services.post_in_group(user=request.user, group=group, text=text)
                done = _("Your post is in the group.")
            elif step == "hide":
                post = GroupPost.objects.filter(group=group, pk=_post_id(request)).first()
                if post is None:
                    raise ValidationError(_("Choose a post of this group."))
                services.hide_group_post(by=request.user, post=post, reason=text)
                done = _("The post is hidden.")
            else:
                services.close_group(by=request.user, group=group, reason=text)
                done = _("The group is closed.")
        except ValidationError as exc:
            messages.error(request, refusal_text(exc))
        except PermissionDenied as exc:
            messages.error(request, str(exc) or _("You may not do this."))
        else:
            messages.success(request, done)
        return redirect("community:group-detail", pk=group.pk)


def _post_id(request) -> int:
    value = request.POST.get("post", "")
    return int(value) if value.isdigit() and len(value) < 12 else 0
