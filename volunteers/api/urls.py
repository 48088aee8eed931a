"""The volunteers API, mounted at /api/v1/volunteers/."""

from rest_framework.routers import SimpleRouter

router = SimpleRouter()

urlpatterns = router.urls
