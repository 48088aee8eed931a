"""The funding API: scoped reads, writes through the services, bad input refused with
nothing changed."""

import pytest

from funding.models import Expenditure, Fund, LedgerEntry

pytestmark = pytest.mark.django_db
BASE = "/api/v1/funding"


def test_residents_see_their_communitys_public_accounts(world, api_client):
    api_client.force_authenticate(world.user("resident"))
    funds = api_client.get(f"{BASE}/funds/").json()["results"]
    assert {f["community"] for f in funds} == {world.communities[0].pk}
    disclosures = api_client.get(f"{BASE}/disclosures/").json()["results"]
    assert disclosures and all(d["state"] == "published" for d in disclosures)
    asked = api_client.post(
        f"{BASE}/disclosures/{disclosures[0]['id']}/ask/", {"text": "请问?"}, format="json"
    )
    assert asked.status_code == 201


@pytest.mark.parametrize(
    "amount, code",
    [(0, 400), (-5, 400), (1.5, 400), (10**12 + 1, 400), ("100", 400), (10**9, 422)],
)
def test_bad_amounts_are_refused_and_nothing_changes(world, api_client, amount, code):
    api_client.force_authenticate(world.user("community_worker"))
    fund = Fund.objects.get(community=world.communities[0], source="special")
    before = Expenditure.objects.count()
    answer = api_client.post(
        f"{BASE}/expenditures/",
        {
            "fund": fund.pk,
            "project": fund.projects.first().pk,
            "amount": amount,
            "category": "repair",
            "payee": "维修部",
            "purpose": "扶手",
        },
        format="json",
    )
    assert answer.status_code == code, answer.content
    assert Expenditure.objects.count() == before


def test_request_approve_and_band(world, api_client):
    fund = Fund.objects.get(community=world.communities[0], source="special")
    project = fund.projects.first()
    api_client.force_authenticate(world.user("community_worker"))
    created = api_client.post(
        f"{BASE}/expenditures/",
        {
            "fund": fund.pk,
            "project": project.pk,
            "amount": 500_000,
            "category": "repair",
            "payee": "维修部",
            "purpose": "扶手",
        },
        format="json",
    )
    assert created.status_code == 201
    pk = created.json()["id"]
    api_client.force_authenticate(world.user("community_secretary"))
    approved = api_client.post(f"{BASE}/expenditures/{pk}/approve/", {}, format="json")
    assert approved.status_code == 200 and approved.json()["state"] == "approved"
    again = api_client.post(f"{BASE}/expenditures/{pk}/approve/", {}, format="json")
    assert again.status_code == 409


def test_entries_are_not_edited_and_reversal_needs_a_reason(world, api_client):
    entry = LedgerEntry.objects.filter(kind="payment").first()
    api_client.force_authenticate(world.user("street_admin"))
    assert api_client.put(f"{BASE}/entries/{entry.pk}/", {}, format="json").status_code == 405
    assert api_client.delete(f"{BASE}/entries/{entry.pk}/").status_code == 405
    assert (
        api_client.post(f"{BASE}/entries/{entry.pk}/reverse/", {}, format="json").status_code == 400
    )
    done = api_client.post(f"{BASE}/entries/{entry.pk}/reverse/", {"reason": "错账"}, format="json")
    assert done.status_code == 201 and done.json()["reverses"] == entry.pk


def test_an_application_without_funding_is_refused(world, api_client):
    api_client.force_authenticate(world.user("department_staff"))
    answer = api_client.post(
        f"{BASE}/applications/",
        {
            "department": "县统计局",
            "title": "调查",
            "description": "入户",
            "deliverable": "survey",
            "targets": [world.communities[0].pk],
            "frequency": "once",
            "months": 1,
            "hours_per_community": 5,
            "funding_per_community": 0,
            "transfer_plan": "无",
            "starts_on": "2030-01-10",
        },
        format="json",
    )
    assert answer.status_code == 422
    assert "funding_per_community" in answer.json()
    mine = api_client.get(f"{BASE}/applications/").json()["results"]
    assert len(mine) == 1  # the world's, submitted by this department user
