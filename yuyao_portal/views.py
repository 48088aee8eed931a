"""Sign-in and the workbench."""

import json

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.views.generic import TemplateView

from grid.models import Building, Community, Grid, Post, Street


def demo_accounts() -> list[dict]:
    """The demo accounts written by ``seed_demo``, in demo mode only."""
    if not settings.PORTAL_DEMO:
        return []
    try:
        with open(settings.PORTAL_DEMO_ACCOUNTS_FILE, encoding="utf-8") as handle:
            accounts = json.load(handle)
    except (OSError, ValueError):
        return []
    return accounts if isinstance(accounts, list) else []


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["demo_accounts"] = demo_accounts()
        return context


class WorkbenchView(LoginRequiredMixin, TemplateView):
    """The landing page: the user's posts and the part of the net they hold."""

    template_name = "portal/workbench.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), **workbench_context(self.request.user)}


def workbench_context(user) -> dict:
    """What the workbench shows, every list from the user's scope."""
    posts = (
        Post.objects.filter(user=user, is_active=True)
        .select_related("street", "community", "grid", "building", "handling_unit")
        .order_by("role")
    )
    streets = Street.objects.for_user(user).with_counts(
        user,
        community_count=(Community, "street"),
        grid_count=(Grid, "street"),
        building_count=(Building, "street"),
    )
    communities = (
        Community.objects.for_user(user)
        .exclude(street__in=Street.objects.for_user(user))
        .select_related("street")
        .with_counts(user, grid_count=(Grid, "community"), building_count=(Building, "community"))
    )
    grids = (
        Grid.objects.for_user(user)
        .exclude(community__in=Community.objects.for_user(user))
        .select_related("community")
        .with_counts(user, building_count=(Building, "grid"))
    )
    buildings = (
        Building.objects.for_user(user)
        .exclude(grid__in=Grid.objects.for_user(user))
        .select_related("grid")
    )
    totals = {
        "streets": Street.objects.for_user(user).count(),
        "communities": Community.objects.for_user(user).count(),
        "grids": Grid.objects.for_user(user).count(),
        "buildings": Building.objects.for_user(user).count(),
    }
    return {
        "posts": posts,
        "streets": streets,
        "communities": communities,
        "grids": grids,
        "buildings": buildings,
        "totals": totals,
    }
