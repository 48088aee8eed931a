"""A course is never overbooked and nobody holds a place twice or checks in twice, under
real concurrent connections on PostgreSQL (skipped on SQLite, whose writes are serial)."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.utils import timezone

from core.checkin import current_code
from grid.models import Post
from grid.permissions import Role
from training import services
from training.models import Attendance, Course, Enrolment

from ..factories import UserFactory, attach, build_world
from .helpers import make_course, make_session

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="real concurrent connections: PostgreSQL"
    ),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def run_together(callables):
    barrier = threading.Barrier(len(callables))
    outcomes = [None] * len(callables)

    def worker(index, call):
        try:
            barrier.wait(timeout=30)
            outcomes[index] = ("ok", call())
        except ValidationError as exc:
            outcomes[index] = ("refused", " ".join(exc.messages))
        except Exception as exc:  # noqa: BLE001  (reported by the assertion below)
            outcomes[index] = ("error", repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i, c)) for i, c in enumerate(callables)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def test_twenty_workers_race_for_three_places():
    world = build_world()
    course = make_course(world.streets[0], capacity=3, open_enrolment=True)
    make_session(course, days=5)
    users = []
    for n in range(20):
        user = UserFactory(username=f"learner{n}")
        attach(Role.COMMUNITY_WORKER, user, world.communities[0])
        users.append(user)
    outcomes = run_together([lambda u=u: services.enrol(by=u, course=course) for u in users])
    kinds = [kind for kind, _detail in outcomes]
    assert "error" not in kinds, outcomes
    assert kinds.count("ok") == 20
    course.refresh_from_db()
    assert course.enrolled == 3 == Enrolment.objects.filter(course=course, state="enrolled").count()
    assert Enrolment.objects.filter(course=course, state="waitlisted").count() == 17


def test_one_worker_scanning_ten_times_checks_in_once():
    world = build_world()
    course = make_course(world.streets[0])
    session = make_session(course, days=0, hour=timezone.localtime().hour)
    user = world.user("community_worker")
    Enrolment.objects.create(course=course, user=user, post=Post.objects.get(user=user))
    Course.objects.filter(pk=course.pk).update(enrolled=1)
    code = current_code(services.CHECKIN_PURPOSE, session.pk)
    outcomes = run_together([lambda: services.check_in(user=user, session=session, code=code)] * 10)
    kinds = [kind for kind, _detail in outcomes]
    assert "error" not in kinds, outcomes
    assert kinds.count("ok") == 1
    assert Attendance.objects.filter(session=session).count() == 1
    enrolment = Enrolment.objects.get(course=course, user=user)
    assert enrolment.hours_credited == 4
