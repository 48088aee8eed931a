from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import totp, totp_views, views

# A database out of reach for a moment is a 503 with a message, not a server error.
handler500 = "yuyao_portal.errors.server_error"

admin.site.site_header = _("Yuyao community governance portal")
admin.site.site_title = _("Yuyao community governance portal")
admin.site.index_title = _("Administration")

handler404 = "yuyao_portal.views.not_found"

urlpatterns = [
    path("", views.WorkbenchView.as_view(), name="home"),
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/second-factor/", totp_views.OTPStateView.as_view(), name="otp-state"),
    path("accounts/second-factor/enrol/", totp_views.OTPEnrolView.as_view(), name="otp-enrol"),
    path("accounts/second-factor/verify/", totp_views.OTPVerifyView.as_view(), name="otp-verify"),
    path(
        "accounts/second-factor/disable/", totp_views.OTPDisableView.as_view(), name="otp-disable"
    ),
    path("healthz/", views.health, name="health"),
    path("accounts/care-mode/", views.CareModeView.as_view(), name="care-mode"),
    path("dashboard/", include("yuyao_portal.dashboards.urls")),
    path("directory/buildings/", views.BuildingDirectoryView.as_view(), name="building-directory"),
    path("ui/", views.ComponentGuideView.as_view(), name="component-guide"),
    path("net/", include("grid.urls")),
    path("volunteers/", include("volunteers.urls")),
    path("negotiation/", include("negotiation.urls")),
    path("funding/", include("funding.urls")),
    path("training/", include("training.urls")),
    path("community/", include("community.urls")),
    path("verify/", include("core.certificates.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("admin/", admin.site.urls),
    path("api/v1/auth/token/", totp.obtain_auth_token, name="api-token"),
    path("api/v1/volunteers/", include("volunteers.api.urls")),
    path("api/v1/negotiation/", include("negotiation.api.urls")),
    path("api/v1/funding/", include("funding.api.urls")),
    path("api/v1/training/", include("training.api.urls")),
    path("api/v1/community/", include("community.api.urls")),
    path("api/v1/", include("grid.api.urls")),
    path("open311/v2/", include("grid.open311.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
]
