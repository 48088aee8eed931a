"""Notice pages: an office publishes a notice to a node and sees who of the posts below
it has read it; residents read the notices of the nodes they live in."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic.detail import SingleObjectMixin

from grid.models import Community, Grid, Street
from grid.scoped_views import ScopedViewMixin
from grid.scoping import filter_for_perm

from . import services
from .forms import NoticeForm
from .models import Notice
from .permissions import NoticePerm
from .querysets import home_filter

MAX_GRID_CHOICES = 300


def publishing_nodes(user) -> list:
    """The streets, communities and (when not too many) grids the user may publish on."""
    nodes = list(filter_for_perm(Street.objects.all(), user, NoticePerm.ADD_NOTICE)[:50])
    nodes += list(
        filter_for_perm(Community.objects.all(), user, NoticePerm.ADD_NOTICE).order_by("code")[:500]
    )
    grids = filter_for_perm(Grid.objects.all(), user, NoticePerm.ADD_NOTICE).order_by("code")
    if grids[: MAX_GRID_CHOICES + 1].count() <= MAX_GRID_CHOICES:
        nodes += list(grids)
    return nodes


class NoticeListView(ScopedViewMixin, View):
    model = Notice

    def get(self, request):
        visible = Notice.objects.for_user(request.user).select_related(
            "street", "community", "grid", "building"
        )
        staff = request.user.has_perm(NoticePerm.VIEW_NOTICE)
        if not staff:
            mine = home_filter(request.user)
            visible = visible.filter(mine) if mine is not None else visible.none()
        notices = list(visible.annotate(read_count=Count("reads"))[:100])
        read = set(
            request.user.notice_reads.filter(notice__in=notices).values_list("notice_id", flat=True)
        )
        for notice in notices:
            notice.is_read = notice.pk in read
        return render(
            request,
            "community/notice_list.html",
            {
                "notices": notices,
                "staff": staff,
                "may_publish": request.user.has_perm(NoticePerm.ADD_NOTICE),
            },
        )


class NoticeDetailView(ScopedViewMixin, SingleObjectMixin, View):
    model = Notice

    def get(self, request, pk):
        notice = self.get_object()
        services.mark_notice_read(user=request.user, notice=notice)
        context = {"notice": notice}
        if request.user.has_perm(NoticePerm.CHANGE_NOTICE, notice):
            read, not_yet = services.receipts(notice)
            context.update(read=read, not_yet=not_yet, total=len(read) + len(not_yet))
        return render(request, "community/notice_detail.html", context)


class NoticeCreateView(ScopedViewMixin, View):
    model = Notice

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.has_perm(NoticePerm.ADD_NOTICE):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        form = NoticeForm(nodes=publishing_nodes(request.user))
        return render(request, "community/notice_form.html", {"form": form})

    def post(self, request):
        form = NoticeForm(request.POST, nodes=publishing_nodes(request.user))
        if form.is_valid():
            try:
                notice = services.publish_notice(
                    by=request.user,
                    node=form.cleaned_data["node"],
                    title=form.cleaned_data["title"],
                    body=form.cleaned_data["body"],
                )
            except PermissionDenied:
                form.add_error("node", _("You cannot publish on this part of the net."))
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, _("The notice is published."))
                return redirect("community:notice-detail", pk=notice.pk)
        return render(request, "community/notice_form.html", {"form": form}, status=400)
