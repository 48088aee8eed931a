"""The funding API, mounted at /api/v1/funding/."""

from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("funds", views.FundViewSet)
router.register("entries", views.EntryViewSet)
router.register("expenditures", views.ExpenditureViewSet)
router.register("projects", views.ProjectViewSet)
router.register("disclosures", views.DisclosureViewSet)
router.register("applications", views.ApplicationViewSet)
router.register("tasks", views.TaskViewSet)
router.register("calls", views.CallViewSet)

urlpatterns = router.urls
