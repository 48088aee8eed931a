"""The units-on-the-net API: scoped lists, masked phones, the actions through the
services, bad input a translated 4xx that changes nothing."""

import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from community.models import CommunityNeed, ResourceRequest, Unit, UnitResource


@pytest.fixture
def api():
    return APIClient()


def as_user(api, world, name):
    api.force_authenticate(world.user(name))
    return api


def test_residents_list_their_communitys_units_with_masked_phones(api, world):
    data = as_user(api, world, "resident").get("/api/v1/community/units/").json()
    rows = data.get("results", data)
    assert [r["name"] for r in rows] == ["阳光物业"]
    assert rows[0]["contact_phone"] == "138****1234"
    staff = as_user(api, world, "unit_staff").get("/api/v1/community/units/").json()
    assert staff.get("results", staff)[0]["contact_phone"] == "13800001234"
    assert (
        as_user(api, world, "outsider").get("/api/v1/community/units/").json().get("results", [])
        == []
    )


def test_no_create_on_read_lists(api, world):
    as_user(api, world, "community_worker")
    assert api.post("/api/v1/community/units/", {}, format="json").status_code == 405


def test_request_accept_and_a_second_overlap_is_a_conflict(api, world):
    room = UnitResource.objects.get(name="二楼会议室")
    start = timezone.now() + datetime.timedelta(days=3)
    body = {
        "purpose": "棋赛",
        "starts_at": start.isoformat(),
        "ends_at": (start + datetime.timedelta(hours=2)).isoformat(),
    }
    as_user(api, world, "resident")
    made = api.post(f"/api/v1/community/unit-resources/{room.pk}/request/", body, format="json")
    assert made.status_code == 201, made.content
    as_user(api, world, "unit_staff")
    accepted = api.post(
        f"/api/v1/community/unit-requests/{made.json()['id']}/accept/", {}, format="json"
    )
    assert accepted.status_code == 200 and accepted.json()["state"] == "accepted"
    as_user(api, world, "resident")
    again = api.post(f"/api/v1/community/unit-resources/{room.pk}/request/", body, format="json")
    assert again.status_code == 409


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"purpose": ""},
        {"purpose": "x", "starts_at": "not a date"},
        {"purpose": "x", "extra": 1},
        {"purpose": "x" * 301},
    ],
)
def test_bad_input_is_a_4xx_and_changes_nothing(api, world, body):
    room = UnitResource.objects.get(name="二楼会议室")
    before = ResourceRequest.objects.count()
    as_user(api, world, "resident")
    answer = api.post(f"/api/v1/community/unit-resources/{room.pk}/request/", body, format="json")
    assert 400 <= answer.status_code < 500
    assert ResourceRequest.objects.count() == before


def test_the_office_posts_a_need_and_the_unit_claims_it(api, world):
    as_user(api, world, "community_worker")
    made = api.post(
        "/api/v1/community/needs/",
        {"community": world.communities[0].pk, "title": "助浴", "description": "每周一次"},
        format="json",
    )
    assert made.status_code == 201
    company = Unit.objects.get(name="阳光物业")
    as_user(api, world, "unit_staff")
    claimed = api.post(
        f"/api/v1/community/units/{company.pk}/claim-need/",
        {"need": made.json()["id"]},
        format="json",
    )
    assert claimed.status_code == 201
    assert CommunityNeed.objects.get(pk=made.json()["id"]).state == "claimed"
    again = api.post(
        f"/api/v1/community/units/{company.pk}/claim-need/",
        {"need": made.json()["id"]},
        format="json",
    )
    assert again.status_code == 409
    as_user(api, world, "other_street_admin")
    far = api.post(
        "/api/v1/community/needs/",
        {"community": world.communities[0].pk, "title": "x", "description": "y"},
        format="json",
    )
    assert far.status_code == 422


def test_out_of_scope_is_404(api, world):
    school = Unit.objects.get(name="实验小学")
    as_user(api, world, "resident")
    assert api.get(f"/api/v1/community/units/{school.pk}/").status_code == 404
