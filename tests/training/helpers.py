"""Courses and sessions for the training tests, on the shared world."""

import datetime
from decimal import Decimal

from django.utils import timezone

from grid.models import Post
from grid.permissions import Role
from training.models import Course, CourseKind, Session, Span


def at(days=0, hour=9, minute=0) -> datetime.datetime:
    """``days`` from today at ``hour``:``minute`` local time; an hour past 23 runs into the
    next day (a session starting at 22:00 ends at 01:00), so the tests hold at any time."""
    day = timezone.localdate() + datetime.timedelta(days=days)
    midnight = datetime.datetime.combine(day, datetime.time(0, 0))
    return timezone.make_aware(midnight + datetime.timedelta(hours=hour, minutes=minute))


def make_course(node=None, *, kind=CourseKind.ANNUAL, capacity=30, audience=None, **extra):
    """A course written directly (the services' own tests create them through the service)."""
    course = Course(
        title=extra.pop("title", "社区工作者年度培训"),
        kind=kind,
        year=timezone.localdate().year,
        audience=audience if audience is not None else [Role.COMMUNITY_WORKER, Role.GRID_MEMBER],
        capacity=capacity,
        **extra,
    )
    if node is not None:
        setattr(course, node.tier.value, node)
    course.save()
    return course


def make_session(course, *, days=0, hour=9, span=Span.HALF_DAY, hours=Decimal(4)):
    session = Session.objects.create(
        course=course,
        starts_at=at(days, hour),
        ends_at=at(days, hour + 3),
        span=span,
        hours=hours,
        place="街道党群服务中心",
    )
    Course.objects.filter(pk=course.pk).update(hours=course.hours + hours)
    course.refresh_from_db()
    return session


def post_of(user) -> Post:
    return Post.objects.filter(user=user, is_active=True).first()
