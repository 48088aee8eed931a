"""Pages for browsing the net: street → community → grid → building."""

from django.views.generic import DetailView, ListView

from .models import Building, Community, Grid, HandlingUnit, PartyOrganization, Post, Street
from .scoped_views import ScopedViewMixin
from .scoping import perm_name


def _attached(user, node):
    """Party organisations and posts on exactly this node, within the user's scope."""
    column = f"{node.tier.value}_id"
    below = {"street": "community_id", "community": "grid_id", "grid": "building_id"}
    exact = {column: node.pk}
    if node.tier.value in below:
        exact[f"{below[node.tier.value]}__isnull"] = True
    return {
        "party_organisations": PartyOrganization.objects.for_user(user).filter(**exact),
        "posts": Post.objects.for_user(user).filter(is_active=True, **exact).select_related("user"),
    }


class NodeDetailView(ScopedViewMixin, DetailView):
    """A page of one node: its breadcrumbs link the ancestors the user may see."""

    context_object_name = "node"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["breadcrumbs"] = [
            (node, user.has_perm(perm_name(type(node), "view"), node))
            for node in self.object.ancestors()
        ]
        context.update(_attached(user, self.object))
        return context


class StreetListView(ScopedViewMixin, ListView):
    model = Street
    template_name = "grid/street_list.html"
    context_object_name = "streets"

    def get_queryset(self):
        user = self.request.user
        return (
            super()
            .get_queryset()
            .with_counts(
                user,
                community_count=(Community, "street"),
                grid_count=(Grid, "street"),
                building_count=(Building, "street"),
            )
        )


class StreetDetailView(NodeDetailView):
    model = Street
    template_name = "grid/street_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["children"] = (
            Community.objects.for_user(user)
            .filter(street=self.object)
            .with_counts(
                user, grid_count=(Grid, "community"), building_count=(Building, "community")
            )
        )
        return context


class CommunityDetailView(NodeDetailView):
    model = Community
    template_name = "grid/community_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("street")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["children"] = (
            Grid.objects.for_user(user)
            .filter(community=self.object)
            .with_counts(user, building_count=(Building, "grid"))
        )
        context["units"] = HandlingUnit.objects.for_user(user).filter(community=self.object)
        return context


class GridDetailView(NodeDetailView):
    model = Grid
    template_name = "grid/grid_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("community__street")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["children"] = (
            Building.objects.for_user(user)
            .filter(grid=self.object)
            .select_related("property_company")
        )
        return context


class BuildingDetailView(NodeDetailView):
    model = Building
    template_name = "grid/building_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("grid__community__street", "property_company")
