"""Household mobilisation: one healthy volunteer per household, nominated by the
household or a post of its building; coverage by building and grid (issue 13)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from core.notify.models import OutboxMessage
from core.timeline import Conflict
from grid.models import Resident
from grid.scoping import OutOfScope
from volunteers import mobilisation_services as mobilising
from volunteers.models import Mobilisation, Nomination

from ..factories import build_world


def of_age(resident, years=40):
    Resident.objects.filter(pk=resident.pk).update(
        birth_date=timezone.localdate() - datetime.timedelta(days=365 * years + 30)
    )
    resident.refresh_from_db()
    return resident


@pytest.fixture
def mobilisation(world):
    return Mobilisation.objects.get(title="防台风应急动员")


def test_an_office_starts_one_on_its_node_and_the_residents_are_told(world, mobilisation):
    assert mobilisation.community_id == world.communities[0].pk
    told = OutboxMessage.objects.filter(payload__kind="volunteers.mobilisation")
    assert told.filter(recipient=world.users["resident"]).exists()
    with pytest.raises(OutOfScope):
        mobilising.start_mobilisation(
            by=world.user("other_street_admin"), node=world.communities[0], title="x"
        )
    with pytest.raises(ValidationError):
        mobilising.start_mobilisation(
            by=world.user("street_admin"), node=world.streets[0], title="x"
        )
    grid_wide = mobilising.start_mobilisation(
        by=world.user("community_worker"), node=world.grids[1], title="防汛"
    )
    assert mobilising.covers(grid_wide, world.households[2])
    assert not mobilising.covers(grid_wide, world.households[0])


def test_a_household_nominates_one_healthy_member_once(world, mobilisation):
    household = world.households[1]
    head = of_age(world.residents[2])
    spouse = world.residents[3]
    building_leader = world.user("building_leader")  # of the first building only
    with pytest.raises(OutOfScope):
        mobilising.nominate(
            by=building_leader,
            mobilisation=mobilisation,
            household=household,
            resident=head,
            healthy=True,
        )
    grid_member = world.user("grid_member")  # the first grid holds both buildings
    with pytest.raises(ValidationError, match="健康"):
        mobilising.nominate(
            by=grid_member,
            mobilisation=mobilisation,
            household=household,
            resident=head,
            healthy=False,
        )
    with pytest.raises(ValidationError):
        mobilising.nominate(
            by=grid_member,
            mobilisation=mobilisation,
            household=household,
            resident=world.residents[0],
            healthy=True,
        )
    Resident.objects.filter(pk=spouse.pk).update(birth_date=datetime.date(1940, 1, 1))
    spouse.refresh_from_db()
    with pytest.raises(ValidationError, match="65"):
        mobilising.nominate(
            by=grid_member,
            mobilisation=mobilisation,
            household=household,
            resident=spouse,
            healthy=True,
        )
    made = mobilising.nominate(
        by=grid_member,
        mobilisation=mobilisation,
        household=household,
        resident=head,
        healthy=True,
    )
    assert made.building_id == household.building_id
    with pytest.raises(Conflict):
        mobilising.nominate(
            by=grid_member,
            mobilisation=mobilisation,
            household=household,
            resident=head,
            healthy=True,
        )
    far = world.households[4]
    with pytest.raises(ValidationError, match="范围"):
        mobilising.nominate(
            by=world.user("street_admin"),
            mobilisation=mobilisation,
            household=far,
            resident=of_age(world.residents[8]),
            healthy=True,
        )


def test_the_resident_answers_for_their_household(world, mobilisation):
    Nomination.objects.filter(mobilisation=mobilisation).delete()
    resident = of_age(world.residents[0])
    made = mobilising.nominate(
        by=world.user("resident"),
        mobilisation=mobilisation,
        household=world.households[0],
        resident=resident,
        healthy=True,
    )
    assert made.nominated_by == world.users["resident"]
    with pytest.raises(OutOfScope):
        mobilising.nominate(
            by=world.user("resident"),
            mobilisation=mobilisation,
            household=world.households[1],
            resident=of_age(world.residents[2]),
            healthy=True,
        )


def test_coverage_by_building_and_grid_and_who_has_not_answered(world, mobilisation):
    rows = mobilising.coverage(mobilisation)
    assert len(rows) == 4  # the community's four buildings
    first = next(r for r in rows if r["building_id"] == world.buildings[0].pk)
    assert first["households"] == 1 and first["answered"] == 1 and first["share"] == 100
    grids = mobilising.by_grid(rows)
    assert [g["answered"] for g in grids] == [1, 0] and [g["share"] for g in grids] == [50, 0]
    from grid.models import Household

    waiting = list(mobilising.unanswered(mobilisation, Household.objects.all()))
    assert world.households[0] not in waiting and world.households[1] in waiting
    assert world.households[4] not in waiting  # another community
    mobilising.close_mobilisation(by=world.user("community_worker"), mobilisation=mobilisation)
    with pytest.raises(Conflict):
        mobilising.nominate(
            by=world.user("grid_member"),
            mobilisation=Mobilisation.objects.get(pk=mobilisation.pk),
            household=world.households[1],
            resident=of_age(world.residents[2]),
            healthy=True,
        )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="real concurrent connections")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_members_of_a_household_answering_at_once_give_one_answer():
    from .test_concurrency import run_together

    world = build_world()
    mobilisation = Mobilisation.objects.get(title="防台风应急动员")
    household = world.households[1]
    head, spouse = of_age(world.residents[2]), of_age(world.residents[3], 35)
    member = world.user("grid_member")
    outcomes = run_together(
        [
            lambda r=r: mobilising.nominate(
                by=member,
                mobilisation=mobilisation,
                household=household,
                resident=r,
                healthy=True,
            )
            for r in [head, spouse] * 10
        ]
    )
    kinds = [kind for kind, _detail in outcomes]
    assert "error" not in kinds, outcomes
    assert kinds.count("ok") == 1 and kinds.count("refused") == 19
    assert Nomination.objects.filter(mobilisation=mobilisation, household=household).count() == 1


def test_the_pages_from_the_call_to_full_coverage(world, client):
    worker = world.user("community_worker")
    client.force_login(worker)
    started = client.post(
        "/volunteers/work/mobilisations/",
        {"node": f"grid:{world.grids[1].pk}", "title": "防汛动员", "reason": "暴雨预警"},
        follow=True,
    )
    assert started.status_code == 200
    mobilisation = Mobilisation.objects.get(title="防汛动员")
    assert mobilisation.grid_id == world.grids[1].pk
    page = client.get("/volunteers/work/mobilisations/").content.decode()
    assert f'data-testid="coverage-{mobilisation.pk}"' in page
    # The households of the second grid: neither has answered.
    waiting = client.get(f"/volunteers/work/mobilisations/{mobilisation.pk}/").content.decode()
    first, second = world.households[2], world.households[3]
    assert f'id="household-{first.pk}"' in waiting and f'id="household-{second.pk}"' in waiting
    head = of_age(world.residents[4])
    client.post(
        f"/volunteers/work/mobilisations/{mobilisation.pk}/",
        {"household": first.pk, "resident": head.pk, "healthy": "on"},
    )
    assert Nomination.objects.filter(mobilisation=mobilisation, household=first).exists()
    # A resident answers on the phone for the other household.
    from .helpers import resident_user

    user = resident_user(second, "mobilised")
    me = of_age(Resident.objects.get(user=user))
    client.force_login(user)
    page = client.get("/volunteers/mobilisations/").content.decode()
    assert f'data-testid="nominate-{mobilisation.pk}"' in page and "暴雨预警" in page
    refused = client.post(
        "/volunteers/mobilisations/",
        {"mobilisation": mobilisation.pk, "household": second.pk, "resident": me.pk},
        follow=True,
    )
    assert "健康" in refused.content.decode()
    client.post(
        "/volunteers/mobilisations/",
        {
            "mobilisation": mobilisation.pk,
            "household": second.pk,
            "resident": me.pk,
            "healthy": "on",
        },
    )
    assert 'data-testid="nominated"' in client.get("/volunteers/mobilisations/").content.decode()
    rows = mobilising.by_grid(mobilising.coverage(mobilisation))
    assert rows == [
        {
            "grid_id": world.grids[1].pk,
            "grid__name": world.grids[1].name,
            "households": 2,
            "answered": 2,
            "share": 100,
        }
    ]
    assert client.get("/volunteers/work/mobilisations/").status_code == 404  # not a post


def test_the_api_starts_nominates_and_reports_coverage(world, api_client):
    api_client.force_authenticate(world.user("community_worker"))
    made = api_client.post(
        "/api/v1/volunteers/mobilisations/",
        {"title": "疫情防控动员", "community": world.communities[0].pk},
        format="json",
    )
    assert made.status_code == 201, made.content
    both = api_client.post(
        "/api/v1/volunteers/mobilisations/",
        {"title": "x", "community": world.communities[0].pk, "grid": world.grids[0].pk},
        format="json",
    )
    assert both.status_code == 422
    pk = made.json()["id"]
    head = of_age(world.residents[2])
    nominated = api_client.post(
        "/api/v1/volunteers/nominations/",
        {
            "mobilisation": pk,
            "household": world.households[1].pk,
            "resident": head.pk,
            "healthy": True,
        },
        format="json",
    )
    assert nominated.status_code == 201, nominated.content
    again = api_client.post(
        "/api/v1/volunteers/nominations/",
        {
            "mobilisation": pk,
            "household": world.households[1].pk,
            "resident": head.pk,
            "healthy": True,
        },
        format="json",
    )
    assert again.status_code == 409
    coverage = api_client.get(f"/api/v1/volunteers/mobilisations/{pk}/coverage/").json()
    assert sum(row["answered"] for row in coverage) == 1 and len(coverage) == 4
    api_client.force_authenticate(world.user("resident"))
    assert api_client.get(f"/api/v1/volunteers/mobilisations/{pk}/coverage/").status_code == 403
    mine = api_client.get("/api/v1/volunteers/nominations/").json()["results"]
    assert {row["household"] for row in mine} == {world.households[0].pk}
