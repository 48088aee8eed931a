"""The community-life API, mounted at /api/v1/community/."""

from rest_framework.routers import SimpleRouter

from . import board_views, group_views, unit_views, views

router = SimpleRouter()
router.register("slots", views.SlotViewSet)
router.register("appointments", views.AppointmentViewSet)
router.register("notices", views.NoticeViewSet)
router.register("emergencies", views.EmergencyViewSet)
router.register("board", board_views.BoardViewSet)
router.register("groups", group_views.GroupViewSet)
router.register("units", unit_views.UnitViewSet)
router.register("unit-resources", unit_views.UnitResourceViewSet)
router.register("needs", unit_views.CommunityNeedViewSet)
router.register("commitments", unit_views.CommitmentViewSet)
router.register("unit-requests", unit_views.ResourceRequestViewSet)

urlpatterns = router.urls
