"""Workbench pages around the loop: the request lists by node with filters, search,
cursor paging and the Excel export; the KPI page of a node and its children; the
public requests of a resident's community with supports; the return-visit queue."""

import datetime

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import ListView

from core.widgets import Select

from . import services
from .forms import check_date_range
from .identity import identity
from .models import Category, Community, Grid, HandlingUnit, ReturnVisit, ServiceRequest, Street
from .querysets import start_of_day
from .request_export import XLSX, export_requests
from .scoped_views import ScopedViewMixin
from .scoping import user_permissions
from .services.visits import visit_counts

State = ServiceRequest.State
MAX_ID = 2**62
PAGE_SIZE = 50


# --- filters -----------------------------------------------------------------------------


class IdChoiceField(forms.ModelChoiceField):
    """A choice of an object by id that refuses anything but a sane id before asking
    the database (no overflow, no NUL byte)."""

    widget = Select

    def to_python(self, value):
        if value in self.empty_values:
            return None
        text = str(value)
        if not text.isdigit() or int(text) > MAX_ID:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(text)


def handling_units(user):
    """The units a user may filter by: those in their scope and the county-wide ones."""
    return HandlingUnit.objects.filter(
        Q(pk__in=HandlingUnit.objects.for_user(user).values("pk"))
        | Q(street__isnull=True, community__isnull=True, grid__isnull=True)
    ).order_by("name")


class RequestFilterForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Search"), max_length=100, required=False)
    street = IdChoiceField(
        label=gettext_lazy("Street"), queryset=Street.objects.none(), required=False
    )
    community = IdChoiceField(
        label=gettext_lazy("Community"), queryset=Community.objects.none(), required=False
    )
    grid = IdChoiceField(label=gettext_lazy("Grid"), queryset=Grid.objects.none(), required=False)
    state = forms.ChoiceField(
        label=gettext_lazy("State"),
        choices=[("", gettext_lazy("All states")), *State.choices],
        required=False,
        widget=Select,
    )
    category = IdChoiceField(
        label=gettext_lazy("Category"), queryset=Category.objects.none(), required=False
    )
    overdue = forms.ChoiceField(
        label=gettext_lazy("Overdue"),
        choices=[
            ("", gettext_lazy("Either")),
            ("yes", gettext_lazy("Yes")),
            ("no", gettext_lazy("No")),
        ],
        required=False,
        widget=Select,
    )
    date_from = forms.DateField(
        label=gettext_lazy("Submitted from"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = forms.DateField(
        label=gettext_lazy("Submitted to"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    handler_unit = IdChoiceField(
        label=gettext_lazy("Handling unit"), queryset=HandlingUnit.objects.none(), required=False
    )

    FILTERS = (
        "q",
        "street",
        "community",
        "grid",
        "state",
        "category",
        "overdue",
        "date_from",
        "date_to",
        "handler_unit",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        fields = self.fields
        fields["street"].queryset = Street.objects.for_user(user).order_by("code")
        fields["community"].queryset = Community.objects.for_user(user).order_by("code")
        grids = Grid.objects.for_user(user).order_by("code")
        chosen = self.data.get("community") if self.is_bound else None
        if chosen and str(chosen).isdigit() and int(chosen) <= MAX_ID:
            grids = grids.filter(community_id=int(chosen))
        fields["grid"].queryset = grids
        fields["category"].queryset = (
            Category.objects.filter(is_active=True)
            .select_related("parent")
            .order_by("parent__code", "code")
        )
        fields["category"].label_from_instance = str
        fields["handler_unit"].queryset = handling_units(user)
        for name in ("street", "community", "grid", "category", "handler_unit"):
            fields[name].empty_label = _("All")
        fields["q"].widget.attrs.update(
            {"placeholder": _("Request number or words of the description"), "type": "search"}
        )

    def clean(self):
        data = super().clean()
        check_date_range(self, data.get("date_from"), data.get("date_to"), "date_from", "date_to")
        return data

    def filters(self) -> dict:
        """The keyword arguments of ``ServiceRequestQuerySet.filtered``."""
        if not self.is_bound:
            return {}
        data = self.cleaned_data
        node = data.get("grid") or data.get("community") or data.get("street")
        overdue = {"yes": True, "no": False}.get(data.get("overdue") or "")
        return {
            "node": node,
            "state": data.get("state") or None,
            "category": data.get("category"),
            "overdue": overdue,
            "created_after": data.get("date_from"),
            "created_before": data.get("date_to"),
            "handler_unit": data.get("handler_unit"),
            "q": data.get("q") or "",
        }

    @property
    def filtered(self) -> bool:
        return self.is_bound and any(self.data.get(name) for name in self.FILTERS)


# --- keyset paging -----------------------------------------------------------------------


class BadCursor(Exception):
    pass


CURSOR_SALT = "grid.request-list.cursor"


def encode_cursor(direction: str, item) -> str:
    return signing.dumps([direction, item.created_at.isoformat(), item.pk], salt=CURSOR_SALT)


def decode_cursor(value: str):
    try:
        direction, created, pk = signing.loads(value[:500], salt=CURSOR_SALT)
        created = datetime.datetime.fromisoformat(created)
    except (signing.BadSignature, ValueError, TypeError) as exc:
        raise BadCursor from exc
    if direction not in ("n", "p") or not isinstance(pk, int) or created.tzinfo is None:
        raise BadCursor
    return direction, created, pk


class KeysetPage:
    """One page of a list ordered newest first (``-created_at, -id``), addressed by an
    opaque signed cursor: the position and the direction, never an offset."""

    def __init__(self, queryset, cursor: str | None, size: int = PAGE_SIZE):
        ordered = queryset.order_by("-created_at", "-id")
        if not cursor:
            rows = list(ordered[: size + 1])
            self.has_previous, self.has_next = False, len(rows) > size
            rows = rows[:size]
        else:
            direction, created, pk = decode_cursor(cursor)
            if direction == "n":
                after = Q(created_at__lt=created) | Q(created_at=created, id__lt=pk)
                rows = list(ordered.filter(after)[: size + 1])
                self.has_previous, self.has_next = True, len(rows) > size
                rows = rows[:size]
            else:
                before = Q(created_at__gt=created) | Q(created_at=created, id__gt=pk)
                rows = list(queryset.filter(before).order_by("created_at", "id")[: size + 1])
                self.has_previous, self.has_next = len(rows) > size, True
                rows = rows[:size][::-1]
        self.object_list = rows
        self.next_cursor = encode_cursor("n", rows[-1]) if rows and self.has_next else None
        self.previous_cursor = encode_cursor("p", rows[0]) if rows and self.has_previous else None


# --- the list and the export -------------------------------------------------------------


class RequestListView(ScopedViewMixin, ListView):
    """Every request the user may view, filtered by node, state, category, overdue,
    dates and handling unit, searched by number or words, 50 a page."""

    model = ServiceRequest
    template_name = "grid/request_list.html"

    def get(self, request, *args, **kwargs):
        form = RequestFilterForm(request.GET or None, user=request.user)
        page, status = None, 200
        if form.is_bound and not form.is_valid():
            status = 400
        else:
            queryset = (
                self.get_queryset()
                .filtered(**form.filters())
                .select_related("category__parent", "building", "grid", "handler_unit")
            )
            try:
                page = KeysetPage(queryset, request.GET.get("cursor"))
            except BadCursor:
                form.add_error(None, _("The page link is not valid; start from the first page."))
                status = 400
        params = request.GET.copy()
        params.pop("cursor", None)
        context = {
            "form": form,
            "page": page,
            "requests": page.object_list if page else [],
            "filtered": form.filtered,
            "export_query": params.urlencode(),
        }
        return render(request, self.template_name, context, status=status)


class RequestExportView(ScopedViewMixin, ListView):
    """The filtered list as .xlsx, written row by row (no reporter's personal data)."""

    model = ServiceRequest
    template_name = "grid/request_list.html"

    def get(self, request, *args, **kwargs):
        form = RequestFilterForm(request.GET or None, user=request.user)
        if form.is_bound and not form.is_valid():
            context = {"form": form, "page": None, "requests": [], "filtered": True}
            return render(request, self.template_name, context, status=400)
        queryset = self.get_queryset().filtered(**form.filters())
        handle = export_requests(queryset)
        stamp = timezone.localdate().isoformat()
        response = FileResponse(handle, as_attachment=True, filename=f"requests-{stamp}.xlsx")
        response["Content-Type"] = XLSX
        response["Cache-Control"] = "no-store"
        return response


# --- KPIs ---------------------------------------------------------------------------------

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


class VisitForm(forms.Form):
    outcome = forms.ChoiceField(
        label=gettext_lazy("The resident's answer"),
        choices=ReturnVisit.Outcome.choices,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=gettext_lazy("Note"), max_length=500, required=False)


def visit_context(user, item) -> dict:
    """What ``grid/_request_visit.html`` needs on a request's page."""
    worker = services.can_work(user, item)
    return {
        "can_visit": worker and item.state == State.CLOSED,
        "visit_form": VisitForm(),
        "visits": list(item.visits.select_related("visited_by")) if worker else [],
    }


class VisitQueueView(ScopedViewMixin, ListView):
    """Closed requests due for their phone return visit: closed before the last working
    day began, not rated, not visited since closing."""

    model = ServiceRequest
    scope_action = "change"
    template_name = "grid/request_visits.html"
    context_object_name = "requests"
    paginate_by = 50

    def get_queryset(self):
        return (
            services.visit_queue(self.request.user)
            .select_related("category__parent", "building", "grid")
            .order_by("closed_at", "id")
        )

    def paginate_queryset(self, queryset, page_size):
        paginator = Paginator(queryset, page_size)
        page = paginator.get_page(self.request.GET.get("page"))
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        since = timezone.now() - datetime.timedelta(days=30)
        counts = visit_counts(self.request.user, since)
        context["visit_counts"] = [
            (label, counts[value]) for value, label in ReturnVisit.Outcome.choices
        ]
        return context


class RecordVisitView(ScopedViewMixin, ListView):
    model = ServiceRequest
    http_method_names = ["post"]

    def post(self, request, pk):
        item = self.get_queryset().filter(pk=pk).first()
        if item is None:
            raise Http404
        form = VisitForm(request.POST)
        try:
            if not form.is_valid():
                raise ValidationError(_("Choose the answer of the resident."))
            services.record_return_visit(
                user=request.user,
                request=item,
                outcome=form.cleaned_data["outcome"],
                note=form.cleaned_data["note"],
            )
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [])) or str(exc))
        else:
            messages.success(request, _("The return visit is recorded."))
        return redirect("grid:request-detail", pk=item.pk)
