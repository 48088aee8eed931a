from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("streets", views.StreetViewSet)
router.register("communities", views.CommunityViewSet)
router.register("grids", views.GridViewSet)
router.register("buildings", views.BuildingViewSet)
router.register("handling-units", views.HandlingUnitViewSet)
router.register("party-organisations", views.PartyOrganizationViewSet)
router.register("posts", views.PostViewSet)

urlpatterns = router.urls
