"""The negotiation API, mounted at /api/v1/negotiation/."""

from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("topics", views.TopicViewSet)
router.register("meetings", views.MeetingViewSet)
router.register("votes", views.VoteViewSet)
router.register("resolutions", views.ResolutionViewSet)
router.register("areas", views.AreaViewSet)

urlpatterns = router.urls
