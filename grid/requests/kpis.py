"""The KPI page of a node and its children (综合评价)."""

import datetime

from django import forms
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from ..forms import check_date_range
from ..identity import identity
from ..models import Community, Grid, ServiceRequest, Street
from ..querysets import start_of_day
from ..scoping import user_permissions
from .lists import MAX_ID

State = ServiceRequest.State


KPI_TIERS = {"street": Street, "community": Community, "grid": Grid}
CHILD_TIER = {None: "street", "street": "community", "community": "grid", "grid": None}


class KpiForm(forms.Form):
    node = forms.CharField(label=gettext_lazy("Part of the net"), max_length=40, required=False)
    date_from = forms.DateField(
        label=gettext_lazy("Received from"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = forms.DateField(
        label=gettext_lazy("Received to"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def clean_node(self):
        value = (self.cleaned_data.get("node") or "").strip()
        if not value:
            return None
        tier, _sep, number = value.partition(":")
        if tier not in KPI_TIERS or not number.isdigit() or int(number) > MAX_ID:
            raise ValidationError(_("Choose a street, a community or a grid."))
        return tier, int(number)

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        if not self.errors:
            data["date_to"] = data.get("date_to") or today
            data["date_from"] = data.get("date_from") or data["date_to"].replace(month=1, day=1)
        check_date_range(self, data.get("date_from"), data.get("date_to"), "date_from", "date_to")
        return data


def percent(value) -> str:
    return "—" if value is None else f"{value:.1f}%"


def hours(value) -> str:
    return "—" if value is None else _("%(hours)s h") % {"hours": f"{value:.1f}"}


def kpi_cells(kpis: dict) -> dict:
    return {
        "received": kpis["received"],
        "closed": kpis["closed"],
        "closure_rate": percent(kpis["closure_rate"]),
        "on_time_closure_rate": percent(kpis["on_time_closure_rate"]),
        "rework_rate": percent(kpis["rework_rate"]),
        "extension_rate": percent(kpis["extension_rate"]),
        "avg_handling_hours": hours(kpis["avg_handling_hours"]),
        "satisfaction_rate": percent(kpis["satisfaction_rate"]),
    }


def own_kpi_node(user):
    """The node of the user's highest post, as a KPI node (a building: its grid;
    the county: None)."""
    who = identity(user)
    node = who.node if who is not None else None
    if node is not None and node.tier.value == "building":
        node = node.grid
    return node


class KpiView(LoginRequiredMixin, View):
    """The KPIs of a node (street, community or grid) for a date range, and of each of
    its children, all computed through ``for_user``: a node outside the user's scope is
    a 404."""

    template_name = "grid/request_kpis.html"

    def get(self, request):
        user = request.user
        if "grid.view_servicerequest" not in user_permissions(user) and not user.is_superuser:
            raise PermissionDenied(_("Your post does not see requests."))
        form = KpiForm(request.GET)
        if not form.is_valid():
            return render(
                request,
                self.template_name,
                {"form": form, "options": self._options(user, None)},
                status=400,
            )
        data = form.cleaned_data
        if data["node"] is not None:
            tier, node_id = data["node"]
            node = KPI_TIERS[tier].objects.for_user(user).filter(pk=node_id).first()
            if node is None:
                raise Http404(_("No such part of the net."))
        else:
            node = own_kpi_node(user)
        tier = node.tier.value if node is not None else None
        start = start_of_day(data["date_from"])
        end = start_of_day(data["date_to"] + datetime.timedelta(days=1))
        requests = ServiceRequest.objects.for_user(user).received_between(start, end)
        if node is not None:
            requests = requests.filter(**{f"{tier}_id": node.pk})
        child_tier = CHILD_TIER[tier]
        children = []
        if child_tier is not None:
            child_nodes = KPI_TIERS[child_tier].objects.for_user(user).order_by("code")
            if node is not None:
                child_nodes = child_nodes.filter(**{tier: node})
            by_node = {row["node_id"]: row for row in requests.kpis_by(child_tier)}
            empty = ServiceRequest.objects.none().kpis()
            for child in child_nodes:
                children.append(
                    {
                        "node": child,
                        "value": f"{child_tier}:{child.pk}",
                        "kpis": kpi_cells(by_node.get(child.pk) or empty),
                    }
                )
        context = {
            "form": form,
            "node": node,
            "child_tier": child_tier,
            "total": kpi_cells(requests.kpis()),
            "children": children,
            "date_from": data["date_from"],
            "date_to": data["date_to"],
            "options": self._options(user, node),
        }
        return render(request, self.template_name, context)

    def _options(self, user, node):
        """The nodes offered in the picker: streets and communities in scope, and the
        grids of the chosen (or the user's) community."""
        options = [
            (f"street:{s.pk}", s.name) for s in Street.objects.for_user(user).order_by("code")
        ]
        options += [
            (f"community:{c.pk}", c.name) for c in Community.objects.for_user(user).order_by("code")
        ]
        community_id = getattr(node, "community_id", None) or (
            node.pk if node is not None and node.tier.value == "community" else None
        )
        grids = Grid.objects.for_user(user).order_by("code")
        if community_id is not None:
            grids = grids.filter(community_id=community_id)
        options += [(f"grid:{g.pk}", g.name) for g in grids[:300]]
        return options


# --- public requests of a community -------------------------------------------------------
