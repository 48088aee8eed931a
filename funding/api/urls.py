"""The funding API, mounted at /api/v1/funding/."""

from rest_framework.routers import SimpleRouter

router = SimpleRouter()

urlpatterns = router.urls
