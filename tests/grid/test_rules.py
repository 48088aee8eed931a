"""The request loop reads its numbers from the rule parameters (grid/rules.py): the
county admin changes one in admin and the next request follows it; a community may set
its own; the defaults were installed with their source."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from core.rules import rule
from core.rules.models import RuleValue
from core.rules.services import set_rule
from core.workdays.calendar import current_calendar
from grid import services
from grid.models import Category, ServiceRequest
from grid.rules import EXTENSION_MAX_DAYS, PHOTO_MAX_COUNT, REGISTER_LIMIT_HOURS


def submit(world, description="楼道灯坏了"):
    return services.submit_request(
        user=world.user("resident"),
        category=Category.objects.get(code="environment-rubbish"),
        description=description,
    )


def registration_hours(request) -> Decimal:
    """The working hours the request was given to be registered."""
    calendar = current_calendar()
    return calendar.working_hours_between(request.created_at, request.due_register_at)


def close_to(value, hours):
    return abs(value - Decimal(hours)) < Decimal("0.01")


def test_the_defaults_are_installed_with_their_source(db):
    row = RuleValue.objects.get(key=REGISTER_LIMIT_HOURS, scope="county")
    assert row.value == "1" and "53" in row.source_title
    assert rule(REGISTER_LIMIT_HOURS) == Decimal("1")


def test_the_county_admin_changes_the_register_limit_in_admin_and_new_requests_follow(
    world, client
):
    assert close_to(registration_hours(submit(world)), 1)
    admin_user = world.user("county_admin")
    client.force_login(admin_user)
    row = RuleValue.objects.get(key=REGISTER_LIMIT_HOURS, scope="county")
    page = client.get(f"/admin/rules/rulevalue/{row.pk}/change/")
    assert page.status_code == 200
    response = client.post(
        f"/admin/rules/rulevalue/{row.pk}/change/",
        {"value": "3", "source_title": "余姚市通知", "note": "", "_save": "save"},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert close_to(registration_hours(submit(world, "第二件")), 3)
    # A request submitted before the change keeps the limit it was given.
    assert close_to(registration_hours(ServiceRequest.objects.order_by("pk").first()), 1)


def test_a_bad_value_in_admin_is_refused_and_nothing_changes(world, client):
    client.force_login(world.user("county_admin"))
    row = RuleValue.objects.get(key=REGISTER_LIMIT_HOURS, scope="county")
    response = client.post(
        f"/admin/rules/rulevalue/{row.pk}/change/",
        {"value": "一小时", "source_title": "x", "note": "", "_save": "save"},
    )
    assert response.status_code == 200  # the form again, with its error
    assert rule(REGISTER_LIMIT_HOURS) == Decimal("1")


def test_a_community_sets_its_own_register_limit(world):
    community = world.communities[0]
    set_rule(
        key=REGISTER_LIMIT_HOURS,
        value="2",
        scope="community",
        scope_id=community.pk,
        source_title="城郊社区 2 工作时",
    )
    request = submit(world)
    expected = 2 if request.community_id == community.pk else 1
    assert close_to(registration_hours(request), expected)
    assert rule(REGISTER_LIMIT_HOURS, node=community) == Decimal("2")
    assert rule(REGISTER_LIMIT_HOURS, node=world.communities[-1]) == Decimal("1")


def test_the_extension_limit_follows_its_rule(world):
    request = ServiceRequest.objects.get()
    member = world.user("grid_member")
    services.register_request(user=member, request=request)
    set_rule(key=EXTENSION_MAX_DAYS, value="5", source_title="街道规定")
    with pytest.raises(ValidationError) as refused:
        services.apply_for(user=member, request=request, kind="extension", reason="等材料", days=6)
    assert "5" in str(refused.value)


def test_the_photo_count_follows_its_rule(db):
    set_rule(key=PHOTO_MAX_COUNT, value="1", source_title="测试")
    from grid.services.photos import max_photos

    assert max_photos() == 1


def test_a_rule_in_force_tomorrow_does_not_change_today(world):
    tomorrow = datetime.date.today() + datetime.timedelta(days=2)
    set_rule(key=REGISTER_LIMIT_HOURS, value="4", in_force_from=tomorrow, source_title="下月起")
    assert close_to(registration_hours(submit(world)), 1)
