"""The training pages, mounted at /training/; the page named "home" is its menu entry."""

from django.urls import path, register_converter
from django.urls.converters import get_converters

from grid.converters import IdConverter

from . import views

if "id" not in get_converters():  # grid's URLs register it first in the portal
    register_converter(IdConverter, "id")

app_name = "training"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("archive/", views.ArchiveView.as_view(), name="archive"),
    path("archive/<id:user_id>/", views.ArchiveView.as_view(), name="archive-of"),
    path("courses/", views.CourseListView.as_view(), name="courses"),
    path("courses/<id:pk>/", views.CourseDetailView.as_view(), name="course"),
    path("courses/<id:pk>/enrol/", views.EnrolSelfView.as_view(), name="enrol"),
    path("sessions/<id:pk>/", views.SessionView.as_view(), name="session"),
    path("sessions/<id:pk>/checkin/", views.CheckInView.as_view(), name="checkin"),
    path("board/", views.BoardView.as_view(), name="board"),
    path("export/", views.ExportView.as_view(), name="export"),
    path("appraisal/<id:pk>/", views.CampaignView.as_view(), name="campaign"),
    path("rate/", views.RateServiceView.as_view(), name="rate"),
    path("make-up/", views.MakeUpView.as_view(), name="makeup"),
]
