from django.urls import re_path
from rest_framework.routers import DefaultRouter

from . import approvals, movements, notifications, people, public, requests, verifications, views

router = DefaultRouter()
router.register("streets", views.StreetViewSet)
router.register("communities", views.CommunityViewSet)
router.register("grids", views.GridViewSet)
router.register("buildings", views.BuildingViewSet)
router.register("handling-units", views.HandlingUnitViewSet)
router.register("party-organisations", views.PartyOrganizationViewSet)
router.register("posts", views.PostViewSet)
router.register("households", people.HouseholdViewSet)
router.register("residents", people.ResidentViewSet)
router.register("party-members", people.PartyMembershipViewSet)
router.register("movements", movements.MovementViewSet)
router.register("verification-requests", verifications.VerificationRequestViewSet)

router.register("categories", requests.CategoryViewSet)
router.register("requests", requests.ServiceRequestViewSet)
router.register(
    "request-applications", approvals.RequestApplicationViewSet, basename="request-application"
)
router.register("notifications", notifications.NotificationViewSet, basename="notification")

urlpatterns = router.urls + [
    re_path(
        r"^public-requests/$", public.PublicRequestListView.as_view(), name="public-request-list"
    ),
    re_path(
        r"^requests/(?P<pk>[1-9][0-9]{0,17})/support/$",
        public.SupportView.as_view(),
        name="request-support",
    ),
]
