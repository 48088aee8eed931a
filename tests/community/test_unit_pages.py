"""The units-on-the-net pages, phone first: the directory, a unit's page, a request and
its answer, claiming, deliveries; out of scope is a 404, bad input a message."""

import datetime

import pytest
from django.utils import timezone

from community.models import Commitment, CommunityNeed, ResourceRequest, Unit, UnitResource


@pytest.fixture
def company(world):
    return Unit.objects.get(name="阳光物业")


def as_user(client, world, name):
    client.force_login(world.user(name))
    return client


def test_a_resident_reads_the_directory_with_the_phone_masked(client, world, company):
    as_user(client, world, "resident")
    page = client.get("/community/units/")
    assert page.status_code == 200 and "阳光物业".encode() in page.content
    assert "实验小学".encode() not in page.content
    detail = client.get(f"/community/units/{company.pk}/")
    assert detail.status_code == 200
    assert b"138****1234" in detail.content and b"13800001234" not in detail.content
    assert "二楼会议室".encode() in detail.content


def test_another_communitys_unit_is_a_404(client, world):
    school = Unit.objects.get(name="实验小学")
    as_user(client, world, "resident")
    assert client.get(f"/community/units/{school.pk}/").status_code == 404
    assert client.post(f"/community/units/{school.pk}/request/", {}).status_code == 404
    client.logout()
    assert client.get("/community/units/").status_code == 302


def test_request_answer_and_cancel_through_the_pages(client, world, company):
    room = UnitResource.objects.get(unit=company, kind="room")
    start = timezone.localtime() + datetime.timedelta(days=2)
    as_user(client, world, "resident")
    page = client.post(
        f"/community/units/{company.pk}/request/",
        {
            "resource": room.pk,
            "purpose": "棋赛",
            "starts_at": start.strftime("%Y-%m-%dT19:00"),
            "ends_at": start.strftime("%Y-%m-%dT21:00"),
        },
    )
    assert page.status_code == 302
    asked = ResourceRequest.objects.get(purpose="棋赛")
    as_user(client, world, "unit_staff")
    listing = client.get("/community/units/requests/")
    assert "棋赛".encode() in listing.content
    client.post(f"/community/units/requests/{asked.pk}/accept/", {"answer": "好"})
    asked.refresh_from_db()
    assert asked.state == "accepted"
    as_user(client, world, "resident")
    client.post(f"/community/units/requests/{asked.pk}/cancel/")
    asked.refresh_from_db()
    assert asked.state == "cancelled"


@pytest.mark.parametrize(
    "data",
    [
        {"resource": "x", "purpose": "a"},
        {"resource": "99999999999999999", "purpose": "a"},
        {"purpose": "\x00"},
        {"starts_at": "2026-13-45T99:99", "ends_at": "nonsense", "purpose": "a"},
    ],
)
def test_bad_input_is_a_message_and_changes_nothing(client, world, company, data):
    room = UnitResource.objects.get(unit=company, kind="room")
    data = {"resource": room.pk, **data}
    as_user(client, world, "resident")
    before = ResourceRequest.objects.count()
    page = client.post(f"/community/units/{company.pk}/request/", data, follow=True)
    assert page.status_code in (200, 400)  # the input guard answers NUL bytes with 400
    assert ResourceRequest.objects.count() == before


def test_the_office_posts_a_need_the_unit_claims_it_and_records_delivery(client, world, company):
    as_user(client, world, "community_worker")
    client.post(
        "/community/units/",
        {"community": world.communities[0].pk, "title": "儿童托管", "description": "暑假两周"},
    )
    need = CommunityNeed.objects.get(title="儿童托管")
    as_user(client, world, "unit_staff")
    page = client.get(f"/community/units/{company.pk}/")
    assert "儿童托管".encode() in page.content and b"13800001234" in page.content
    client.post(f"/community/units/{company.pk}/claim-need/", {"need": need.pk})
    pledge = Commitment.objects.get(need=need)
    client.post(
        f"/community/units/{company.pk}/deliver/",
        {"commitment": pledge.pk, "what": "托管两周", "people": "25", "done": "1"},
    )
    pledge.refresh_from_db()
    assert pledge.state == "delivered" and pledge.deliveries.get().people == 25
    # The resident cannot claim or deliver.
    as_user(client, world, "resident")
    client.post(
        f"/community/units/{company.pk}/deliver/",
        {"commitment": Commitment.objects.get(title="提供助餐场地").pk, "what": "x"},
    )
    assert Commitment.objects.get(title="提供助餐场地").deliveries.count() == 1


def test_the_office_claims_an_offer(client, world, company):
    offer = UnitResource.objects.get(unit=company, is_offered=True)
    as_user(client, world, "community_secretary")
    client.post(f"/community/units/{company.pk}/claim-offer/", {"resource": offer.pk})
    assert Commitment.objects.filter(offer=offer, side="community").count() == 1
