"""Reads of training that the pages and the API share."""

from django.http import Http404

from .models import Enrolment, Session


def session_for(user, pk) -> Session:
    """A session the user may see, or one of a course they are enrolled in (a county
    course's learner checks in too); else 404, like a missing one."""
    session = Session.objects.for_user(user).select_related("course").filter(pk=pk).first()
    if session is None:
        mine = Enrolment.objects.for_user(user).filter(user_id=user.pk).values("course_id")
        session = Session.objects.select_related("course").filter(pk=pk, course_id__in=mine).first()
    if session is None:
        raise Http404
    return session
