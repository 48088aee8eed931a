"""The funding API: funds and their ledger, expenditures from request to
reconciliation, special-fund projects, disclosures (residents: their community's
published ones, with questions), admission applications (departments: their own) and
the tasks put on communities, venture calls. Every change goes through the services."""

import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import MethodNotAllowed
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from grid.api.filters import IdFilter, StrictFilterSet, YearFilter
from grid.api.scoped import ScopedModelViewSet

from .. import admission, disclosure, services
from ..models import (
    AdmissionApplication,
    Category,
    CommunityTask,
    Disclosure,
    Expenditure,
    Fund,
    LedgerEntry,
    Project,
    Source,
    VentureCall,
)
from ..permissions import DisclosurePerm
from . import serializers as s


class ServiceViewSet(ScopedModelViewSet):
    """Reads through the scoping; writes only through the actions below (services)."""

    http_method_names = ["get", "post", "head", "options"]

    def _input(self, serializer_class):
        serializer = serializer_class(data=self.request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def get_permissions(self):
        # The services check who may take each step (posts, bands, tiers).
        if self.action not in {"list", "retrieve"}:
            return [IsAuthenticated()]
        return super().get_permissions()

    def _reply(self, obj, serializer_class=None, code=status.HTTP_200_OK):
        return Response((serializer_class or self.serializer_class)(obj).data, status=code)


class ReadOnlyList(ServiceViewSet):
    http_method_names = ["get", "head", "options"]


class FundFilter(StrictFilterSet):
    community = IdFilter(field_name="community_id")
    street = IdFilter(field_name="street_id")
    source = django_filters.ChoiceFilter(choices=Source.choices)
    year = YearFilter()

    class Meta:
        model = Fund
        fields = ["community", "street", "source", "year"]


class FundViewSet(ReadOnlyList):
    """Funds by source and year (residents: their community's public accounts)."""

    queryset = Fund.objects.all()
    serializer_class = s.FundingFundSerializer
    filterset_class = FundFilter


class EntryFilter(StrictFilterSet):
    fund = IdFilter(field_name="fund_id")
    community = IdFilter(field_name="community_id")
    kind = django_filters.ChoiceFilter(choices=LedgerEntry.Kind.choices)
    date_from = django_filters.DateFilter(field_name="booked_on", lookup_expr="gte")
    date_to = django_filters.DateFilter(field_name="booked_on", lookup_expr="lte")

    class Meta:
        model = LedgerEntry
        fields = ["fund", "community", "kind", "date_from", "date_to"]


class EntryViewSet(ServiceViewSet):
    """The ledger: entries are never edited or deleted, only reversed."""

    queryset = LedgerEntry.objects.all()
    serializer_class = s.FundingEntrySerializer
    filterset_class = EntryFilter

    @extend_schema(exclude=True)
    def create(self, request, *args, **kwargs):
        raise MethodNotAllowed("POST")

    @property
    def allowed_methods(self):
        methods = super().allowed_methods
        if getattr(self, "action_map", {}).get("post") == "create":
            methods = [m for m in methods if m != "POST"]
        return methods

    @extend_schema(request=s.FundingReasonInput, responses={201: s.FundingEntrySerializer})
    @action(detail=True, methods=["post"])
    def reverse(self, request, pk=None):
        """Reverse the entry by a new one with a reason."""
        entry = services.reverse_entry(
            by=request.user, entry=self.get_object(), **self._input(s.FundingReasonInput)
        )
        return self._reply(entry, code=status.HTTP_201_CREATED)


class ExpenditureFilter(StrictFilterSet):
    fund = IdFilter(field_name="fund_id")
    project = IdFilter(field_name="project_id")
    community = IdFilter(field_name="community_id")
    state = django_filters.ChoiceFilter(choices=Expenditure.State.choices)
    category = django_filters.ChoiceFilter(choices=Category.choices)

    class Meta:
        model = Expenditure
        fields = ["fund", "project", "community", "state", "category"]


class ExpenditureViewSet(ServiceViewSet):
    """Expenditures: request → approval by the amount's band → payment → reconciliation."""

    queryset = Expenditure.objects.all()
    serializer_class = s.FundingExpenditureSerializer
    filterset_class = ExpenditureFilter

    @extend_schema(
        request=s.FundingExpenditureInput, responses={201: s.FundingExpenditureSerializer}
    )
    def create(self, request, *args, **kwargs):
        """Request an expenditure (the amount is committed at once)."""
        data = self._input(s.FundingExpenditureInput)
        expenditure = services.request_expenditure(by=request.user, **data)
        return self._reply(expenditure, code=status.HTTP_201_CREATED)

    @extend_schema(request=s.FundingNoteInput, responses=s.FundingExpenditureSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """Approve (by a post of the amount's band)."""
        data = self._input(s.FundingNoteInput)
        return self._reply(
            services.approve_expenditure(by=request.user, expenditure=self.get_object(), **data)
        )

    @extend_schema(request=s.FundingReasonInput, responses=s.FundingExpenditureSerializer)
    @action(detail=True, methods=["post"])
    def refuse(self, request, pk=None):
        """Refuse with a reason (the commitment is released)."""
        data = self._input(s.FundingReasonInput)
        return self._reply(
            services.refuse_expenditure(by=request.user, expenditure=self.get_object(), **data)
        )

    @extend_schema(request=s.FundingPayInput, responses=s.FundingExpenditureSerializer)
    @action(detail=True, methods=["post"])
    def pay(self, request, pk=None):
        """Pay an approved expenditure (invoice photos attached on the workbench first)."""
        data = self._input(s.FundingPayInput)
        return self._reply(
            services.pay_expenditure(by=request.user, expenditure=self.get_object(), **data)
        )

    @extend_schema(request=s.FundingNoteInput, responses=s.FundingExpenditureSerializer)
    @action(detail=True, methods=["post"])
    def reconcile(self, request, pk=None):
        """Reconcile a paid expenditure."""
        data = self._input(s.FundingNoteInput)
        return self._reply(
            services.reconcile_expenditure(by=request.user, expenditure=self.get_object(), **data)
        )


class ProjectFilter(StrictFilterSet):
    fund = IdFilter(field_name="fund_id")
    community = IdFilter(field_name="community_id")
    state = django_filters.ChoiceFilter(choices=Project.State.choices)

    class Meta:
        model = Project
        fields = ["fund", "community", "state"]


class ProjectViewSet(ServiceViewSet):
    """Special-fund projects, from the needs to the public notice."""

    queryset = Project.objects.all()
    serializer_class = s.FundingProjectSerializer
    filterset_class = ProjectFilter

    @extend_schema(request=s.FundingProjectInput, responses={201: s.FundingProjectSerializer})
    def create(self, request, *args, **kwargs):
        """Propose a project (a forbidden category is refused with the rule cited)."""
        project = services.propose_project(by=request.user, **self._input(s.FundingProjectInput))
        return self._reply(project, code=status.HTTP_201_CREATED)

    @extend_schema(request=s.FundingDecisionInput, responses=s.FundingProjectSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        """Attach the two committees' minutes and vote."""
        data = self._input(s.FundingDecisionInput)
        return self._reply(
            services.record_decision(by=request.user, project=self.get_object(), **data)
        )

    @extend_schema(request=s.FundingNoteInput, responses=s.FundingProjectSerializer)
    @action(detail=True, methods=["post"], url_path="file")
    def file_it(self, request, pk=None):
        """The street reviews and files the project (its budget is committed)."""
        data = self._input(s.FundingNoteInput)
        return self._reply(
            services.file_project(by=request.user, project=self.get_object(), **data)
        )

    @extend_schema(request=s.FundingAcceptInput, responses=s.FundingProjectSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        """Accept the finished work (what it did not spend returns to the fund)."""
        data = self._input(s.FundingAcceptInput)
        return self._reply(
            services.accept_project(by=request.user, project=self.get_object(), **data)
        )


class DisclosureFilter(StrictFilterSet):
    community = IdFilter(field_name="community_id")
    area = django_filters.ChoiceFilter(choices=Disclosure.Area.choices)
    state = django_filters.ChoiceFilter(choices=Disclosure.State.choices)

    class Meta:
        model = Disclosure
        fields = ["community", "area", "state"]


class DisclosureViewSet(ServiceViewSet):
    """Disclosures (三务公开) with their versions; residents see the published ones of
    their community and ask questions."""

    queryset = Disclosure.objects.prefetch_related("versions")
    serializer_class = s.FundingDisclosureSerializer
    filterset_class = DisclosureFilter

    def get_queryset(self):
        queryset = super().get_queryset()
        if getattr(self, "swagger_fake_view", False):
            return queryset
        if not self.request.user.has_perm(DisclosurePerm.VIEW):
            queryset = queryset.filter(state=Disclosure.State.PUBLISHED)
        return queryset

    @extend_schema(exclude=True)
    def create(self, request, *args, **kwargs):
        raise MethodNotAllowed("POST")

    @property
    def allowed_methods(self):
        methods = super().allowed_methods
        if getattr(self, "action_map", {}).get("post") == "create":
            methods = [m for m in methods if m != "POST"]
        return methods

    @extend_schema(request=s.FundingAskInput, responses={201: s.FundingQuestionSerializer})
    @action(detail=True, methods=["post"])
    def ask(self, request, pk=None):
        """Ask a question on the disclosure (answered publicly)."""
        data = self._input(s.FundingAskInput)
        question = disclosure.ask(user=request.user, disclosure=self.get_object(), **data)
        return self._reply(question, s.FundingQuestionSerializer, status.HTTP_201_CREATED)


class ApplicationFilter(StrictFilterSet):
    state = django_filters.ChoiceFilter(choices=AdmissionApplication.State.choices)

    class Meta:
        model = AdmissionApplication
        fields = ["state"]


class ApplicationViewSet(ServiceViewSet):
    """Departments' applications for admission of work (a department sees its own)."""

    queryset = AdmissionApplication.objects.prefetch_related("targets")
    serializer_class = s.FundingApplicationSerializer
    filterset_class = ApplicationFilter

    @extend_schema(
        request=s.FundingApplicationInput, responses={201: s.FundingApplicationSerializer}
    )
    def create(self, request, *args, **kwargs):
        """Apply: refused without funding per community (费随事转)."""
        application = admission.submit_application(
            by=request.user, **self._input(s.FundingApplicationInput)
        )
        return self._reply(application, code=status.HTTP_201_CREATED)

    @extend_schema(
        request=s.FundingAdmissionDecisionInput, responses=s.FundingApplicationSerializer
    )
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        """The joint meeting's decision, within the review period."""
        data = self._input(s.FundingAdmissionDecisionInput)
        return self._reply(admission.decide(by=request.user, application=self.get_object(), **data))

    @extend_schema(request=s.FundingExtendInput, responses=s.FundingApplicationSerializer)
    @action(detail=True, methods=["post"])
    def extend(self, request, pk=None):
        """Extend the review period with a reason."""
        data = self._input(s.FundingExtendInput)
        return self._reply(
            admission.extend_review(by=request.user, application=self.get_object(), **data)
        )


class TaskFilter(StrictFilterSet):
    community = IdFilter(field_name="community_id")
    state = django_filters.ChoiceFilter(choices=CommunityTask.State.choices)

    class Meta:
        model = CommunityTask
        fields = ["community", "state"]


class TaskViewSet(ServiceViewSet):
    """Tasks put on communities: admitted with a number and money, or refused."""

    queryset = CommunityTask.objects.all()
    serializer_class = s.FundingTaskSerializer
    filterset_class = TaskFilter

    @extend_schema(exclude=True)
    def create(self, request, *args, **kwargs):
        raise MethodNotAllowed("POST")

    @property
    def allowed_methods(self):
        methods = super().allowed_methods
        if getattr(self, "action_map", {}).get("post") == "create":
            methods = [m for m in methods if m != "POST"]
        return methods

    @extend_schema(request=None, responses=s.FundingTaskSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        """Confirm the transfer received (booked into the community's ledger)."""
        return self._reply(admission.confirm_transfer(by=request.user, task=self.get_object()))

    @extend_schema(request=s.FundingTaskRefuseInput, responses=s.FundingTaskSerializer)
    @action(detail=True, methods=["post"])
    def refuse(self, request, pk=None):
        """Refuse a task without an admission number or without funding."""
        data = self._input(s.FundingTaskRefuseInput)
        return self._reply(admission.refuse_task(by=request.user, task=self.get_object(), **data))


class CallViewSet(ReadOnlyList):
    """Public-benefit venture calls."""

    queryset = VentureCall.objects.all()
    serializer_class = s.FundingCallSerializer
