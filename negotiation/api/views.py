"""The consultation API: every resource scoped by grid's base classes; every step is a
service call (refusals: 403 out of the caller's hands, 409 the state, 422 the rules)."""

import django_filters
from django.contrib.auth import get_user_model
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from grid.api.filters import IdFilter, StrictFilterSet
from grid.api.scoped import ScopedModelViewSet

from .. import services
from ..models import (
    AgendaItem,
    HouseholdArea,
    Meeting,
    Objection,
    Proxy,
    Resolution,
    Task,
    Topic,
    Vote,
)
from . import serializers as s

# The steps anyone signed in may try: the service decides (a resident of the node, the
# office of the community, the supervision committee …).
OPEN_STEPS = {
    "create",
    "review",
    "support",
    "open",
    "sign_in",
    "quorum",
    "minutes",
    "close",
    "countersign",
    "proxy",
    "revoke_proxy",
    "cast",
    "paper",
    "differences",
    "reconcile",
    "settle",
    "tally",
    "sign_off",
    "ballots",
    "object",
    "answer",
    "tasks",
    "progress",
    "rate",
}


class ServiceViewSet(ScopedModelViewSet):
    http_method_names = ["get", "post", "head", "options"]

    def get_permissions(self):
        if self.action in OPEN_STEPS:
            return [IsAuthenticated()]
        return super().get_permissions()

    def _input(self, serializer_class):
        serializer = serializer_class(data=self.request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)


def _user(pk):
    return get_object_or_404(get_user_model(), pk=pk, is_active=True)


class TopicFilter(StrictFilterSet):
    state = django_filters.ChoiceFilter(choices=Topic.State.choices)
    community = IdFilter(field_name="community_id")
    building = IdFilter(field_name="building_id")

    class Meta:
        model = Topic
        fields = ["state", "community", "building"]


class TopicViewSet(ServiceViewSet):
    """Topics raised for consultation (residents: their community's)."""

    queryset = Topic.objects.select_related("proposer")
    serializer_class = s.TopicSerializer
    filterset_class = TopicFilter

    @extend_schema(request=s.ProposeSerializer, responses={201: s.TopicSerializer})
    def create(self, request, *args, **kwargs):
        """Propose a topic on a building, a grid or a community."""
        data = self._input(s.ProposeSerializer)
        if "node" not in data:
            data["node"] = None
        topic = services.propose_topic(user=request.user, **data)
        return Response(s.TopicSerializer(topic).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.ReviewSerializer, responses=s.TopicSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        """Accept, merge, refer to the request loop, or reject, with a reason."""
        topic = services.review_topic(
            by=request.user, topic=self.get_object(), **self._input(s.ReviewSerializer)
        )
        return Response(s.TopicSerializer(topic).data)

    @extend_schema(request=None, responses=s.TopicSerializer)
    @action(detail=True, methods=["post"])
    def support(self, request, pk=None):
        """Support the topic (one per household)."""
        topic = services.support_topic(user=request.user, topic=self.get_object())
        return Response(s.TopicSerializer(topic).data)


class MeetingFilter(StrictFilterSet):
    state = django_filters.ChoiceFilter(choices=Meeting.State.choices)
    topic = IdFilter(field_name="topic_id")

    class Meta:
        model = Meeting
        fields = ["state", "topic"]


class MeetingViewSet(ServiceViewSet):
    """Consultation meetings: agenda, sign-in, proxies, minutes."""

    queryset = Meeting.objects.prefetch_related("items")
    serializer_class = s.MeetingSerializer
    filterset_class = MeetingFilter

    @extend_schema(request=s.ConveneSerializer, responses={201: s.MeetingSerializer})
    def create(self, request, *args, **kwargs):
        """Convene a meeting on a topic or a node; the invited groups are told."""
        data = self._input(s.ConveneSerializer)
        meeting = services.convene_meeting(by=request.user, **data)
        return Response(s.MeetingSerializer(meeting).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=s.MeetingSerializer)
    @action(detail=True, methods=["post"])
    def open(self, request, pk=None):
        """Open the session (proxies are fixed from here on)."""
        meeting = services.open_meeting(by=request.user, meeting=self.get_object())
        return Response(s.MeetingSerializer(meeting).data)

    @extend_schema(request=s.SignInSerializer, responses={201: s.AttendanceSerializer})
    @action(detail=True, methods=["post"], url_path="sign-in")
    def sign_in(self, request, pk=None):
        """Sign in: yourself (QR in the room, or online), or a person by the clerk."""
        data = self._input(s.SignInSerializer)
        attendee = _user(data.pop("attendee")) if "attendee" in data else None
        attendance = services.sign_in(
            by=request.user, meeting=self.get_object(), attendee=attendee, **data
        )
        return Response(s.AttendanceSerializer(attendance).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=s.QuorumSerializer)
    @action(detail=True, methods=["get"])
    def quorum(self, request, pk=None):
        """Present in the room, online and by proxy, against the quorum."""
        return Response(services.meeting_quorum(self.get_object()))

    @extend_schema(request=s.MinutesSerializer, responses=s.AgendaItemSerializer)
    @action(detail=True, methods=["post"])
    def minutes(self, request, pk=None):
        """The minutes of one agenda item."""
        meeting = self.get_object()
        data = self._input(s.MinutesSerializer)
        item = get_object_or_404(AgendaItem, meeting=meeting, pk=data.pop("item"))
        item = services.record_minutes(by=request.user, item=item, **data)
        return Response(s.AgendaItemSerializer(item).data)

    @extend_schema(request=None, responses=s.MeetingSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """Close the meeting."""
        meeting = services.close_meeting(by=request.user, meeting=self.get_object())
        return Response(s.MeetingSerializer(meeting).data)

    @extend_schema(request=None, responses=s.MeetingSerializer)
    @action(detail=True, methods=["post"])
    def countersign(self, request, pk=None):
        """The supervision committee countersigns and publishes the minutes."""
        meeting = services.countersign_minutes(by=request.user, meeting=self.get_object())
        return Response(s.MeetingSerializer(meeting).data)

    @extend_schema(request=s.ProxyInput, responses={201: s.ProxySerializer})
    @action(detail=True, methods=["post"])
    def proxy(self, request, pk=None):
        """Give a written proxy for this meeting to another verified resident."""
        holder = _user(self._input(s.ProxyInput)["holder"])
        proxy = services.give_proxy(user=request.user, holder=holder, meeting=self.get_object())
        return Response(s.ProxySerializer(proxy).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.ProxyRevokeInput, responses=s.ProxySerializer)
    @action(detail=True, methods=["post"], url_path="revoke-proxy")
    def revoke_proxy(self, request, pk=None):
        """Revoke your proxy (until the meeting opens)."""
        meeting = self.get_object()
        proxy = get_object_or_404(
            Proxy, pk=self._input(s.ProxyRevokeInput)["proxy"], meeting=meeting, giver=request.user
        )
        return Response(
            s.ProxySerializer(services.revoke_proxy(user=request.user, proxy=proxy)).data
        )


class VoteFilter(StrictFilterSet):
    state = django_filters.ChoiceFilter(choices=Vote.State.choices)
    meeting = IdFilter(field_name="meeting_id")
    topic = IdFilter(field_name="topic_id")

    class Meta:
        model = Vote
        fields = ["state", "meeting", "topic"]


class VoteViewSet(ServiceViewSet):
    """Votes with their rules in words; the result once signed off."""

    queryset = Vote.objects.prefetch_related("options")
    serializer_class = s.VoteSerializer
    filterset_class = VoteFilter

    @extend_schema(request=s.CreateVoteSerializer, responses={201: s.VoteSerializer})
    def create(self, request, *args, **kwargs):
        """Create a vote (a Civil Code preset, its rules editable)."""
        data = self._input(s.CreateVoteSerializer)
        if "rules" in data:
            data["rules"] = dict(data["rules"])
        vote = services.create_vote(by=request.user, **data)
        return Response(s.VoteSerializer(vote).data, status=status.HTTP_201_CREATED)

    def _step(self, step):
        vote = step(by=self.request.user, vote=self.get_object())
        return Response(s.VoteSerializer(vote).data)

    @extend_schema(request=None, responses=s.VoteSerializer)
    @action(detail=True, methods=["post"])
    def open(self, request, pk=None):
        """Open the vote: the electorate is counted."""
        return self._step(services.open_vote)

    @extend_schema(request=None, responses=s.VoteSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """Close the vote."""
        return self._step(services.close_vote)

    @extend_schema(request=None, responses=s.VoteSerializer)
    @action(detail=True, methods=["post"])
    def tally(self, request, pk=None):
        """Count by the database (refused while paper ballots differ)."""
        return self._step(services.tally_vote)

    @extend_schema(request=None, responses=s.VoteSerializer)
    @action(detail=True, methods=["post"], url_path="sign-off")
    def sign_off(self, request, pk=None):
        """The supervision committee signs the tally off; the result is published."""
        return self._step(services.sign_off_vote)

    @extend_schema(request=s.CastSerializer, responses={201: s.BallotReceiptSerializer})
    @action(detail=True, methods=["post"])
    def cast(self, request, pk=None):
        """Vote (online or in the meeting), or cast the ballot of the person whose proxy
        you hold (``giver``): one ballot per voter on every channel."""
        data = self._input(s.CastSerializer)
        giver = _user(data.pop("giver")) if "giver" in data else None
        ballot = services.cast_ballot(
            user=request.user, vote=self.get_object(), giver=giver, **data
        )
        return Response(
            {"id": ballot.pk, "channel": ballot.channel, "at": ballot.at},
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(request=s.PaperSerializer, responses={201: None})
    @action(detail=True, methods=["post"])
    def paper(self, request, pk=None):
        """One clerk's entry of a paper ballot."""
        services.enter_paper(
            by=request.user, vote=self.get_object(), **self._input(s.PaperSerializer)
        )
        return Response(status=status.HTTP_201_CREATED)

    @extend_schema(responses=s.DifferenceSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def differences(self, request, pk=None):
        """Paper ballots not yet reconciled."""
        vote = self.get_object()
        if not request.user.has_perm("negotiation.change_vote", vote):
            raise PermissionDenied
        return Response(services.paper_differences(vote))

    @extend_schema(request=None, responses=s.ReconcileSerializer)
    @action(detail=True, methods=["post"])
    def reconcile(self, request, pk=None):
        """Store the paper ballots both clerks entered alike."""
        return Response(services.reconcile_paper(by=request.user, vote=self.get_object()))

    @extend_schema(request=s.PaperSerializer, responses={204: None})
    @action(detail=True, methods=["post"])
    def settle(self, request, pk=None):
        """Settle a paper difference by the option found on the paper."""
        services.settle_paper(
            by=request.user, vote=self.get_object(), **self._input(s.PaperSerializer)
        )
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(responses=s.PublishedBallotSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def ballots(self, request, pk=None):
        """Who voted (a secret ballot), or who and how (an open one), once published."""
        return Response(services.published_ballots(self.get_object()))

    @extend_schema(request=s.ProxyInput, responses={201: s.ProxySerializer})
    @action(detail=True, methods=["post"])
    def proxy(self, request, pk=None):
        """Give a written proxy for this vote (until it opens)."""
        holder = _user(self._input(s.ProxyInput)["holder"])
        proxy = services.give_proxy(user=request.user, holder=holder, vote=self.get_object())
        return Response(s.ProxySerializer(proxy).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.ProxyRevokeInput, responses=s.ProxySerializer)
    @action(detail=True, methods=["post"], url_path="revoke-proxy")
    def revoke_proxy(self, request, pk=None):
        """Revoke your proxy (until the vote opens)."""
        vote = self.get_object()
        proxy = get_object_or_404(
            Proxy, pk=self._input(s.ProxyRevokeInput)["proxy"], vote=vote, giver=request.user
        )
        return Response(
            s.ProxySerializer(services.revoke_proxy(user=request.user, proxy=proxy)).data
        )


class ResolutionFilter(StrictFilterSet):
    state = django_filters.ChoiceFilter(choices=Resolution.State.choices)

    class Meta:
        model = Resolution
        fields = ["state"]


class ResolutionViewSet(ServiceViewSet):
    """Resolutions: public notice, objections, tasks, acceptance."""

    queryset = Resolution.objects.prefetch_related("tasks", "objections")
    serializer_class = s.ResolutionSerializer
    filterset_class = ResolutionFilter

    @extend_schema(request=s.PublishSerializer, responses={201: s.ResolutionSerializer})
    def create(self, request, *args, **kwargs):
        """Publish the resolution of a passed vote for public notice."""
        resolution = services.publish_resolution(
            by=request.user, **self._input(s.PublishSerializer)
        )
        return Response(s.ResolutionSerializer(resolution).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.TextSerializer, responses={201: s.ObjectionSerializer})
    @action(detail=True, methods=["post"])
    def object(self, request, pk=None):
        """Object while the notice runs."""
        objection = services.object_to(
            user=request.user, resolution=self.get_object(), **self._input(s.TextSerializer)
        )
        return Response(s.ObjectionSerializer(objection).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.AnswerSerializer, responses=s.ObjectionSerializer)
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        """Answer an objection publicly."""
        data = self._input(s.AnswerSerializer)
        objection = get_object_or_404(Objection, pk=data["objection"], resolution=self.get_object())
        objection = services.answer_objection(
            by=request.user, objection=objection, text=data["text"]
        )
        return Response(s.ObjectionSerializer(objection).data)

    @extend_schema(request=s.TaskInput, responses={201: s.TaskSerializer})
    @action(detail=True, methods=["post"])
    def tasks(self, request, pk=None):
        """Add an implementation task with its owner and deadline."""
        task = services.add_task(
            by=request.user, resolution=self.get_object(), **self._input(s.TaskInput)
        )
        return Response(s.TaskSerializer(task).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.ProgressInput, responses={201: s.TaskSerializer})
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def progress(self, request, pk=None):
        """A milestone of a task (progress in percent, a photo)."""
        data = self._input(s.ProgressInput)
        task = get_object_or_404(Task, pk=data.pop("task"), resolution=self.get_object())
        services.report_progress(by=request.user, task=task, **data)
        task.refresh_from_db()
        return Response(s.TaskSerializer(task).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.RateInput, responses={201: None})
    @action(detail=True, methods=["post"])
    def rate(self, request, pk=None):
        """Rate the result (one per household)."""
        services.rate_result(
            user=request.user, resolution=self.get_object(), **self._input(s.RateInput)
        )
        return Response(status=status.HTTP_201_CREATED)


class AreaViewSet(ServiceViewSet):
    """Floor areas owners' households carry in area-weighted votes."""

    queryset = HouseholdArea.objects.all()
    serializer_class = s.AreaSerializer

    @extend_schema(request=s.AreaInput, responses={201: s.AreaSerializer})
    def create(self, request, *args, **kwargs):
        """Record (or correct) a household's floor area."""
        row = services.set_area(by=request.user, **self._input(s.AreaInput))
        return Response(s.AreaSerializer(row).data, status=status.HTTP_201_CREATED)
