"""Who sees which training records: the organiser's node, the worker's own post, oneself."""

import pytest

from training.models import Course, Enrolment, Rating

pytestmark = pytest.mark.django_db


def test_the_street_sees_its_courses_and_the_other_street_does_not(world):
    from .helpers import make_course

    course = make_course(world.streets[0])
    assert course in Course.objects.for_user(world.user("street_admin"))
    assert course not in Course.objects.for_user(world.user("other_street_admin"))
    # The posts below read the courses of their nodes.
    assert course in Course.objects.for_user(world.user("grid_member"))


def test_a_worker_sees_her_own_enrolment_and_her_secretary_sees_it(world):
    from training import services

    from .helpers import make_course

    course = make_course(world.streets[0])
    enrolment = services.enrol(
        by=world.user("street_admin"), course=course, user=world.user("grid_member")
    )
    assert list(Enrolment.objects.for_user(world.user("grid_member"))) == [enrolment]
    assert enrolment in Enrolment.objects.for_user(world.user("community_secretary"))
    assert not Enrolment.objects.for_user(world.user("other_street_admin")).exists()
    assert not Enrolment.objects.for_user(world.user("resident")).exists()


def test_nobody_lists_ratings_but_the_offices(world):
    assert not Rating.objects.for_user(world.user("resident")).exists()
    assert not Rating.objects.for_user(world.user("grid_member")).exists()
