"""The community-life API, mounted at /api/v1/community/."""

from rest_framework.routers import SimpleRouter

from . import board_views, group_views, views

router = SimpleRouter()
router.register("slots", views.SlotViewSet)
router.register("appointments", views.AppointmentViewSet)
router.register("notices", views.NoticeViewSet)
router.register("emergencies", views.EmergencyViewSet)
router.register("board", board_views.BoardViewSet)
router.register("groups", group_views.GroupViewSet)

urlpatterns = router.urls
