"""The dashboard page of each tier, the participation analytics, and their Excel
exports; every number from ``for_user`` querysets (the mode modules)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from core.exports import Column, excel_response

from . import funding, negotiation, participation, requests, training, volunteers
from .charts import bar_chart, column_chart
from .scope import scope_for
from .sections import display

MODES = {module.KEY: module for module in (requests, volunteers, negotiation, funding, training)}
TABLES = ("numbers", "trend", "parts")
PARTICIPATION_TABLES = ("age", "gender", "where", "reached")


def sections(scope) -> list:
    return [module.section(scope) for module in MODES.values()]


def node_name(scope) -> str:
    if scope.node is None:
        return settings.PORTAL_COUNTY_NAME
    return scope.node.name


class DashboardView(LoginRequiredMixin, View):
    """The viewer's tier dashboard: each mode's numbers, its trend by month and the
    comparison of the parts, every number a link to the list it counts."""

    def get(self, request):
        scope = scope_for(request.user)
        shown = []
        for section in sections(scope):
            shown.append(
                {
                    "section": section,
                    "trend_svg": column_chart(
                        section.trend_rows(), title=section.trend_title, unit=section.trend_unit
                    ),
                    "compare_svg": bar_chart(section.compare_rows(), title=section.compare_title)
                    if section.parts
                    else "",
                    "metrics": [(m, display(m.value, m.kind)) for m in section.metrics],
                    "rows": [
                        (
                            part["name"],
                            part["url"],
                            [
                                (c.label, display(part["values"].get(c.key, 0), c.kind))
                                for c in section.columns
                            ],
                        )
                        for part in section.parts
                    ],
                }
            )
        return render(
            request,
            "portal/dashboard.html",
            {
                "scope": scope,
                "node_name": node_name(scope),
                "sections": shown,
                "crumbs": [(_("Workbench"), reverse("home")), (_("Dashboard"), None)],
                "today": timezone.localdate(),
            },
        )


def export_rows(section, table: str):
    if table == "numbers":
        columns = [
            Column(gettext_lazy("Number"), "label", width=36),
            Column(gettext_lazy("Value"), "value", width=16),
        ]
        rows = [{"label": m.label, "value": m.value} for m in section.metrics]
    elif table == "trend":
        columns = [
            Column(gettext_lazy("Month"), 0, width=12),
            Column(section.trend_title, 1, width=24),
        ]
        rows = section.trend_rows()
    else:
        columns = [Column(gettext_lazy("Name"), "name", width=28)] + [
            Column(c.label, (lambda row, key=c.key: row["values"].get(key, 0)), width=16)
            for c in section.columns
        ]
        rows = section.parts
    return columns, rows


class DashboardExportView(LoginRequiredMixin, View):
    """One table of the dashboard as Excel: a mode's numbers, its trend or its parts."""

    def get(self, request, mode, table):
        if mode not in MODES or table not in TABLES:
            raise Http404
        scope = scope_for(request.user)
        section = MODES[mode].section(scope)
        columns, rows = export_rows(section, table)
        return excel_response(
            rows=rows,
            columns=columns,
            filename=f"{node_name(scope)}-{section.export_name}-{table}.xlsx",
            sheet_title=section.title[:31],
        )


def participation_context(request):
    scope = scope_for(request.user)
    period = participation.Period.parse(request.GET.get("year"), request.GET.get("quarter"))
    return scope, participation.analytics(scope, period)


def where_title(scope) -> str:
    if scope.part_tier.value in ("grid", "building"):
        return _("By building")
    return {"street": _("By street and town"), "community": _("By community")}[
        scope.part_tier.value
    ]


class ParticipationView(LoginRequiredMixin, View):
    """Who takes part, by age band, gender and building, in a year or a quarter."""

    def get(self, request):
        scope, data = participation_context(request)
        this_year = timezone.localdate().year
        return render(
            request,
            "portal/dashboard_participation.html",
            {
                "scope": scope,
                "node_name": node_name(scope),
                "data": data,
                "tables": [
                    ("age", _("By age band"), data["age"]),
                    ("gender", _("By gender"), data["gender"]),
                    ("where", where_title(scope), data["where"]),
                ],
                "reached_svg": bar_chart(
                    [(row["label"], row["share"] or 0) for row in data["reached"]],
                    title=_("Share of households reached (%)"),
                    unit="%",
                ),
                "crumbs": [
                    (_("Workbench"), reverse("home")),
                    (_("Dashboard"), reverse("dashboard")),
                    (_("Who takes part"), None),
                ],
                "years": list(range(this_year, this_year - 5, -1)),
                "quarters": (1, 2, 3, 4),
                "query": request.GET.urlencode(),
            },
        )


def shown(value):
    """A suppressed cell in the export: the threshold's sign, never the count."""
    return value if value is not participation.SUPPRESSED else "<k"


class ParticipationExportView(LoginRequiredMixin, View):
    def get(self, request, table):
        if table not in PARTICIPATION_TABLES:
            raise Http404
        scope, data = participation_context(request)
        if table == "reached":
            columns = [
                Column(gettext_lazy("Taking part in"), "label", width=24),
                Column(gettext_lazy("Households reached"), lambda r: shown(r["households"])),
                Column(gettext_lazy("Share of households (%)"), "share"),
            ]
            rows = data["reached"]
        else:
            columns = [
                Column(gettext_lazy("Group"), "label", width=24),
                Column(gettext_lazy("Residents"), lambda r: shown(r["population"])),
            ] + [
                Column(label, (lambda r, i=i: shown(r["cells"][i])))
                for i, (_key, label) in enumerate(data["columns"])
            ]
            rows = data[table]
        return excel_response(
            rows=rows,
            columns=columns,
            filename=f"{node_name(scope)}-{_('Participation')}-{data['period'].key}-{table}.xlsx",
            sheet_title=_("Participation"),
        )
