"""Sign-in, the workbench, the elderly-friendly mode switch, the building directory and
the component guide."""

import datetime
import json
from decimal import Decimal

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db import DatabaseError, connection
from django.db.models import Q
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import ListView, TemplateView

from core.pagination import PortalPaginationMixin
from grid.models import Building, Community, Grid, Post, Street
from grid.permissions import NODE_TIERS, Tier
from grid.scoped_views import ScopedViewMixin

from .context_processors import RESIDENT, SESSION_CARE_KEY, area_url, identity


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
        tiers = dict(Tier.choices)
        context["demo_accounts"] = [
            {**account, "tier_label": tiers.get(account.get("tier"), "—")}
            for account in demo_accounts()
        ]
        return context


def health(request):
    """For a load balancer or monitor: 200 when this node answers and reaches the
    database, 503 otherwise. No personal data, no session."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return JsonResponse({"status": "database unavailable"}, status=503)
    return JsonResponse({"status": "ok"})


def not_found(request, exception=None):
    """The 404 page; under /api/ the API's refusal body (``{"detail": ...}``), as
    documented in the schema, for a path no route matches."""
    from django.utils.translation import gettext
    from django.views.defaults import page_not_found

    from core.refusal import refuse, wants_json

    if wants_json(request):
        return refuse(request, 404, gettext("Not found."))
    return page_not_found(request, exception)


def safe_next(request, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


class CareModeView(View):
    """Turn the elderly-friendly mode on or off: on the user for a signed-in user (so it
    follows them to every device), in the session otherwise."""

    http_method_names = ["post"]

    def post(self, request):
        on = request.POST.get("care") in ("1", "on", "true")
        user = request.user
        if user.is_authenticated:
            if user.care_mode != on:
                user.care_mode = on
                user.save(update_fields=["care_mode"])
        else:
            request.session[SESSION_CARE_KEY] = on
        message = (
            _("Elderly-friendly mode is on: larger text, a simpler menu.")
            if on
            else _("Elderly-friendly mode is off.")
        )
        messages.success(request, message)
        return HttpResponseRedirect(safe_next(request, reverse("home")))


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
    who = identity(user)
    return {
        "stats": workbench_stats(totals, who),
        "posts": posts,
        "streets": streets,
        "communities": communities,
        "grids": grids,
        "buildings": buildings,
        "totals": totals,
        "audience": who.audience if who else RESIDENT,
        "area_url": area_url(who) if who else None,
        "chart": workbench_chart(user, who),
        "today": timezone.localdate(),
    }


STAT_LABELS = {
    "streets": _("Streets and towns"),
    "communities": _("Communities"),
    "grids": _("Grids"),
    "buildings": _("Buildings"),
}


def workbench_stats(totals: dict, who) -> list[tuple[str, int]]:
    """The counts worth showing: the tiers below the user's highest node (all four for
    the county)."""
    if who is None or who.post is None:
        return []
    keys = list(STAT_LABELS)
    if who.node is not None:
        keys = keys[[t.value for t in NODE_TIERS].index(who.node.tier.value) + 1 :]
    return [(STAT_LABELS[key], totals[key]) for key in keys]


def workbench_chart(user, who) -> dict | None:
    """Buildings per node one tier below the user's highest post, as chart rows."""
    if who is None or who.post is None:
        return None
    tier = who.node.tier if who.node is not None else who.post.tier
    if tier == Tier.COUNTY:
        nodes, title = Street.objects.for_user(user), _("Buildings by street and town")
        nodes = nodes.with_counts(user, n=(Building, "street"))
    elif tier == Tier.STREET:
        nodes = Community.objects.for_user(user).filter(street=who.node)
        nodes, title = (
            nodes.with_counts(user, n=(Building, "community")),
            _("Buildings by community"),
        )
    elif tier == Tier.COMMUNITY:
        nodes = Grid.objects.for_user(user).filter(community=who.node)
        nodes, title = nodes.with_counts(user, n=(Building, "grid")), _("Buildings by grid")
    else:
        return None
    rows = [(node.name, node.n) for node in nodes[:12]]
    return {"title": title, "rows": rows} if rows else None


# --- the building directory: the list pattern (search, filter, paging, empty) -----------


class DirectoryFilter(forms.Form):
    q = forms.CharField(label=_("Search"), max_length=60, required=False)
    community = forms.ModelChoiceField(
        label=_("Community"), queryset=Community.objects.none(), required=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = Community.objects.for_user(user).order_by("code")
        self.fields["community"].empty_label = _("All communities")
        self.fields["q"].widget.attrs.update(
            {"placeholder": _("Name, address or code"), "type": "search"}
        )


class BuildingDirectoryView(ScopedViewMixin, PortalPaginationMixin, ListView):
    """Every building in the user's part of the net, searchable and filtered by
    community."""

    model = Building
    template_name = "portal/building_directory.html"
    context_object_name = "buildings"

    def get_queryset(self):
        queryset = (
            super()
            .get_queryset()
            .select_related("grid", "community", "street", "property_company")
            .order_by("code")
        )
        self.filter_form = DirectoryFilter(self.request.GET or None, user=self.request.user)
        if self.filter_form.is_bound and self.filter_form.is_valid():
            q = self.filter_form.cleaned_data["q"].strip()
            if q:
                queryset = queryset.filter(
                    Q(name__icontains=q) | Q(address__icontains=q) | Q(code__startswith=q)
                )
            if self.filter_form.cleaned_data["community"]:
                queryset = queryset.filter(community=self.filter_form.cleaned_data["community"])
        elif self.filter_form.is_bound:
            messages.error(self.request, _("The filter was not applied: correct it below."))
        return queryset

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filter_form"] = self.filter_form
        context["crumbs"] = [(_("Workbench"), reverse("home")), (_("Buildings"), None)]
        context["filtered"] = self.filter_form.is_bound and any(
            self.request.GET.get(name) for name in ("q", "community")
        )
        return context


# --- the component guide ---------------------------------------------------------------


class SampleForm(forms.Form):
    """A form of the guide: every kind of field and its inline validation."""

    name = forms.CharField(label=_("Name"), max_length=20)
    phone = forms.RegexField(
        label=_("Mobile phone"),
        regex=r"^1\d{10}$",
        help_text=_("11 digits, starting with 1."),
        error_messages={"invalid": _("Enter an 11-digit mobile number starting with 1.")},
    )
    topic = forms.ChoiceField(
        label=_("Topic"),
        choices=[
            ("", _("Choose a topic")),
            ("repair", _("Repairs")),
            ("safety", _("Safety")),
            ("other", _("Other")),
        ],
    )
    details = forms.CharField(label=_("Details"), widget=forms.Textarea(attrs={"rows": 3}))
    agree = forms.BooleanField(label=_("I confirm the details are true"))


class ComponentGuideView(LoginRequiredMixin, TemplateView):
    """Every component of the interface on one page, for the people building the next
    pages (and for the browser tests). Demo and development only."""

    template_name = "portal/components.html"

    def dispatch(self, request, *args, **kwargs):
        if not (settings.DEBUG or settings.PORTAL_DEMO):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if request.POST.get("action") == "withdraw":
            messages.success(request, _("The sample request was withdrawn."))
            return HttpResponseRedirect(reverse("component-guide"))
        form = SampleForm(request.POST)
        if form.is_valid():
            messages.success(request, _("Saved. Your request has been received."))
            return HttpResponseRedirect(reverse("component-guide"))
        return self.render_to_response(self.get_context_data(form=form))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", SampleForm())
        now = datetime.datetime(2026, 3, 5, 9, 30, tzinfo=datetime.UTC)
        context["sample"] = {
            "date": now,
            "money": Decimal("12345.5"),
            "count": 1234567,
            "timeline": [
                {"when": now, "title": _("Submitted"), "who": "张阿姨", "tone": "info"},
                {
                    "when": now + datetime.timedelta(hours=2),
                    "title": _("Accepted by the grid member"),
                    "who": "舜北社区第1网格网格员",
                    "tone": "info",
                },
                {
                    "when": now + datetime.timedelta(days=1),
                    "title": _("Handled and closed"),
                    "who": "阳明物业服务有限公司",
                    "tone": "success",
                    "note": _("The stairwell light was replaced."),
                },
            ],
            "chart": [("舜北社区", 6), ("兴隆社区", 6), ("江南社区", 4), ("城东社区", 2)],
        }
        return context
