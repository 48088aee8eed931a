"""Units and property companies on the net (共驻共建): the directory, two-way claiming of
needs and offers, deliveries, and residents' requests for a unit's resource."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from community import services
from community.models import (
    Commitment,
    CommunityNeed,
    ResourceRequest,
    Unit,
    UnitResource,
)
from community.querysets import requests_to_answer
from community.services import acting_units
from core.timeline import Conflict
from grid.scoping import OutOfScope

from .helpers import resident_user


@pytest.fixture
def company(world):
    return Unit.objects.get(name="阳光物业")


@pytest.fixture
def room(company):
    return UnitResource.objects.get(unit=company, kind="room")


@pytest.fixture
def offer(company):
    return UnitResource.objects.get(unit=company, is_offered=True)


def evening(days=3, hour=19):
    day = timezone.localdate() + datetime.timedelta(days=days)
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))
    return start, start + datetime.timedelta(hours=2)


def test_residents_see_their_communitys_directory_only(world, company):
    seen = set(Unit.objects.for_user(world.user("resident")).values_list("name", flat=True))
    assert seen == {"阳光物业"}
    assert not Unit.objects.for_user(world.user("outsider")).exists()
    assert not Unit.objects.for_user(world.user("other_street_admin")).filter(pk=company.pk)
    assert Unit.objects.for_user(world.user("county_admin")).count() == 2


def test_the_office_registers_a_unit_linked_to_its_handling_unit(world):
    worker = world.user("community_worker")
    school = services.register_unit(
        by=worker, community=world.communities[0], name="第二中学", kind="school"
    )
    assert school.community_id == world.communities[0].pk
    with pytest.raises(Conflict):
        services.register_unit(
            by=worker, community=world.communities[0], name="第二中学", kind="school"
        )
    with pytest.raises(ValidationError):
        services.register_unit(by=worker, community=world.communities[0], name="", kind="x")
    with pytest.raises(OutOfScope):
        services.register_unit(
            by=worker, community=world.communities[2], name="别人的", kind="enterprise"
        )
    with pytest.raises(PermissionDenied):
        services.register_unit(
            by=world.user("resident"), community=world.communities[0], name="我的", kind="other"
        )


def test_the_property_companys_staff_act_for_it_through_the_handling_unit(world, company):
    staff = world.user("unit_staff")
    assert services.may_act_for(staff, company)
    assert list(acting_units(staff)) == [company]
    school = Unit.objects.get(name="实验小学")
    assert not services.may_act_for(staff, school)
    assert not services.may_act_for(world.user("resident"), company)
    # A guardian grant names staff for a unit without a handling unit.
    teacher = resident_user(world.households[0], "teacher")
    services.grant_unit_staff(by=world.user("other_street_admin"), unit=school, user=teacher)
    assert services.may_act_for(teacher, school)
    assert not services.may_act_for(teacher, company)
    with pytest.raises(PermissionDenied):
        services.grant_unit_staff(by=world.user("community_worker"), unit=school, user=teacher)


def test_a_unit_claims_a_need_once(world, company):
    need = services.post_need(
        by=world.user("community_secretary"),
        community=world.communities[0],
        title="周末托管",
        description="双职工家庭孩子周末托管。",
    )
    pledge = services.claim_need(by=world.user("unit_staff"), unit=company, need=need)
    assert pledge.side == "unit" and pledge.title == "周末托管"
    need.refresh_from_db()
    assert need.state == CommunityNeed.State.CLAIMED
    with pytest.raises(Conflict):
        services.claim_need(by=world.user("community_worker"), unit=company, need=need)
    with pytest.raises(PermissionDenied):
        services.claim_need(by=world.user("resident"), unit=company, need=need)


def test_a_need_of_another_community_is_refused(world):
    school = Unit.objects.get(name="实验小学")
    need = CommunityNeed.objects.get(title="老人助餐点需要场地")
    with pytest.raises(ValidationError):
        services.claim_need(by=world.user("other_street_admin"), unit=school, need=need)


def test_the_community_claims_an_offer_and_the_delivery_meets_it(world, company, offer):
    worker = world.user("community_worker")
    pledge = services.claim_offer(by=worker, offer=offer)
    assert pledge.side == "community"
    with pytest.raises(Conflict):
        services.claim_offer(by=world.user("community_secretary"), offer=offer)
    with pytest.raises(PermissionDenied):
        services.claim_offer(by=world.user("unit_staff"), offer=offer)
    services.record_delivery(
        by=world.user("unit_staff"), commitment=pledge, what="修好12户水管", people=12, done=True
    )
    pledge.refresh_from_db()
    assert pledge.state == Commitment.State.DELIVERED
    with pytest.raises(Conflict):
        services.record_delivery(by=worker, commitment=pledge, what="再修")


def test_a_delivery_in_the_future_or_with_bad_numbers_is_refused(world):
    pledge = Commitment.objects.get(title="提供助餐场地")
    staff = world.user("unit_staff")
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    for bad in ({"delivered_on": tomorrow}, {"people": -1}, {"people": 10**9}, {"what": ""}):
        kwargs = {"what": "x", **bad}
        with pytest.raises(ValidationError):
            services.record_delivery(by=staff, commitment=pledge, **kwargs)
    assert pledge.deliveries.count() == 1


def test_a_resident_requests_the_room_the_unit_accepts_and_delivers(world, room):
    resident = world.user("resident")
    start, end = evening()
    asked = services.request_resource(
        by=resident,
        resource=room,
        purpose="楼道议事会",
        for_group="象棋角",
        starts_at=start,
        ends_at=end,
    )
    assert asked.requester_name.endswith("*")
    staff = world.user("unit_staff")
    assert requests_to_answer(staff).filter(pk=asked.pk).exists()
    assert not requests_to_answer(world.user("resident")).exists()
    services.accept_request(by=staff, request=asked, answer="钥匙在门卫")
    services.deliver_request(by=staff, request=asked)
    asked.refresh_from_db()
    assert asked.state == ResourceRequest.State.DELIVERED
    with pytest.raises(Conflict):
        services.decline_request(by=staff, request=asked, answer="晚了")


def test_an_overlapping_time_is_never_accepted_twice(world, room):
    start, end = evening()
    first = services.request_resource(
        by=world.user("resident"), resource=room, purpose="甲", starts_at=start, ends_at=end
    )
    neighbour = resident_user(world.households[1], "neighbour")
    second = services.request_resource(
        by=neighbour,
        resource=room,
        purpose="乙",
        starts_at=start + datetime.timedelta(hours=1),
        ends_at=end + datetime.timedelta(hours=1),
    )
    staff = world.user("unit_staff")
    services.accept_request(by=staff, request=first)
    with pytest.raises(Conflict):
        services.accept_request(by=staff, request=second)
    with pytest.raises(Conflict):  # once accepted, the time is refused when asking
        services.request_resource(
            by=neighbour, resource=room, purpose="丙", starts_at=start, ends_at=end
        )
    services.decline_request(by=staff, request=second, answer="时间冲突")
    # Back to back is not an overlap.
    services.request_resource(
        by=neighbour,
        resource=room,
        purpose="丁",
        starts_at=end,
        ends_at=end + datetime.timedelta(hours=1),
    )


@pytest.mark.parametrize(
    "times",
    [
        (None, None),
        ("past", None),
        ("reversed", None),
        ("too_long", None),
        ("far", None),
    ],
)
def test_bad_times_are_refused(world, room, times):
    start, end = evening()
    kind = times[0]
    if kind == "past":
        start, end = start - datetime.timedelta(days=30), end - datetime.timedelta(days=30)
    elif kind == "reversed":
        start, end = end, start
    elif kind == "too_long":
        end = start + datetime.timedelta(hours=30)
    elif kind == "far":
        start, end = start + datetime.timedelta(days=800), end + datetime.timedelta(days=800)
    elif kind is None:
        start = end = None
    with pytest.raises(ValidationError):
        services.request_resource(
            by=world.user("resident"), resource=room, purpose="x", starts_at=start, ends_at=end
        )


def test_only_residents_of_the_community_request_and_only_the_requester_cancels(world, room, offer):
    with pytest.raises(PermissionDenied):
        services.request_resource(by=world.user("outsider"), resource=offer, purpose="x")
    asked = services.request_resource(
        by=world.user("resident"), resource=offer, purpose="修水管\x00"[:3]
    )
    assert asked.starts_at is None
    with pytest.raises(PermissionDenied):
        services.cancel_request(by=world.user("unit_staff"), request=asked)
    with pytest.raises(PermissionDenied):
        services.accept_request(by=world.user("other_street_admin"), request=asked)
    services.cancel_request(by=world.user("resident"), request=asked)
    with pytest.raises(ValidationError):
        services.request_resource(by=world.user("resident"), resource=offer, purpose="a\x00b")
