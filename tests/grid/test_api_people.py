"""People through the API: masking, reveals, movements, verification."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from grid.models import Household, Movement, PersonalDataAccess, Resident, VerificationRequest

from ..factories import HouseholdFactory, ResidentFactory, fictional_id_number


def _rows(response):
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_lists_mask_id_numbers_and_phones(world, api_client):
    api_client.force_authenticate(world.user("community_worker"))
    rows = _rows(api_client.get("/api/v1/residents/"))
    assert rows
    for row in rows:
        assert "********" in row["id_number"] and row["id_number"][:6] == "330281"
        assert "****" in row["phone"]


def test_reveal_shows_whole_and_logs(world, api_client, _no_whole_id_number_leaves_the_portal):
    resident = world.residents[0]
    api_client.force_authenticate(world.user("grid_member"))
    response = api_client.get(
        f"/api/v1/residents/{resident.pk}/", {"reveal": "id_number,phone"}, REMOTE_ADDR="10.1.2.3"
    )
    assert response.status_code == 200
    assert response.json()["id_number"] == resident.id_number
    assert response.json()["phone"] == resident.phone
    assert response["Cache-Control"] == "no-store"
    log = PersonalDataAccess.objects.filter(resident=resident).order_by("field")
    assert [(e.user.username, e.field, e.address) for e in log] == [
        ("grid_member", "id_number", "10.1.2.3"),
        ("grid_member", "phone", "10.1.2.3"),
    ]


def test_reveal_needs_the_permission(world, api_client):
    api_client.force_authenticate(world.user("building_leader"))
    response = api_client.get(
        f"/api/v1/residents/{world.residents[0].pk}/", {"reveal": "id_number"}
    )
    assert response.status_code == 403
    assert not PersonalDataAccess.objects.exists()


def test_reveal_of_an_unknown_field_is_400(world, api_client):
    api_client.force_authenticate(world.user("grid_member"))
    response = api_client.get(f"/api/v1/residents/{world.residents[0].pk}/", {"reveal": "notes"})
    assert response.status_code == 400
    assert not PersonalDataAccess.objects.exists()


def test_access_log_is_append_only(world):
    from django.core.exceptions import ValidationError

    entry = PersonalDataAccess.objects.create(
        user=world.users["grid_member"], resident=world.residents[0], field="phone"
    )
    with pytest.raises(ValidationError):
        entry.save()
    with pytest.raises(ValidationError):
        entry.delete()


@pytest.mark.parametrize(
    "term, expected",
    [
        ("last4", 1),
        ("whole", 1),
        ("phone", 1),
        ("居民", 4),
    ],
)
def test_search_by_id_last_four_whole_phone_or_name(world, api_client, term, expected):
    resident = world.residents[0]
    query = {
        "last4": resident.id_number[-4:],
        "whole": resident.id_number,
        "phone": resident.phone,
        "居民": "居民",
    }[term]
    api_client.force_authenticate(world.user("grid_member"))
    rows = _rows(api_client.get("/api/v1/residents/", {"q": query}))
    assert len(rows) >= expected
    if term != "居民":
        assert [r["id"] for r in rows] == [resident.pk]
    else:
        assert {r["id"] for r in rows} == set(
            Resident.objects.for_user(world.user("grid_member")).values_list("pk", flat=True)
        )


def test_search_stays_in_scope(world, api_client):
    other = world.residents[6]  # another grid
    api_client.force_authenticate(world.user("grid_member"))
    assert _rows(api_client.get("/api/v1/residents/", {"q": other.id_number[-4:]})) == []


def test_resident_reads_only_their_household(world, api_client):
    api_client.force_authenticate(world.user("resident"))
    own = world.households[0]
    assert {r["id"] for r in _rows(api_client.get("/api/v1/households/"))} == {own.pk}
    residents = {r["id"] for r in _rows(api_client.get("/api/v1/residents/"))}
    assert residents == {world.residents[0].pk, world.residents[1].pk}
    assert api_client.get(f"/api/v1/households/{world.households[1].pk}/").status_code == 404
    assert api_client.get(f"/api/v1/residents/{world.residents[2].pk}/").status_code == 404
    # Residents read; they do not edit the roster.
    response = api_client.patch(f"/api/v1/households/{own.pk}/", {"room": "999"}, format="json")
    assert response.status_code == 403


def test_grid_member_adds_a_household_and_resident(world, api_client):
    api_client.force_authenticate(world.user("grid_member"))
    building = world.buildings[0]
    response = api_client.post(
        "/api/v1/households/",
        {
            "building": building.pk,
            "unit": 2,
            "room": "302",
            "kind": "rented",
            "tags": ["elderly_alone"],
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    household = Household.objects.get(pk=response.json()["id"])
    assert household.grid_id == building.grid_id and household.street_id == building.street_id
    number = fictional_id_number(9001)
    response = api_client.post(
        "/api/v1/residents/",
        {
            "household": household.pk,
            "name": "新居民",
            "gender": "male",
            "birth_date": f"{number[6:10]}-{number[10:12]}-{number[12:14]}",
            "id_number": number,
            "phone": "13700001111",
            "relation": "head",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["id_number"] != number
    assert Resident.objects.get(id_number=number).building_id == building.pk


@pytest.mark.parametrize(
    "field, value, status",
    [
        ("id_number", "330281199001011234", 422),  # wrong check digit: the format is right
        ("id_number", "33028119901301123X", 422),  # month 13
        ("id_number", "3302811990", 400),
        ("phone", "12345678901", 400),
        ("phone", "1380013800", 400),
        ("name", "x\x00y", 400),
        ("birth_date", "1990-02-30", 400),
    ],
)
def test_bad_resident_input_is_a_clear_refusal(world, api_client, field, value, status):
    api_client.force_authenticate(world.user("grid_member"))
    payload = {
        "household": world.households[0].pk,
        "name": "某某",
        "gender": "male",
        "birth_date": "1990-01-01",
        "id_number": fictional_id_number(9100),
        "phone": "13700001111",
        field: value,
    }
    before = Resident.objects.count()
    response = api_client.post("/api/v1/residents/", payload, format="json")
    assert response.status_code == status
    # a NUL is refused by the input guard before the serializer: one message, "detail"
    assert field in response.json() or ("\x00" in value and response.json()["detail"])
    assert Resident.objects.count() == before


def test_duplicate_id_number_is_refused(world, api_client):
    api_client.force_authenticate(world.user("grid_member"))
    payload = {
        "household": world.households[0].pk,
        "name": "重复",
        "gender": "male",
        "birth_date": "1990-01-01",
        "id_number": world.residents[0].id_number,
    }
    response = api_client.post("/api/v1/residents/", payload, format="json")
    assert response.status_code == 409 and "id_number" in response.json()


def test_household_in_another_grid_is_not_a_choice(world, api_client):
    api_client.force_authenticate(world.user("grid_member"))
    response = api_client.post(
        "/api/v1/households/",
        {"building": world.buildings[4].pk, "unit": 1, "room": "909"},
        format="json",
    )
    assert response.status_code == 422 and "building" in response.json()


def test_movements_change_state_and_keep_history(world, api_client):
    api_client.force_authenticate(world.user("grid_member"))
    resident = world.residents[1]
    target = HouseholdFactory(building=world.buildings[1], unit=1, room="202")
    response = api_client.post(
        "/api/v1/movements/",
        {
            "resident": resident.pk,
            "kind": "transfer",
            "date": "2026-01-05",
            "to_household": target.pk,
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    resident.refresh_from_db()
    assert resident.household_id == target.pk and resident.building_id == world.buildings[1].pk
    response = api_client.post(
        "/api/v1/movements/",
        {"resident": resident.pk, "kind": "move_out", "date": "2026-02-01"},
        format="json",
    )
    assert response.status_code == 201
    resident.refresh_from_db()
    assert resident.state == "moved_out"
    kinds = list(
        Movement.objects.filter(resident=resident).order_by("date").values_list("kind", flat=True)
    )
    assert kinds == ["transfer", "move_out"]
    # Moving out twice is refused with a message, nothing changes.
    response = api_client.post(
        "/api/v1/movements/",
        {"resident": resident.pk, "kind": "move_out", "date": "2026-02-02"},
        format="json",
    )
    assert response.status_code == 409 and response.json()["detail"]
    assert Movement.objects.filter(resident=resident).count() == 2
    # Residents are never deleted.
    assert api_client.delete(f"/api/v1/residents/{resident.pk}/").status_code in (403, 405)
    assert Resident.objects.filter(pk=resident.pk).exists()


def test_future_movement_is_refused(world, api_client):
    api_client.force_authenticate(world.user("grid_member"))
    future = (datetime.date.today() + datetime.timedelta(days=3)).isoformat()
    response = api_client.post(
        "/api/v1/movements/",
        {"resident": world.residents[1].pk, "kind": "death", "date": future},
        format="json",
    )
    assert response.status_code == 422


def test_verification_flow_through_the_api(world, api_client):
    applicant_request = VerificationRequest.objects.get(user=world.users["applicant"])
    # A building leader of another building does not see it.
    api_client.force_authenticate(world.user("grid_member"))
    pending = _rows(api_client.get("/api/v1/verification-requests/", {"state": "pending"}))
    assert [r["id"] for r in pending] == [applicant_request.pk]
    assert "****" in pending[0]["phone"]
    response = api_client.post(
        f"/api/v1/verification-requests/{applicant_request.pk}/confirm/", {}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "confirmed"
    resident = world.residents[1]
    resident.refresh_from_db()
    assert resident.user_id == world.users["applicant"].pk
    # Now the applicant reads their household.
    api_client.force_authenticate(world.user("applicant"))
    assert {r["id"] for r in _rows(api_client.get("/api/v1/households/"))} == {
        world.households[0].pk
    }
    # Deciding twice is refused.
    api_client.force_authenticate(world.user("grid_member"))
    response = api_client.post(
        f"/api/v1/verification-requests/{applicant_request.pk}/decline/",
        {"reason": "x"},
        format="json",
    )
    assert response.status_code == 409


def test_a_resident_asks_for_a_household_and_is_declined(world, api_client):
    from ..factories import UserFactory

    user = UserFactory(username="13800009999")
    api_client.force_authenticate(user)
    response = api_client.post(
        "/api/v1/verification-requests/",
        {
            "building": world.buildings[2].pk,
            "unit": 1,
            "room": "101",
            "name": "不存在",
            "phone": "13800009999",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    request_id = response.json()["id"]
    again = api_client.post(
        "/api/v1/verification-requests/",
        {
            "building": world.buildings[2].pk,
            "unit": 1,
            "room": "101",
            "name": "不存在",
            "phone": "13800009999",
        },
        format="json",
    )
    assert again.status_code == 409
    # The grid member of another grid cannot decide it; its own can.
    api_client.force_authenticate(world.user("grid_member"))
    assert (
        api_client.post(
            f"/api/v1/verification-requests/{request_id}/decline/", {"reason": "x"}
        ).status_code
        == 404
    )
    api_client.force_authenticate(world.user("community_worker"))
    response = api_client.post(
        f"/api/v1/verification-requests/{request_id}/confirm/", {}, format="json"
    )
    assert response.status_code == 422  # nobody of that name in the room
    response = api_client.post(
        f"/api/v1/verification-requests/{request_id}/decline/",
        {"reason": "查无此人"},
        format="json",
    )
    assert response.status_code == 200 and response.json()["state"] == "declined"


@pytest.mark.parametrize(
    "endpoint", ["residents", "households", "party-members", "movements", "verification-requests"]
)
def test_people_list_query_count_does_not_grow_with_page_size(world, api_client, endpoint):
    for i in range(50):
        household = HouseholdFactory(building=world.buildings[0], unit=2, room=f"{500 + i}")
        ResidentFactory(household=household)
        VerificationRequest.objects.create(
            user=__import__("tests.factories", fromlist=["UserFactory"]).UserFactory(),
            building=world.buildings[0],
            unit=1,
            room=str(i),
            name="x",
            phone="13900000002",
        )
    api_client.force_authenticate(world.user("community_secretary"))
    api_client.get(f"/api/v1/{endpoint}/")
    counts = []
    for size in (2, 50):
        api_client.force_authenticate(world.user("community_secretary"))
        with CaptureQueriesContext(connection) as ctx:
            response = api_client.get(f"/api/v1/{endpoint}/", {"page_size": size})
        assert response.status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts
