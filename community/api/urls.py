"""The community-life API, mounted at /api/v1/community/."""

from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("slots", views.SlotViewSet)
router.register("appointments", views.AppointmentViewSet)
router.register("notices", views.NoticeViewSet)
router.register("emergencies", views.EmergencyViewSet)

urlpatterns = router.urls
