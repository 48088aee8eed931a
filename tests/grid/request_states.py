"""Requests in known states, walked through the services (shared by the list, KPI,
public-request and return-visit tests)."""

from grid import services
from grid.models import Category, ServiceRequest


def category(code="environment-rubbish"):
    return Category.objects.get(code=code)


def submit(world, *, resident=0, description="楼道堆物", code="environment-rubbish", public=None):
    """A request of ``world.residents[resident]`` (recorded by the county admin unless
    it is the verified resident's own)."""
    if resident == 0:
        return services.submit_request(
            user=world.user("resident"),
            category=category(code),
            description=description,
            is_public=public,
        )
    return services.submit_request(
        user=world.user("county_admin"),
        category=category(code),
        description=description,
        reporter=world.residents[resident],
        is_public=public,
    )


def walk(world, request, to="closed", worker="county_admin", unit=None):
    """Move ``request`` along the loop up to ``to`` (registered, dispatched,
    in_progress, handled, closed)."""
    user = world.user(worker)
    steps = ["registered", "dispatched", "in_progress", "handled", "closed"]
    for step in steps[: steps.index(to) + 1]:
        if step == "registered":
            request = services.register_request(user=user, request=request)
        elif step == "dispatched":
            if unit is not None:
                request = services.dispatch_request(user=user, request=request, handler_unit=unit)
            else:
                request = services.dispatch_request(user=user, request=request, handler_user=user)
        elif step == "in_progress":
            request = services.start_request(user=user, request=request)
        elif step == "handled":
            request = services.handle_request(user=user, request=request, result="已处理")
        else:
            request = services.close_request(user=user, request=request)
    return ServiceRequest.objects.get(pk=request.pk)
