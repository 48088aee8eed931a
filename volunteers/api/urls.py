"""The volunteers API, mounted at /api/v1/volunteers/."""

from rest_framework.routers import SimpleRouter

from . import member_views, views

router = SimpleRouter()
router.register("teams", views.TeamViewSet)
router.register("volunteers", views.VolunteerViewSet)
router.register("memberships", views.MembershipViewSet)
router.register("activities", views.ActivityViewSet)
router.register("shifts", views.ShiftViewSet)
router.register("signups", views.SignUpViewSet)
router.register("hours", views.HourEntryViewSet)
router.register("corrections", views.CorrectionViewSet)
router.register("certificates", views.CertificateViewSet)
router.register("time-bank", views.TimeBankViewSet)
router.register("member-reports", member_views.MemberReportViewSet)
router.register("needs", member_views.NeedViewSet)
router.register("need-claims", member_views.NeedClaimViewSet)
router.register("wishes", member_views.WishViewSet)
router.register("mobilisations", member_views.MobilisationViewSet)
router.register("nominations", member_views.NominationViewSet)

urlpatterns = router.urls
