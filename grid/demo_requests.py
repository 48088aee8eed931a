"""Demo service requests: a realistic spread per community (closed and rated, open,
overdue, re-handled), made through the services so their timelines are real."""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from . import services
from .models import Category, Post, Resident, ServiceRequest
from .permissions import Role

STORIES = [
    ("environment-rubbish", "楼道口堆放垃圾，气味很大", "closed", 5),
    ("environment-water", "小区北门雨后积水严重", "closed", 4),
    ("facility-light", "3幢旁边路灯不亮", "closed", 2),  # unsatisfied: re-handled
    ("property-service", "电梯厅保洁不及时", "in_progress", None),
    ("safety-fire", "消防通道被电瓶车堵住", "registered", None),
    ("dispute-neighbour", "楼上装修噪音影响休息", "submitted", None),
    ("environment-greenery", "绿化带被踩坏", "overdue", None),
    ("enquiry-policy", "咨询居家养老服务补贴", "closed", 5),
]


def _flow(story_state, request, member, resident_user, rating):
    if story_state == "submitted":
        return
    services.register_request(user=member, request=request)
    if story_state == "registered":
        return
    services.dispatch_request(user=member, request=request, handler_user=member)
    services.start_request(user=member, request=request)
    if story_state in ("in_progress", "overdue"):
        return
    services.handle_request(user=member, request=request, result="已现场处置，居民认可")
    services.close_request(user=member, request=request)
    if rating and resident_user is not None:
        services.evaluate_request(user=resident_user, request=request, rating=rating)


def seed_demo_requests() -> int:
    """Requests in every demo community that has none yet; returns how many were made."""
    made = 0
    User = get_user_model()
    categories = {c.code: c for c in Category.objects.filter(parent__isnull=False)}
    members = Post.objects.filter(role=Role.GRID_MEMBER, is_active=True).select_related("grid")
    for post in members:
        grid = post.grid
        if (
            grid.code[-3:] != "001"
            or ServiceRequest.objects.filter(community_id=grid.community_id).exists()
        ):
            continue
        member = User.objects.get(pk=post.user_id)
        residents = list(
            Resident.objects.filter(grid=grid, state=Resident.State.LIVING).select_related("user")[
                :8
            ]
        )
        for index, (code, text, state, rating) in enumerate(STORIES):
            reporter = residents[index % len(residents)]
            request = services.submit_request(
                user=member, category=categories[code], description=text, reporter=reporter
            )
            days_ago = 40 - index * 5
            created = timezone.now() - datetime.timedelta(days=days_ago)
            ServiceRequest.objects.filter(pk=request.pk).update(created_at=created)
            resident_user = reporter.user
            if rating and resident_user is None:
                # The reporter has no account: the grid member's phone return visit.
                rating = None
            _flow(state, request, member, resident_user, rating)
            if state == "overdue":
                ServiceRequest.objects.filter(pk=request.pk).update(
                    due_handle_at=timezone.now() - datetime.timedelta(days=2)
                )
            made += 1
    services.mark_overdue()
    return made
