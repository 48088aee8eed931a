"""Demo training for the demo resident's street: the year's annual course for its
community workers and grid members with a session held last week (attendance taken and
closed, the hours credited) and one next week; everyone of the audience is enrolled."""

import datetime

from django.utils import timezone

from grid.models import Post, Resident
from grid.permissions import Role

from . import services
from .models import Attendance, Course, CourseKind, Span

STATUSES = ["present", "present", "present", "late", "excused"]  # the sheet, in turn


def _at(days: int, hour: int) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def seed_demo_training() -> int:
    resident = (
        Resident.objects.filter(user__username="resident1")
        .select_related("household__building__grid__community__street")
        .first()
    )
    if resident is None:
        return 0
    street = resident.household.building.grid.community.street
    post = Post.objects.filter(role=Role.STREET_ADMIN, street=street, is_active=True).first()
    if post is None or Course.objects.filter(street=street).exists():
        return 0
    admin = post.user
    course = services.create_course(
        by=admin,
        node=street,
        title="社区工作者年度轮训：基层治理与为民服务",
        kind=CourseKind.ANNUAL,
        year=timezone.localdate().year,
        audience=[Role.COMMUNITY_WORKER, Role.GRID_MEMBER],
        capacity=200,
    )
    held = services.add_session(
        by=admin,
        course=course,
        starts_at=_at(-7, 9),
        ends_at=_at(-7, 12),
        span=Span.HALF_DAY,
        place="街道党群服务中心三楼报告厅",
        trainer="街道社会事务办",
    )
    services.add_session(
        by=admin,
        course=course,
        starts_at=_at(7, 14),
        ends_at=_at(7, 17),
        span=Span.HALF_DAY,
        place="街道党群服务中心三楼报告厅",
        trainer="县委党校",
    )
    services.enrol_audience(by=admin, course=course, node=street)
    enrolments = list(course.enrolments.order_by("id"))
    for number, enrolment in enumerate(enrolments):
        services.mark_attendance(
            by=admin,
            session=held,
            enrolment=enrolment,
            status=STATUSES[number % len(STATUSES)],
        )
    services.close_session(by=admin, session=held)
    return 3 + len(enrolments) + Attendance.objects.filter(session=held).count()
