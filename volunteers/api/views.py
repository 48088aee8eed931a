"""The volunteers API: teams and memberships, volunteers, activities and shifts,
sign-ups with check-in, hours and corrections, record certificates and the time bank.
Every viewset is on grid's scoped base; each step calls a service."""

import django_filters
from django.db.models import Count, Q
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from grid.api.filters import IdFilter, StrictFilterSet, YearFilter
from grid.api.scoped import ScopedModelViewSet

from .. import services
from ..models import (
    Activity,
    Correction,
    HourEntry,
    Membership,
    RecordCertificate,
    Shift,
    SignUp,
    Tag,
    Team,
    TimeBankEntry,
    Volunteer,
)
from ..querysets import led_team_ids
from . import serializers as s


class Base(ScopedModelViewSet):
    http_method_names = ["get", "post", "head", "options"]
    # POST on the list and the actions: anyone signed in may try, the service decides.
    open_actions: set = {"create"}

    def get_permissions(self):
        if self.action in self.open_actions:
            return [IsAuthenticated()]
        return super().get_permissions()

    def data(self, serializer_class):
        serializer = serializer_class(data=self.request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def answer(self, obj, serializer_class=None, code=status.HTTP_200_OK):
        serializer_class = serializer_class or self.serializer_class
        return Response(
            serializer_class(obj, context=self.get_serializer_context()).data, status=code
        )


class TeamFilter(StrictFilterSet):
    community = IdFilter(field_name="community_id")
    street = IdFilter(field_name="street_id")
    kind = django_filters.ChoiceFilter(choices=Team.Kind.choices)
    recruiting = django_filters.BooleanFilter()

    class Meta:
        model = Team
        fields = ["community", "street", "kind", "recruiting"]


class TeamViewSet(Base):
    """Teams and cultural organisations (residents: those of their street)."""

    queryset = Team.objects.annotate(
        members=Count("memberships", filter=Q(memberships__state="active"))
    )
    serializer_class = s.TeamSerializer
    filterset_class = TeamFilter
    open_actions = set()

    @extend_schema(request=s.TeamCreateSerializer, responses={201: s.TeamSerializer})
    def create(self, request, *args, **kwargs):
        """An office creates a team on a node it holds."""
        team = services.create_team(by=request.user, **self.data(s.TeamCreateSerializer))
        team.members = 0
        return self.answer(team, code=status.HTTP_201_CREATED)


class VolunteerViewSet(Base):
    """Volunteers: the caller's own record; an office's volunteers."""

    queryset = Volunteer.objects.all()
    serializer_class = s.VolunteerSerializer

    @extend_schema(request=s.RegisterSerializer, responses={201: s.VolunteerSerializer})
    def create(self, request, *args, **kwargs):
        """Register the caller as a volunteer (a confirmed resident)."""
        volunteer = services.register_volunteer(
            user=request.user, **self.data(s.RegisterSerializer)
        )
        return self.answer(volunteer, code=status.HTTP_201_CREATED)


class MembershipViewSet(Base):
    """Applications and members: the caller's own, those of the teams they lead, an
    office's."""

    queryset = Membership.objects.select_related("team", "volunteer")
    serializer_class = s.MembershipSerializer
    open_actions = {"create", "decide"}

    def get_queryset(self):
        queryset = super().get_queryset()
        if getattr(self, "swagger_fake_view", False):
            return queryset
        led = led_team_ids(self.request.user)
        if led:
            queryset = queryset | Membership.objects.filter(team_id__in=led).select_related(
                "team", "volunteer"
            )
        return queryset

    @extend_schema(request=s.TeamApplySerializer, responses={201: s.MembershipSerializer})
    def create(self, request, *args, **kwargs):
        """Apply to a team."""
        membership = services.apply_to_team(user=request.user, **self.data(s.TeamApplySerializer))
        return self.answer(membership, code=status.HTTP_201_CREATED)

    @extend_schema(request=s.DecideSerializer, responses=s.MembershipSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        """The leader accepts, or declines with a reason."""
        membership = services.decide_membership(
            by=request.user, membership=self.get_object(), **self.data(s.DecideSerializer)
        )
        return self.answer(membership)


class ActivityFilter(StrictFilterSet):
    team = IdFilter(field_name="team_id")
    community = IdFilter(field_name="community_id")
    tag = django_filters.ChoiceFilter(choices=Tag.choices, field_name="tags__tag")
    state = django_filters.ChoiceFilter(choices=Activity.State.choices)

    class Meta:
        model = Activity
        fields = ["team", "community", "tag", "state"]


class ActivityViewSet(Base):
    """Activities (residents: those of their street)."""

    queryset = Activity.objects.prefetch_related("tags")
    serializer_class = s.ActivitySerializer
    filterset_class = ActivityFilter

    @extend_schema(request=s.ActivityCreateSerializer, responses={201: s.ActivitySerializer})
    def create(self, request, *args, **kwargs):
        """The team's leader or an office publishes an activity."""
        activity = services.create_activity(
            by=request.user, **self.data(s.ActivityCreateSerializer)
        )
        return self.answer(activity, code=status.HTTP_201_CREATED)


class ShiftFilter(StrictFilterSet):
    activity = IdFilter(field_name="activity_id")
    date_from = django_filters.DateFilter(field_name="starts_at", lookup_expr="date__gte")
    date_to = django_filters.DateFilter(field_name="starts_at", lookup_expr="date__lte")

    class Meta:
        model = Shift
        fields = ["activity", "date_from", "date_to"]


class ShiftViewSet(Base):
    """Shifts with their places left; check-in and check-out by the shift's code."""

    queryset = Shift.objects.select_related("activity")
    serializer_class = s.ShiftSerializer
    filterset_class = ShiftFilter
    open_actions = {"create", "check_in", "check_out"}

    @extend_schema(request=s.ShiftCreateSerializer, responses={201: s.ShiftSerializer})
    def create(self, request, *args, **kwargs):
        """Add a shift to an activity (its team's leader or an office)."""
        shift = services.add_shift(by=request.user, **self.data(s.ShiftCreateSerializer))
        return self.answer(shift, code=status.HTTP_201_CREATED)

    @extend_schema(request=s.CodeSerializer, responses=s.SignUpSerializer)
    @action(detail=True, methods=["post"], url_path="check-in")
    def check_in(self, request, pk=None):
        """Check in with the code shown at the shift (it rotates)."""
        code = self.data(s.CodeSerializer)["code"]
        signup = services.check_in(user=request.user, shift=self.get_object(), code=code)
        return self.answer(signup, s.SignUpSerializer)

    @extend_schema(request=s.CodeSerializer, responses=s.SignUpSerializer)
    @action(detail=True, methods=["post"], url_path="check-out")
    def check_out(self, request, pk=None):
        """Check out with the code: the time on the shift is recorded as confirmed."""
        shift = self.get_object()
        code = self.data(s.CodeSerializer)["code"]
        services.check_out(user=request.user, shift=shift, code=code)
        signup = SignUp.objects.filter(shift=shift, user=request.user).order_by("-id").first()
        return self.answer(signup, s.SignUpSerializer)


class SignUpFilter(StrictFilterSet):
    shift = IdFilter(field_name="shift_id")
    state = django_filters.ChoiceFilter(choices=SignUp.State.choices)

    class Meta:
        model = SignUp
        fields = ["shift", "state"]


class SignUpViewSet(Base):
    """Sign-ups: the caller's own; an office's rosters."""

    queryset = SignUp.objects.select_related("shift__activity")
    serializer_class = s.SignUpSerializer
    filterset_class = SignUpFilter
    open_actions = {"create", "cancel"}

    @extend_schema(request=s.SignUpCreateSerializer, responses={201: s.SignUpSerializer})
    def create(self, request, *args, **kwargs):
        """Sign up for a shift (or join its waitlist when it is full and asked)."""
        signup = services.sign_up(user=request.user, **self.data(s.SignUpCreateSerializer))
        return self.answer(signup, code=status.HTTP_201_CREATED)

    @extend_schema(request=s.VolunteerReasonSerializer, responses=s.SignUpSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """Cancel (the volunteer until the deadline; the organiser with a reason)."""
        signup = services.cancel_signup(
            by=request.user, signup=self.get_object(), **self.data(s.VolunteerReasonSerializer)
        )
        return self.answer(signup)


class HourFilter(StrictFilterSet):
    state = django_filters.ChoiceFilter(choices=HourEntry.State.choices)
    team = IdFilter(field_name="team_id")
    volunteer = IdFilter(field_name="volunteer_id")
    year = YearFilter(field_name="served_on__year")

    class Meta:
        model = HourEntry
        fields = ["state", "team", "volunteer", "year"]


class HourEntryViewSet(Base):
    """Hours of service: the caller's own; those an office keeps."""

    queryset = HourEntry.objects.select_related("activity", "team")
    serializer_class = s.HourEntrySerializer
    filterset_class = HourFilter
    open_actions = {"create", "confirm"}

    @extend_schema(request=s.EnterHoursSerializer, responses={201: s.HourEntrySerializer})
    def create(self, request, *args, **kwargs):
        """Enter hours after a shift: pending until the organiser confirms."""
        entry = services.enter_hours(by=request.user, **self.data(s.EnterHoursSerializer))
        return self.answer(entry, code=status.HTTP_201_CREATED)

    @extend_schema(request=s.DecideSerializer, responses=s.HourEntrySerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        """The organiser confirms pending hours, or rejects them with a reason."""
        data = self.data(s.DecideSerializer)
        entry = services.confirm_hours(
            by=request.user, entry=self.get_object(), accept=data["accept"], reason=data["reason"]
        )
        return self.answer(entry)


class CorrectionViewSet(Base):
    """Requests for correction: the caller's own; those an office answers."""

    queryset = Correction.objects.all()
    serializer_class = s.CorrectionSerializer
    open_actions = {"create", "answer_it"}

    @extend_schema(request=s.AskCorrectionSerializer, responses={201: s.CorrectionSerializer})
    def create(self, request, *args, **kwargs):
        """Ask for a correction of one of your entries."""
        correction = services.ask_correction(
            user=request.user, **self.data(s.AskCorrectionSerializer)
        )
        return self.answer(correction, code=status.HTTP_201_CREATED)

    @extend_schema(request=s.AnswerSerializer, responses=s.CorrectionSerializer)
    @action(detail=True, methods=["post"], url_path="answer")
    def answer_it(self, request, pk=None):
        """The organiser answers: accepted (the entry changes) or refused."""
        correction = services.answer_correction(
            by=request.user, correction=self.get_object(), **self.data(s.AnswerSerializer)
        )
        return self.answer(correction)


class CertificateViewSet(Base):
    """Record certificates (志愿服务记录证明): the caller's own; an office's."""

    queryset = RecordCertificate.objects.select_related("certificate", "team")
    serializer_class = s.CertificateSerializer

    @extend_schema(request=s.CertificateRequestSerializer, responses={201: s.CertificateSerializer})
    def create(self, request, *args, **kwargs):
        """Ask the team that recorded your hours for a certificate (issued at once)."""
        record = services.request_certificate(
            user=request.user, **self.data(s.CertificateRequestSerializer)
        )
        return self.answer(record, code=status.HTTP_201_CREATED)


class TimeBankViewSet(Base):
    """The time-bank ledger: the caller's own rows; an office's."""

    queryset = TimeBankEntry.objects.all()
    serializer_class = s.TimeBankEntrySerializer
    open_actions = {"create", "reverse"}

    @extend_schema(request=s.WithdrawSerializer, responses={201: s.TimeBankEntrySerializer})
    def create(self, request, *args, **kwargs):
        """Withdraw credits for a service to the depositor or their family."""
        entry = services.withdraw_credits(by=request.user, **self.data(s.WithdrawSerializer))
        return self.answer(entry, code=status.HTTP_201_CREATED)

    @extend_schema(request=s.VolunteerReasonSerializer, responses={201: s.TimeBankEntrySerializer})
    @action(detail=True, methods=["post"])
    def reverse(self, request, pk=None):
        """Reverse a mistaken row by a new row with a reason (the office)."""
        reason = self.data(s.VolunteerReasonSerializer)["reason"]
        entry = services.reverse_entry(by=request.user, entry=self.get_object(), reason=reason)
        return self.answer(entry, code=status.HTTP_201_CREATED)
