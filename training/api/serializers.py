from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.apiinput import RULE, StrictInputMixin
from grid.models import Community, Grid, Post, Street
from grid.scoping import restrict_related_choices

from ..compliance import WORKER_ROLES
from ..models import (
    MAX_CAPACITY,
    Assessment,
    Attendance,
    Campaign,
    Compliance,
    Course,
    CourseKind,
    Enrolment,
    GradeRecord,
    Ladder,
    Nomination,
    Qualification,
    Session,
    Span,
)


class ScopedInput(StrictInputMixin, serializers.Serializer):
    """Input whose ids are limited to what the caller may see (else a 422)."""

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None:
            restrict_related_choices(fields, request.user)
        return fields


class TrainingSessionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Session
        fields = [
            "id",
            "course",
            "starts_at",
            "ends_at",
            "span",
            "hours",
            "place",
            "online_link",
            "trainer",
            "state",
        ]
        read_only_fields = fields

    online_link = serializers.CharField(read_only=True)


class TrainingCourseSerializer(serializers.ModelSerializer):
    organiser = serializers.CharField(source="organiser_name", read_only=True)
    places_left = serializers.IntegerField(read_only=True)

    class Meta:
        model = Course
        fields = [
            "id",
            "title",
            "kind",
            "year",
            "organiser",
            "street",
            "community",
            "audience",
            "assessment",
            "pass_mark",
            "capacity",
            "enrolled",
            "places_left",
            "hours",
            "open_enrolment",
            "skill",
            "state",
        ]
        read_only_fields = fields


class TrainingCourseInput(ScopedInput):
    street = serializers.PrimaryKeyRelatedField(
        queryset=Street.objects.all(), required=False, allow_null=True, default=None
    )
    community = serializers.PrimaryKeyRelatedField(
        queryset=Community.objects.all(), required=False, allow_null=True, default=None
    )
    title = serializers.CharField(max_length=100)
    kind = serializers.ChoiceField(choices=CourseKind.choices)
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    audience = serializers.ListField(
        child=serializers.ChoiceField(choices=[(r.value, r.label) for r in WORKER_ROLES]),
        required=False,
        default=list,
        max_length=len(WORKER_ROLES),
    )
    assessment = serializers.ChoiceField(choices=Assessment.choices, default=Assessment.NONE)
    pass_mark = serializers.IntegerField(
        min_value=1, max_value=100, required=False, allow_null=True, default=None
    )
    capacity = serializers.IntegerField(min_value=1, max_value=MAX_CAPACITY, default=50)
    open_enrolment = serializers.BooleanField(default=False)
    skill = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")


class TrainingSessionInput(StrictInputMixin, serializers.Serializer):
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    span = serializers.ChoiceField(choices=Span.choices)
    hours = serializers.DecimalField(
        max_digits=4, decimal_places=1, min_value=0, max_value=24, required=False, allow_null=True
    )
    place = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    online_link = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default=""
    )
    trainer = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")

    def validate_online_link(self, value):
        if value:
            try:
                URLValidator(schemes=["http", "https"])(value)
            except DjangoValidationError:
                raise serializers.ValidationError(
                    _("Enter a web address such as https://…"), code=RULE
                ) from None
        return value


class TrainingEnrolInput(ScopedInput):
    """Enrol one worker (by their post), or every worker of the audience under a node."""

    post = serializers.PrimaryKeyRelatedField(
        queryset=Post.objects.all(), required=False, allow_null=True, default=None
    )
    community = serializers.PrimaryKeyRelatedField(
        queryset=Community.objects.all(), required=False, allow_null=True, default=None
    )
    grid = serializers.PrimaryKeyRelatedField(
        queryset=Grid.objects.all(), required=False, allow_null=True, default=None
    )


class TrainingEnrolResultSerializer(serializers.Serializer):
    enrolled = serializers.IntegerField()
    waitlisted = serializers.IntegerField()
    skipped = serializers.IntegerField()


class TrainingEnrolmentSerializer(serializers.ModelSerializer):
    course_title = serializers.CharField(source="course.title", read_only=True)
    learner = serializers.SerializerMethodField()
    certificate_number = serializers.CharField(
        source="certificate.number", read_only=True, default=None, allow_null=True
    )

    class Meta:
        model = Enrolment
        fields = [
            "id",
            "course",
            "course_title",
            "learner",
            "post",
            "state",
            "score",
            "passed",
            "hours_credited",
            "completed_on",
            "certificate_number",
            "makeup_for",
            "reason",
            "enrolled_at",
        ]
        read_only_fields = fields

    def get_learner(self, enrolment) -> str:
        user = enrolment.user
        return user.display_name or user.username


class TrainingReasonInput(StrictInputMixin, serializers.Serializer):
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class TrainingCompleteInput(StrictInputMixin, serializers.Serializer):
    score = serializers.IntegerField(min_value=0, max_value=100, required=False, allow_null=True)
    passed = serializers.BooleanField(required=False, allow_null=True, default=None)


class TrainingCheckInInput(StrictInputMixin, serializers.Serializer):
    code = serializers.CharField(max_length=12)


class TrainingMarkInput(StrictInputMixin, serializers.Serializer):
    enrolment = serializers.IntegerField(min_value=1, max_value=2**53)
    status = serializers.ChoiceField(choices=Attendance.Status.choices)


class TrainingAttendanceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Attendance
        fields = ["id", "enrolment", "session", "status", "method", "on", "hours"]
        read_only_fields = fields


class TrainingCodeSerializer(serializers.Serializer):
    code = serializers.CharField()
    url = serializers.CharField()
    expires_in = serializers.IntegerField()


class TrainingComplianceSerializer(serializers.ModelSerializer):
    worker = serializers.SerializerMethodField()
    role = serializers.CharField(source="post.role", read_only=True)

    class Meta:
        model = Compliance
        fields = [
            "id",
            "worker",
            "role",
            "year",
            "quota",
            "hours",
            "needs",
            "status",
            "street",
            "community",
            "computed_at",
        ]
        read_only_fields = fields

    def get_worker(self, row) -> str:
        return row.user.display_name or row.user.username


class TrainingBoardSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    total = serializers.IntegerField()
    counts = serializers.DictField(child=serializers.IntegerField())
    shares = serializers.DictField(child=serializers.DecimalField(max_digits=5, decimal_places=0))


class TrainingQualificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Qualification
        fields = ["id", "user", "post", "level", "number", "registered_on", "expires_on"]
        read_only_fields = fields


class TrainingQualificationInput(ScopedInput):
    post = serializers.PrimaryKeyRelatedField(queryset=Post.objects.all())
    level = serializers.ChoiceField(choices=Qualification.Level.choices)
    registered_on = serializers.DateField()
    number = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")


class TrainingGradeSerializer(serializers.ModelSerializer):
    class Meta:
        model = GradeRecord
        fields = ["id", "user", "post", "ladder", "grade", "since", "reason", "approved_by"]
        read_only_fields = fields


class TrainingGradeInput(ScopedInput):
    post = serializers.PrimaryKeyRelatedField(queryset=Post.objects.all())
    ladder = serializers.ChoiceField(choices=Ladder.choices)
    grade = serializers.IntegerField(min_value=1, max_value=18)
    reason = serializers.CharField(max_length=200)
    since = serializers.DateField(required=False, allow_null=True, default=None)


class TrainingNominationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Nomination
        fields = ["id", "user", "post", "reason", "plan", "state", "created_at"]
        read_only_fields = fields


class TrainingNominationInput(ScopedInput):
    post = serializers.PrimaryKeyRelatedField(queryset=Post.objects.all())
    reason = serializers.CharField(max_length=200)
    plan = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class TrainingDecideInput(StrictInputMixin, serializers.Serializer):
    accept = serializers.BooleanField()


class TrainingCampaignSerializer(serializers.ModelSerializer):
    class Meta:
        model = Campaign
        fields = ["id", "community", "title", "year", "state", "created_at"]
        read_only_fields = fields


class TrainingCampaignInput(ScopedInput):
    community = serializers.PrimaryKeyRelatedField(queryset=Community.objects.all())
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    title = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")


class TrainingRateInput(StrictInputMixin, serializers.Serializer):
    post = serializers.IntegerField(min_value=1, max_value=2**53)
    score = serializers.IntegerField(min_value=1, max_value=5)
    comment = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class TrainingWorkerResultSerializer(serializers.Serializer):
    name = serializers.CharField()
    count = serializers.IntegerField()
    average = serializers.DecimalField(max_digits=4, decimal_places=2)


class TrainingResultsSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    average = serializers.DecimalField(max_digits=4, decimal_places=2, allow_null=True)
    workers = TrainingWorkerResultSerializer(many=True)
