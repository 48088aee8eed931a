"""The training API: courses and sessions of the organisers, enrolment, QR check-in and
attendance, completion, compliance, qualifications, grades, the talent pool and the
residents' appraisal. Every state change goes through ``training.services``."""

import django_filters
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import MethodNotAllowed
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from core.checkin import checkin_url, current_code, seconds_left
from core.timeline import refuse
from grid.api.errors import api_exception
from grid.api.filters import IdFilter, StrictFilterSet, YearFilter
from grid.api.scoped import ScopedModelViewSet

from .. import compliance, services
from ..models import (
    Campaign,
    Compliance,
    Course,
    CourseKind,
    Enrolment,
    GradeRecord,
    Nomination,
    Qualification,
    Session,
)
from ..querysets import session_for
from . import serializers as s


class InputMixin:
    http_method_names = ["get", "post", "head", "options"]

    def _input(self, serializer_class):
        serializer = serializer_class(data=self.request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data


class CourseFilter(StrictFilterSet):
    year = YearFilter()
    kind = django_filters.ChoiceFilter(choices=CourseKind.choices)
    state = django_filters.ChoiceFilter(choices=Course.State.choices)
    street = IdFilter(field_name="street_id")
    community = IdFilter(field_name="community_id")

    class Meta:
        model = Course
        fields = ["year", "kind", "state", "street", "community"]


class CourseViewSet(InputMixin, ScopedModelViewSet):
    """Courses of the organiser nodes the caller holds (posts below: of their nodes)."""

    queryset = Course.objects.select_related("street", "community")
    serializer_class = s.TrainingCourseSerializer
    filterset_class = CourseFilter

    def get_permissions(self):
        if self.action == "enrol":
            return [IsAuthenticated()]
        return super().get_permissions()

    @extend_schema(request=s.TrainingCourseInput, responses={201: s.TrainingCourseSerializer})
    def create(self, request, *args, **kwargs):
        """Organise a course at a street or community (neither: the county)."""
        data = self._input(s.TrainingCourseInput)
        node = data.pop("community") or data.pop("street", None)
        data.pop("street", None)
        course = services.create_course(by=request.user, node=node, **data)
        return Response(s.TrainingCourseSerializer(course).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.TrainingSessionInput, responses={201: s.TrainingSessionSerializer})
    @action(detail=True, methods=["post"])
    def sessions(self, request, pk=None):
        """Add a session; its hours are the rule's (refused when given otherwise)."""
        session = services.add_session(
            by=request.user, course=self.get_object(), **self._input(s.TrainingSessionInput)
        )
        return Response(s.TrainingSessionSerializer(session).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.TrainingEnrolInput, responses={201: s.TrainingEnrolResultSerializer})
    @action(detail=True, methods=["post"])
    def enrol(self, request, pk=None):
        """Enrol oneself (an open course), one worker by post, or the audience in bulk."""
        course = self.get_object()
        data = self._input(s.TrainingEnrolInput)
        counts = {"enrolled": 0, "waitlisted": 0, "skipped": 0}
        if data["post"] is not None:
            enrolment = services.enrol(by=request.user, course=course, user=data["post"].user)
            counts[enrolment.state] = 1
        elif request.user.has_perm("training.change_course", course):
            node = data["grid"] or data["community"]
            counts = services.enrol_audience(by=request.user, course=course, node=node)
        else:
            counts[services.enrol(by=request.user, course=course).state] = 1
        return Response(
            s.TrainingEnrolResultSerializer(counts).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(request=None, responses=s.TrainingCourseSerializer)
    @action(detail=True, methods=["post"])
    def finish(self, request, pk=None):
        course = services.finish_course(by=request.user, course=self.get_object())
        return Response(s.TrainingCourseSerializer(course).data)


class SessionFilter(StrictFilterSet):
    course = IdFilter(field_name="course_id")
    date_from = django_filters.DateFilter(field_name="starts_at", lookup_expr="date__gte")
    date_to = django_filters.DateFilter(field_name="starts_at", lookup_expr="date__lte")

    class Meta:
        model = Session
        fields = ["course", "date_from", "date_to"]


class SessionViewSet(InputMixin, ScopedModelViewSet):
    queryset = Session.objects.select_related("course")
    serializer_class = s.TrainingSessionSerializer
    filterset_class = SessionFilter
    http_method_names = ["get", "post", "head", "options"]

    @property
    def allowed_methods(self):
        # The list takes no POST: sessions are added on their course.
        methods = super().allowed_methods
        if getattr(self, "action_map", {}).get("post") == "create":
            methods = [m for m in methods if m != "POST"]
        return methods

    @extend_schema(exclude=True)
    def create(self, request, *args, **kwargs):
        raise MethodNotAllowed("POST")

    @extend_schema(responses=s.TrainingCodeSerializer)
    @action(detail=True, methods=["get"])
    def code(self, request, pk=None):
        """The rotating check-in code shown on the organiser's screen."""
        session = self.get_object()
        if not request.user.has_perm("training.change_session", session):
            raise api_exception(services.Conflict(_("You may see this but not change it.")))
        code = current_code(services.CHECKIN_PURPOSE, session.pk)
        url = checkin_url(reverse("training:checkin", args=[session.pk]), code, request)
        return Response({"code": code, "url": url, "expires_in": seconds_left()})

    @extend_schema(request=s.TrainingMarkInput, responses=s.TrainingAttendanceSerializer)
    @action(detail=True, methods=["post"])
    def mark(self, request, pk=None):
        """The organiser ticks one learner: present, late, excused or absent."""
        session = self.get_object()
        data = self._input(s.TrainingMarkInput)
        enrolment = (
            Enrolment.objects.for_user(request.user)
            .filter(pk=data["enrolment"], course_id=session.course_id)
            .first()
        )
        if enrolment is None:
            refuse({"enrolment": _("This learner is not on this course.")})
        attendance = services.mark_attendance(
            by=request.user, session=session, enrolment=enrolment, status=data["status"]
        )
        return Response(s.TrainingAttendanceSerializer(attendance).data)

    @extend_schema(request=None, responses=s.TrainingSessionSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """Close the attendance: whoever has none is absent."""
        session = services.close_session(by=request.user, session=self.get_object())
        return Response(s.TrainingSessionSerializer(session).data)


class CheckInView(APIView):
    """The learner's check-in with the code scanned (or typed) at the session."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=s.TrainingCheckInInput, responses={201: s.TrainingAttendanceSerializer})
    def post(self, request, pk):
        serializer = s.TrainingCheckInInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        session = session_for(request.user, pk)
        try:
            attendance = services.check_in(
                user=request.user, session=session, code=serializer.validated_data["code"]
            )
        except Exception as exc:  # noqa: BLE001  (a refusal as the API's)
            raise api_exception(exc) from exc
        return Response(
            s.TrainingAttendanceSerializer(attendance).data, status=status.HTTP_201_CREATED
        )


class EnrolmentFilter(StrictFilterSet):
    course = IdFilter(field_name="course_id")
    state = django_filters.ChoiceFilter(choices=Enrolment.State.choices)

    class Meta:
        model = Enrolment
        fields = ["course", "state"]


class EnrolmentViewSet(InputMixin, ScopedModelViewSet):
    """Enrolments: a worker's own; the organisers' and superiors' of their nodes."""

    queryset = Enrolment.objects.select_related("course", "user", "certificate")
    serializer_class = s.TrainingEnrolmentSerializer
    filterset_class = EnrolmentFilter

    def get_permissions(self):
        if self.action == "withdraw":
            return [IsAuthenticated()]
        return super().get_permissions()

    @property
    def allowed_methods(self):
        # The list takes no POST: enrolment goes through the course.
        methods = super().allowed_methods
        if getattr(self, "action_map", {}).get("post") == "create":
            methods = [m for m in methods if m != "POST"]
        return methods

    @extend_schema(exclude=True)
    def create(self, request, *args, **kwargs):
        raise MethodNotAllowed("POST")

    @extend_schema(request=s.TrainingReasonInput, responses=s.TrainingEnrolmentSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        enrolment = services.withdraw(
            by=request.user, enrolment=self.get_object(), **self._input(s.TrainingReasonInput)
        )
        return Response(s.TrainingEnrolmentSerializer(enrolment).data)

    @extend_schema(request=s.TrainingCompleteInput, responses=s.TrainingEnrolmentSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        """Record the assessment: completed with a certificate, or not passed."""
        enrolment = services.complete_enrolment(
            by=request.user, enrolment=self.get_object(), **self._input(s.TrainingCompleteInput)
        )
        return Response(s.TrainingEnrolmentSerializer(enrolment).data)


class ComplianceFilter(StrictFilterSet):
    year = YearFilter()
    status = django_filters.ChoiceFilter(choices=Compliance.Status.choices)
    community = IdFilter(field_name="community_id")

    class Meta:
        model = Compliance
        fields = ["year", "status", "community"]


class ComplianceViewSet(InputMixin, ScopedModelViewSet):
    """Who is due for what: one row per worker and year (a worker sees their own)."""

    queryset = Compliance.objects.select_related("user", "post")
    serializer_class = s.TrainingComplianceSerializer
    filterset_class = ComplianceFilter
    http_method_names = ["get", "head", "options"]

    @extend_schema(
        parameters=[OpenApiParameter("year", int, required=False)],
        responses=s.TrainingBoardSerializer,
        filters=False,
    )
    @action(detail=False, methods=["get"], filterset_class=None)
    def board(self, request):
        """The counts and shares of workers done, on track, behind and overdue."""
        raw = request.query_params.get("year") or ""
        year = int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else None
        if raw and year is None:
            refuse({"year": _("Enter a year such as 2026.")})
        data = compliance.board(request.user, year=year or timezone.localdate().year)
        return Response(s.TrainingBoardSerializer(data).data)


class QualificationViewSet(InputMixin, ScopedModelViewSet):
    queryset = Qualification.objects.all()
    serializer_class = s.TrainingQualificationSerializer

    @extend_schema(
        request=s.TrainingQualificationInput, responses={201: s.TrainingQualificationSerializer}
    )
    def create(self, request, *args, **kwargs):
        qualification = services.register_qualification(
            by=request.user, **self._input(s.TrainingQualificationInput)
        )
        return Response(
            s.TrainingQualificationSerializer(qualification).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(request=None, responses=s.TrainingQualificationSerializer)
    @action(detail=True, methods=["post"])
    def renew(self, request, pk=None):
        """Renew the registration (needs the period's continuing-education hours)."""
        qualification = services.renew_qualification(
            by=request.user, qualification=self.get_object()
        )
        return Response(s.TrainingQualificationSerializer(qualification).data)


class GradeViewSet(InputMixin, ScopedModelViewSet):
    """The grade history of the career ladder (三岗十八级)."""

    queryset = GradeRecord.objects.all()
    serializer_class = s.TrainingGradeSerializer

    @extend_schema(request=s.TrainingGradeInput, responses={201: s.TrainingGradeSerializer})
    def create(self, request, *args, **kwargs):
        record = services.set_grade(by=request.user, **self._input(s.TrainingGradeInput))
        return Response(s.TrainingGradeSerializer(record).data, status=status.HTTP_201_CREATED)


class NominationViewSet(InputMixin, ScopedModelViewSet):
    """The reserve talent pool (后备人才库)."""

    queryset = Nomination.objects.all()
    serializer_class = s.TrainingNominationSerializer

    @extend_schema(
        request=s.TrainingNominationInput, responses={201: s.TrainingNominationSerializer}
    )
    def create(self, request, *args, **kwargs):
        nomination = services.nominate(by=request.user, **self._input(s.TrainingNominationInput))
        return Response(
            s.TrainingNominationSerializer(nomination).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(request=s.TrainingDecideInput, responses=s.TrainingNominationSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        nomination = services.decide_nomination(
            by=request.user, nomination=self.get_object(), **self._input(s.TrainingDecideInput)
        )
        return Response(s.TrainingNominationSerializer(nomination).data)


class CampaignViewSet(InputMixin, ScopedModelViewSet):
    """Residents' appraisal campaigns (residents: their community's)."""

    queryset = Campaign.objects.all()
    serializer_class = s.TrainingCampaignSerializer

    def get_permissions(self):
        if self.action == "rate":
            return [IsAuthenticated()]
        return super().get_permissions()

    @extend_schema(request=s.TrainingCampaignInput, responses={201: s.TrainingCampaignSerializer})
    def create(self, request, *args, **kwargs):
        campaign = services.open_campaign(by=request.user, **self._input(s.TrainingCampaignInput))
        return Response(s.TrainingCampaignSerializer(campaign).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.TrainingRateInput, responses={201: None})
    @action(detail=True, methods=["post"])
    def rate(self, request, pk=None):
        """A resident rates one worker of the community, once per campaign."""
        campaign = self.get_object()
        data = self._input(s.TrainingRateInput)
        post = services.rateable_workers(campaign).filter(pk=data["post"]).first()
        if post is None:
            refuse({"post": _("This person does not work in this community.")})
        services.rate_in_campaign(
            user=request.user,
            campaign=campaign,
            worker_post=post,
            score=data["score"],
            comment=data["comment"],
        )
        return Response(status=status.HTTP_201_CREATED)

    @extend_schema(responses=s.TrainingResultsSerializer)
    @action(detail=True, methods=["get"])
    def results(self, request, pk=None):
        """Averages per worker and for the community (never who rated what)."""
        campaign = self.get_object()
        if not request.user.has_perm("training.view_rating"):
            raise api_exception(services.Conflict(_("You may see this but not change it.")))
        return Response(s.TrainingResultsSerializer(services.campaign_results(campaign)).data)

    @extend_schema(request=None, responses=s.TrainingCampaignSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        campaign = services.close_campaign(by=request.user, campaign=self.get_object())
        return Response(s.TrainingCampaignSerializer(campaign).data)
