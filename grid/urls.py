from django.urls import path, register_converter

from . import notify_views, views
from .converters import IdConverter
from .people import accounts as account_views
from .people import views as people_views
from .requests import approvals as approval_views
from .requests import kpis as request_kpi_views
from .requests import lists as request_list_views
from .requests import photos as photo_views
from .requests import public as request_public_views
from .requests import views as request_views
from .requests import visits as request_visit_views

register_converter(IdConverter, "id")

app_name = "grid"

urlpatterns = [
    # the net
    path("streets/", views.StreetListView.as_view(), name="street-list"),
    path("streets/<id:pk>/", views.StreetDetailView.as_view(), name="street-detail"),
    path("communities/<id:pk>/", views.CommunityDetailView.as_view(), name="community-detail"),
    path("grids/<id:pk>/", views.GridDetailView.as_view(), name="grid-detail"),
    path("buildings/<id:pk>/", views.BuildingDetailView.as_view(), name="building-detail"),
    # people
    path("residents/", people_views.ResidentListView.as_view(), name="resident-list"),
    path("residents/<id:pk>/", people_views.ResidentDetailView.as_view(), name="resident-detail"),
    path(
        "residents/<id:pk>/reveal/",
        people_views.ResidentRevealView.as_view(),
        name="resident-reveal",
    ),
    path(
        "households/<id:pk>/", people_views.HouseholdDetailView.as_view(), name="household-detail"
    ),
    path("roster/import/", people_views.RosterImportView.as_view(), name="roster-import"),
    path("roster/template.xlsx", people_views.RosterTemplateView.as_view(), name="roster-template"),
    path("roster/export.xlsx", people_views.RosterExportView.as_view(), name="roster-export"),
    path("verifications/", people_views.VerificationQueueView.as_view(), name="verification-queue"),
    path(
        "verifications/<id:pk>/<str:decision>/",
        people_views.VerificationDecideView.as_view(),
        name="verification-decide",
    ),
    # residents' accounts
    path("me/", people_views.ResidentHomeView.as_view(), name="resident-home"),
    path("signup/", account_views.SignupView.as_view(), name="signup"),
    path("me/household/", account_views.HouseholdRequestView.as_view(), name="household-request"),
    # service requests
    path("requests/", request_views.RequestQueueView.as_view(), name="request-queue"),
    path("requests/mine/", request_views.MyRequestsView.as_view(), name="request-mine"),
    path("requests/new/", request_views.SubmitRequestView.as_view(), name="request-submit"),
    path("requests/<id:pk>/", request_views.RequestDetailView.as_view(), name="request-detail"),
    path(
        "requests/<id:pk>/<slug:action>/",
        request_views.RequestStepView.as_view(),
        name="request-step",
    ),
]

# notifications
urlpatterns += [
    path("inbox/", notify_views.InboxView.as_view(), name="inbox"),
    path("inbox/read/", notify_views.InboxReadView.as_view(), name="inbox-read"),
    path(
        "inbox/preferences/",
        notify_views.InboxPreferencesView.as_view(),
        name="inbox-preferences",
    ),
    path("inbox/<id:pk>/", notify_views.InboxOpenView.as_view(), name="inbox-open"),
]

# photos
urlpatterns += [
    path(
        "requests/<id:pk>/photos/<id:photo>/",
        photo_views.RequestPhotoView.as_view(),
        name="request-photo",
    ),
    path(
        "requests/<id:pk>/photos/<id:photo>/thumbnail/",
        photo_views.RequestPhotoView.as_view(thumbnail=True),
        name="request-photo-thumbnail",
    ),
]

# transfers and approvals
urlpatterns += [
    path("requests/approvals/", approval_views.ApprovalQueueView.as_view(), name="approval-queue"),
    path(
        "requests/approvals/<id:pk>/<slug:decision>/",
        approval_views.ApplicationDecideView.as_view(),
        name="application-decide",
    ),
    path(
        "requests/<id:pk>/approvals/transfer/",
        approval_views.RequestTransferView.as_view(),
        name="request-transfer",
    ),
    path(
        "requests/<id:pk>/approvals/apply/",
        approval_views.RequestApplyView.as_view(),
        name="request-apply",
    ),
]

# lists, exports, KPIs, public requests and return visits
urlpatterns += [
    path("requests/all/", request_list_views.RequestListView.as_view(), name="request-list"),
    path(
        "requests/export.xlsx",
        request_list_views.RequestExportView.as_view(),
        name="request-export",
    ),
    path("kpis/", request_kpi_views.KpiView.as_view(), name="request-kpis"),
    path(
        "community/requests/",
        request_public_views.CommunityRequestsView.as_view(),
        name="community-requests",
    ),
    path(
        "community/requests/<id:pk>/support/",
        request_public_views.SupportRequestView.as_view(),
        name="community-request-support",
    ),
    path("requests/visits/", request_visit_views.VisitQueueView.as_view(), name="request-visits"),
    path(
        "requests/visits/<id:pk>/",
        request_visit_views.RecordVisitView.as_view(),
        name="request-visit",
    ),
]
