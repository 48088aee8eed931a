"""The funding pages, mounted at /funding/; the page named "home" is its menu entry."""

from django.urls import path, register_converter
from django.urls.converters import get_converters

from grid.converters import IdConverter

from . import admission_dashboard, admission_views, exports, venture_views, views

if "id" not in get_converters():  # grid's URLs register it first in the portal
    register_converter(IdConverter, "id")

app_name = "funding"

EXPENDITURE_STEPS = ["approve", "refuse", "withdraw", "invoices", "pay", "reconcile"]
DISCLOSURE_STEPS = ["publish", "ask", "answer"]
PROJECT_STEPS = ["decide", "file", "reject", "start", "accept", "notice"]

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("admissions/", admission_views.ApplicationsView.as_view(), name="admissions"),
    path(
        "admissions/<id:pk>/decide/", admission_views.DecideView.as_view(), name="admission-decide"
    ),
    path(
        "admissions/<id:pk>/letter.pdf",
        admission_views.DecisionLetterView.as_view(),
        name="admission-letter",
    ),
    path(
        "admission/dashboard/",
        admission_dashboard.DashboardView.as_view(),
        name="admission-dashboard",
    ),
    path("tasks/", admission_dashboard.TasksView.as_view(), name="tasks"),
    path("burdens/", admission_dashboard.BurdensView.as_view(), name="burdens"),
    *[
        path(
            f"tasks/<id:pk>/{step}/",
            admission_dashboard.TaskStepView.as_view(),
            {"step": step},
            name=f"task-{step}",
        )
        for step in ("confirm", "refuse")
    ],
    path("export/<slug:kind>.xlsx", exports.ExportView.as_view(), name="export"),
    *venture_views.url_patterns(),
    path("funds/<id:pk>/", views.FundView.as_view(), name="fund"),
    path("expenditures/<id:pk>/", views.ExpenditureView.as_view(), name="expenditure"),
    path("projects/<id:pk>/", views.ProjectView.as_view(), name="project"),
    path("funds/<id:pk>/propose/", views.ProjectProposeView.as_view(), name="project-propose"),
    path("funds/<id:pk>/ledger.xlsx", views.FundLedgerExportView.as_view(), name="fund-ledger"),
    path("disclosures/<id:pk>/", views.DisclosureView.as_view(), name="disclosure"),
    path(
        "disclosures/<id:pk>/poster.pdf",
        views.DisclosurePosterView.as_view(),
        name="disclosure-poster",
    ),
    *[
        path(
            f"expenditures/<id:pk>/{step}/",
            views.ExpenditureStepView.as_view(),
            {"step": step},
            name=f"expenditure-{step}",
        )
        for step in EXPENDITURE_STEPS
    ],
    *[
        path(
            f"projects/<id:pk>/{step}/",
            views.ProjectStepView.as_view(),
            {"step": step},
            name=f"project-{step}",
        )
        for step in PROJECT_STEPS
    ],
    *[
        path(
            f"disclosures/<id:pk>/{step}/",
            views.DisclosureStepView.as_view(),
            {"step": step},
            name=f"disclosure-{step}",
        )
        for step in DISCLOSURE_STEPS
    ],
]
