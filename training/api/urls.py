"""The training API, mounted at /api/v1/training/."""

from django.urls import path, register_converter
from django.urls.converters import get_converters
from rest_framework.routers import SimpleRouter

from grid.converters import IdConverter

from . import views

if "id" not in get_converters():  # grid's URLs register it first in the portal
    register_converter(IdConverter, "id")

router = SimpleRouter()
router.register("courses", views.CourseViewSet)
router.register("sessions", views.SessionViewSet)
router.register("enrolments", views.EnrolmentViewSet)
router.register("compliance", views.ComplianceViewSet)
router.register("qualifications", views.QualificationViewSet)
router.register("grades", views.GradeViewSet)
router.register("nominations", views.NominationViewSet)
router.register("campaigns", views.CampaignViewSet)

urlpatterns = [
    path("sessions/<id:pk>/checkin/", views.CheckInView.as_view(), name="session-checkin"),
    *router.urls,
]
