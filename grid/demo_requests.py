"""Demo service requests: a realistic spread per community (closed and rated, open,
overdue, re-handled, rated by a phone return visit, with the property company asking for
an extension), made through the services so their timelines are real."""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from . import services
from .models import Category, Post, Resident, ReturnVisit, ServiceRequest
from .permissions import Role

Outcome = ReturnVisit.Outcome

STORIES = [
    ("environment-rubbish", "楼道口堆放垃圾，气味很大", "closed", 5),
    ("environment-water", "小区北门雨后积水严重", "closed", 4),
    ("facility-light", "3幢旁边路灯不亮", "closed", 2),  # unsatisfied: re-handled
    ("property-service", "电梯厅保洁不及时", "in_progress", None),
    ("safety-fire", "消防通道被电瓶车堵住", "registered", None),
    ("dispute-neighbour", "楼上装修噪音影响休息", "submitted", None),
    ("environment-greenery", "绿化带被踩坏", "overdue", None),
    ("enquiry-policy", "咨询居家养老服务补贴", "closed", 5),
    # with the property company, which asks the community for three more working days
    ("facility-elevator", "2幢电梯经常停在半层", "extension", None),
]


def _with_the_company(request, member):
    """Dispatched to the building's property company, whose manager starts and asks the
    community for an extension (pending: the community worker decides it)."""
    company = request.building.property_company if request.building_id else None
    post = (
        Post.objects.filter(handling_unit=company, role=Role.UNIT_STAFF, is_active=True)
        .select_related("user")
        .first()
    )
    if post is None:
        return
    services.dispatch_request(user=member, request=request, handler_unit=company)
    services.start_request(user=post.user, request=request)
    services.apply_for(
        user=post.user, request=request, kind="extension", reason="需厂家更换控制板", days=3
    )


def _flow(story_state, request, member, resident_user, rating):
    if story_state == "submitted":
        return
    services.register_request(user=member, request=request)
    if story_state == "registered":
        return
    if story_state == "extension":
        return _with_the_company(request, member)
    services.dispatch_request(user=member, request=request, handler_user=member)
    services.start_request(user=member, request=request)
    if story_state in ("in_progress", "overdue"):
        return
    services.handle_request(user=member, request=request, result="已现场处置，居民认可")
    services.close_request(user=member, request=request)
    if rating and resident_user is not None:
        services.evaluate_request(user=resident_user, request=request, rating=rating)
    elif rating:  # the reporter has no account: the grid member's phone return visit
        outcome = {5: Outcome.SATISFIED, 4: Outcome.BASIC}.get(rating, Outcome.UNSATISFIED)
        services.record_return_visit(user=member, request=request, outcome=outcome, note="电话回访")


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
            _flow(state, request, member, resident_user, rating)
            if state == "overdue":
                ServiceRequest.objects.filter(pk=request.pk).update(
                    due_handle_at=timezone.now() - datetime.timedelta(days=2)
                )
            made += 1
    services.mark_overdue()
    return made
