"""The public requests of a resident's community, and supporting one instead of
filing a duplicate."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from .. import services
from ..models import ServiceRequest

State = ServiceRequest.State


def public_requests(user, community_id):
    return (
        ServiceRequest.objects.public_in(community_id)
        .filter(state__in=ServiceRequest.OPEN_STATES)
        .with_supported_by(user)
        .select_related("category__parent", "building", "grid")
        .order_by("-created_at", "-id")
    )


class CommunityRequestsView(LoginRequiredMixin, View):
    """The public, open requests of the resident's own community, without personal
    data: residents support them instead of filing duplicates."""

    template_name = "grid/community_requests.html"

    def get(self, request):
        community_id = services.resident_community_id(request.user)
        if community_id is None:
            messages.info(request, _("Link your account to your household first."))
            return redirect("grid:resident-home")
        page = Paginator(public_requests(request.user, community_id), 30).get_page(
            request.GET.get("page")
        )
        context = {"page_obj": page, "requests": page.object_list}
        return render(request, self.template_name, context)


class SupportRequestView(LoginRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        community_id = services.resident_community_id(request.user)
        if community_id is None:
            raise Http404
        item = ServiceRequest.objects.public_in(community_id).filter(pk=pk).first()
        if item is None:
            raise Http404
        try:
            services.support_request(user=request.user, request=item)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [])) or str(exc))
        else:
            messages.success(request, _("Thank you: your support is counted."))
        return redirect("grid:community-requests")


# --- return visits ------------------------------------------------------------------------
