"""The volunteers pages, mounted at /volunteers/; the page named "home" is its menu entry."""

from django.urls import path, register_converter
from django.urls.converters import get_converters

from grid.converters import IdConverter

from . import member_views, mobilisation_views, views, work_views

if "id" not in get_converters():  # grid's URLs register it first in the portal
    register_converter(IdConverter, "id")

app_name = "volunteers"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("register/", views.RegisterView.as_view(), name="register"),
    path("mine/", views.MineView.as_view(), name="mine"),
    path("record/", views.RecordView.as_view(), name="record"),
    path("certificates/", views.CertificateView.as_view(), name="certificate-request"),
    path("shifts/<id:pk>/sign-up/", views.SignUpView.as_view(), name="sign-up"),
    path("shifts/<id:pk>/check-in/", views.CheckInView.as_view(), name="checkin"),
    path("signups/<id:pk>/cancel/", views.CancelView.as_view(), name="cancel"),
    path("signups/<id:pk>/hours/", views.EnterHoursView.as_view(), name="enter-hours"),
    path("hours/<id:pk>/correction/", views.CorrectionView.as_view(), name="correction"),
    path("teams/<id:pk>/", views.public_team, name="team"),
    path("teams/<id:pk>/apply/", views.ApplyView.as_view(), name="apply"),
    path("work/", work_views.WorkView.as_view(), name="work"),
    path("work/memberships/<id:pk>/", work_views.DecideView.as_view(), name="decide"),
    path("work/hours/<id:pk>/", work_views.ConfirmHoursView.as_view(), name="confirm"),
    path("work/corrections/<id:pk>/", work_views.AnswerView.as_view(), name="answer"),
    path("work/shifts/<id:pk>/", work_views.SheetView.as_view(), name="sheet"),
    path("work/shifts/<id:pk>/qr/", work_views.SheetQrView.as_view(), name="sheet-qr"),
    path("work/signups/<id:pk>/in/", work_views.TickView.as_view(), {"step": "in"}, name="tick-in"),
    path(
        "work/signups/<id:pk>/out/", work_views.TickView.as_view(), {"step": "out"}, name="tick-out"
    ),
    path("work/teams/<id:pk>/export/", work_views.TeamExportView.as_view(), name="export"),
    path("work/teams/<id:pk>/award/", work_views.AwardView.as_view(), name="award"),
    path("work/teams/<id:pk>/summary/", work_views.TeamSummaryView.as_view(), name="team-summary"),
    path("wishes/", member_views.WishesView.as_view(), name="wishes"),
    path("wishes/<id:pk>/<slug:step>/", member_views.WishStepView.as_view(), name="wish-step"),
    path("member/", member_views.MemberView.as_view(), name="member"),
    path("needs/<id:pk>/claim/", member_views.NeedClaimView.as_view(), name="need-claim"),
    path("claims/<id:pk>/<slug:step>/", member_views.ClaimStepView.as_view(), name="claim-step"),
    path("work/members/", member_views.MembersWorkView.as_view(), name="work-members"),
    path(
        "work/members/<id:pk>/<slug:step>/",
        member_views.ReportStepView.as_view(),
        name="report-step",
    ),
    path("work/needs/<id:pk>/close/", member_views.NeedStepView.as_view(), name="need-close"),
    path(
        "work/claims/<id:pk>/confirm/",
        member_views.ConfirmClaimView.as_view(),
        name="claim-confirm",
    ),
    path("work/members/summary/", member_views.SummaryExportView.as_view(), name="summary"),
    path("mobilisations/", mobilisation_views.MyMobilisationsView.as_view(), name="mobilisations"),
    path(
        "work/mobilisations/",
        mobilisation_views.MobilisationWorkView.as_view(),
        name="work-mobilisations",
    ),
    path(
        "work/mobilisations/<id:pk>/",
        mobilisation_views.MobilisationStepView.as_view(),
        name="work-mobilisation",
    ),
]
