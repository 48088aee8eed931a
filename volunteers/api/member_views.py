"""The API of 在职党员双报到: members' reports with placement, appraisal and the
quarterly summary; the needs list and its claims; small wishes. Every step calls
``volunteers.member_services``."""

import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from grid.api.filters import IdFilter, StrictFilterSet

from .. import member_services as members
from .. import mobilisation_services as mobilising
from ..models import MemberReport, Mobilisation, Need, NeedClaim, Nomination, Wish
from . import member_serializers as s
from .views import Base


class SummaryQuery(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    quarter = serializers.IntegerField(min_value=1, max_value=4)
    workplace = serializers.CharField(max_length=100, required=False, allow_blank=True)


class ReportFilter(StrictFilterSet):
    community = IdFilter(field_name="community_id")
    state = django_filters.ChoiceFilter(choices=MemberReport.State.choices)

    class Meta:
        model = MemberReport
        fields = ["community", "state"]


class MemberReportViewSet(Base):
    """In-service party members' reports (在职党员双报到): the caller's own; an office's."""

    queryset = MemberReport.objects.select_related("volunteer")
    serializer_class = s.MemberReportSerializer
    filterset_class = ReportFilter
    open_actions = {"create", "place", "appraise"}

    @extend_schema(request=s.ReportSerializer, responses={201: s.MemberReportSerializer})
    def create(self, request, *args, **kwargs):
        """Report to the community where you live, naming your workplace organisation."""
        report = members.report_to_community(user=request.user, **self.data(s.ReportSerializer))
        return self.answer(report, code=status.HTTP_201_CREATED)

    @extend_schema(request=s.PlaceSerializer, responses=s.MemberReportSerializer)
    @action(detail=True, methods=["post"])
    def place(self, request, pk=None):
        """The community places the member in one of its grids (and a team)."""
        report = members.place_member(
            by=request.user, report=self.get_object(), **self.data(s.PlaceSerializer)
        )
        return self.answer(report)

    @extend_schema(request=s.AppraiseSerializer, responses={201: s.MemberReportSerializer})
    @action(detail=True, methods=["post"])
    def appraise(self, request, pk=None):
        """The community's yearly appraisal, kept in the member's record."""
        report = self.get_object()
        members.appraise_member(by=request.user, report=report, **self.data(s.AppraiseSerializer))
        return self.answer(report, code=status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[SummaryQuery],
        responses=s.SummaryRowSerializer(many=True),
    )
    @action(detail=False, methods=["get"], pagination_class=None, filterset_class=None)
    def summary(self, request):
        """The quarter's service of the members the caller may see, one row each (for the
        summary sent to each workplace party organisation)."""
        query = SummaryQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        reports = self.get_queryset()
        if query.validated_data.get("workplace"):
            reports = reports.filter(workplace=query.validated_data["workplace"])
        rows = members.quarterly_summary(
            reports, year=query.validated_data["year"], quarter=query.validated_data["quarter"]
        )
        return Response(s.SummaryRowSerializer(rows, many=True).data)


class NeedFilter(StrictFilterSet):
    community = IdFilter(field_name="community_id")
    state = django_filters.ChoiceFilter(choices=Need.State.choices)

    class Meta:
        model = Need
        fields = ["community", "state"]


class NeedViewSet(Base):
    """The needs list (需求清单) of the communities the caller lives in or holds."""

    queryset = Need.objects.all()
    serializer_class = s.NeedSerializer
    filterset_class = NeedFilter
    open_actions = {"create", "close"}

    @extend_schema(request=s.NeedCreateSerializer, responses={201: s.NeedSerializer})
    def create(self, request, *args, **kwargs):
        """The community puts an item on its needs list."""
        need = members.post_need(by=request.user, **self.data(s.NeedCreateSerializer))
        return self.answer(need, code=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=s.NeedSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """Close the item: no more claims."""
        return self.answer(members.close_need(by=request.user, need=self.get_object()))


class NeedClaimViewSet(Base):
    """Claims of the needs list: the caller's own; an office's."""

    queryset = NeedClaim.objects.select_related("need")
    serializer_class = s.NeedClaimSerializer
    open_actions = {"create", "withdraw", "finish", "confirm"}

    @extend_schema(request=s.NeedClaimCreateSerializer, responses={201: s.NeedClaimSerializer})
    def create(self, request, *args, **kwargs):
        """A placed member claims a place on an item."""
        claim = members.claim_need(user=request.user, **self.data(s.NeedClaimCreateSerializer))
        return self.answer(claim, code=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=s.NeedClaimSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        """The member gives the place back before doing it."""
        return self.answer(members.withdraw_need_claim(user=request.user, claim=self.get_object()))

    @extend_schema(request=s.NoteSerializer, responses=s.NeedClaimSerializer)
    @action(detail=True, methods=["post"])
    def finish(self, request, pk=None):
        """The member says what they did."""
        claim = members.finish_need_claim(
            user=request.user, claim=self.get_object(), **self.data(s.NoteSerializer)
        )
        return self.answer(claim)

    @extend_schema(request=None, responses=s.NeedClaimSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        """The community confirms the work was done."""
        return self.answer(members.confirm_need_claim(by=request.user, claim=self.get_object()))


class WishFilter(StrictFilterSet):
    community = IdFilter(field_name="community_id")
    state = django_filters.ChoiceFilter(choices=Wish.State.choices)

    class Meta:
        model = Wish
        fields = ["community", "state"]


class WishViewSet(Base):
    """Small wishes (微心愿) of the caller's community, their own, those they claimed."""

    queryset = Wish.objects.select_related("resident")
    serializer_class = s.WishSerializer
    filterset_class = WishFilter
    open_actions = {"create", "withdraw", "claim", "release", "fulfil", "confirm"}

    @extend_schema(request=s.WishCreateSerializer, responses={201: s.WishSerializer})
    def create(self, request, *args, **kwargs):
        """A confirmed resident posts a small wish."""
        wish = members.post_wish(user=request.user, **self.data(s.WishCreateSerializer))
        return self.answer(wish, code=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=s.WishSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        """The resident withdraws a wish nobody has claimed."""
        return self.answer(members.withdraw_wish(user=request.user, wish=self.get_object()))

    @extend_schema(request=None, responses=s.WishSerializer)
    @action(detail=True, methods=["post"])
    def claim(self, request, pk=None):
        """A placed member of the community claims the wish (one member only)."""
        return self.answer(members.claim_wish(user=request.user, wish=self.get_object()))

    @extend_schema(request=s.ReasonSerializer, responses=s.WishSerializer)
    @action(detail=True, methods=["post"])
    def release(self, request, pk=None):
        """The claimer gives the wish back, with a reason."""
        wish = members.release_wish(
            user=request.user, wish=self.get_object(), **self.data(s.ReasonSerializer)
        )
        return self.answer(wish)

    @extend_schema(request=s.NoteSerializer, responses=s.WishSerializer)
    @action(detail=True, methods=["post"])
    def fulfil(self, request, pk=None):
        """The claimer says how the wish came true."""
        wish = members.fulfil_wish(
            user=request.user, wish=self.get_object(), **self.data(s.NoteSerializer)
        )
        return self.answer(wish)

    @extend_schema(request=None, responses=s.WishSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        """The resident confirms the wish came true."""
        return self.answer(members.confirm_wish(user=request.user, wish=self.get_object()))


class MobilisationViewSet(Base):
    """Household mobilisations of the caller's community, or of the nodes they hold."""

    queryset = Mobilisation.objects.all()
    serializer_class = s.MobilisationSerializer
    open_actions = {"create", "close"}

    @extend_schema(
        request=s.MobilisationCreateSerializer, responses={201: s.MobilisationSerializer}
    )
    def create(self, request, *args, **kwargs):
        """An office starts a mobilisation on a community, grid or building."""
        mobilisation = mobilising.start_mobilisation(
            by=request.user, **self.data(s.MobilisationCreateSerializer)
        )
        return self.answer(mobilisation, code=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=s.MobilisationSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """Close the mobilisation: no more nominations."""
        return self.answer(
            mobilising.close_mobilisation(by=request.user, mobilisation=self.get_object())
        )

    @extend_schema(responses=s.CoverageRowSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def coverage(self, request, pk=None):
        """Households and answers per building below the node (posts of the net only)."""
        mobilisation = self.get_object()
        if not request.user.has_perm("volunteers.view_nomination", mobilisation):
            raise PermissionDenied()
        return Response(s.CoverageRowSerializer(mobilising.coverage(mobilisation), many=True).data)


class NominationViewSet(Base):
    """Nominations: the caller's household's; those of the nodes a post holds."""

    queryset = Nomination.objects.all()
    serializer_class = s.NominationSerializer

    @extend_schema(request=s.NominateSerializer, responses={201: s.NominationSerializer})
    def create(self, request, *args, **kwargs):
        """Nominate the household's volunteer (its member, or a post of its building)."""
        nomination = mobilising.nominate(by=request.user, **self.data(s.NominateSerializer))
        return self.answer(nomination, code=status.HTTP_201_CREATED)
