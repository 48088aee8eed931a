"""The request lists by node with filters, search, cursor paging and the Excel export
(the KPI page: kpis.py; residents' community requests: public.py; the return visits:
visits.py)."""

import datetime

from django import forms
from django.core import signing
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import FileResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import ListView

from core.widgets import Select

from ..forms import check_date_range
from ..models import Category, Community, Grid, HandlingUnit, ServiceRequest, Street
from ..scoped_views import ScopedViewMixin
from .export import XLSX, export_requests

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
