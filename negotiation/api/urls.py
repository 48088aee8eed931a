"""The negotiation API, mounted at /api/v1/negotiation/."""

from rest_framework.routers import SimpleRouter

router = SimpleRouter()

urlpatterns = router.urls
