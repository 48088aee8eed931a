"""Training in the shared world: the first street's annual course with one session, the
community worker enrolled and present; her compliance, qualification, grade, a
nomination, the first community's appraisal campaign and one rating of the grid member."""

import datetime
from decimal import Decimal

from training.models import (
    Attendance,
    Campaign,
    Compliance,
    Enrolment,
    GradeRecord,
    Nomination,
    Qualification,
    Rating,
)

from .helpers import make_course, make_session, post_of


def extend_world(world) -> None:
    street = world.streets[0]
    course = make_course(street)
    session = make_session(course, days=-1)
    worker = world.users["community_worker"]
    post = post_of(worker)
    enrolment = Enrolment.objects.create(course=course, user=worker, post=post)
    type(course).objects.filter(pk=course.pk).update(enrolled=1)
    Attendance.objects.create(
        enrolment=enrolment,
        session=session,
        user=worker,
        status="present",
        method="qr",
        on=session.starts_at.date(),
        hours=Decimal(4),
    )
    Compliance.objects.create(
        user=worker, post=post, year=course.year, quota=32, hours=4, status="behind"
    )
    Qualification.objects.create(
        user=worker,
        post=post,
        level="assistant",
        registered_on=datetime.date(2024, 3, 1),
        expires_on=datetime.date(2027, 3, 1),
    )
    GradeRecord.objects.create(
        user=worker,
        post=post,
        ladder="other",
        grade=3,
        since=datetime.date(2024, 1, 1),
        reason="入职",
    )
    Nomination.objects.create(
        user=worker, post=post, reason="表现突出", nominated_by=world.users["community_secretary"]
    )
    community = world.communities[0]
    campaign = Campaign.objects.create(community=community, year=course.year, title="年度测评")
    grid_member = world.users["grid_member"]
    Rating.objects.create(
        worker=grid_member,
        post=post_of(grid_member),
        rater=world.users["resident"],
        campaign=campaign,
        source="campaign",
        score=5,
    )
