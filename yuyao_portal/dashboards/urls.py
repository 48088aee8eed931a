"""The dashboards, mounted at /dashboard/."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.DashboardView.as_view(), name="dashboard"),
    path(
        "export/<slug:mode>/<slug:table>.xlsx",
        views.DashboardExportView.as_view(),
        name="dashboard-export",
    ),
    path("participation/", views.ParticipationView.as_view(), name="dashboard-participation"),
    path(
        "participation/<slug:table>.xlsx",
        views.ParticipationExportView.as_view(),
        name="dashboard-participation-export",
    ),
]
