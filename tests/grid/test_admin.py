"""Django admin, scoped exactly like the workbench."""

import pytest
from django.contrib import admin
from django.urls import reverse

from grid.models import (
    Building,
    Community,
    Grid,
    Household,
    Movement,
    PartyMembership,
    PartyOrganization,
    Post,
    Resident,
    ServiceRequest,
    Street,
    VerificationRequest,
)

ADMIN_PERSONAS = ["county_admin", "street_admin", "other_street_admin"]
MODELS = [
    Street,
    Community,
    Grid,
    Building,
    PartyOrganization,
    Post,
    Household,
    Resident,
    PartyMembership,
    Movement,
    VerificationRequest,
    ServiceRequest,
]


def _url(model, name, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{name}", args=args)


@pytest.mark.parametrize("persona", ADMIN_PERSONAS)
def test_changelists_and_change_pages_follow_the_scope(world, client, persona):
    client.force_login(world.users[persona])
    user = world.user(persona)
    for model in MODELS:
        visible = set(model.objects.for_user(user).values_list("pk", flat=True))
        response = client.get(_url(model, "changelist"))
        assert response.status_code == 200, model
        listed = {obj.pk for obj in response.context["cl"].result_list}
        assert listed == visible, (persona, model)
        inside = list(model.objects.filter(pk__in=visible)[:3])
        outside = list(model.objects.exclude(pk__in=visible)[:3])
        for obj in inside + outside:
            status = client.get(_url(model, "change", obj.pk)).status_code
            assert status == (200 if obj.pk in visible else 404), (persona, model, obj)


def test_admin_is_in_chinese(world, client):
    client.force_login(world.users["street_admin"])
    html = client.get("/admin/").content.decode()
    assert "余姚" in html and "楼栋" in html


def test_foreign_key_choices_are_scoped(world, client):
    client.force_login(world.users["street_admin"])
    response = client.get(_url(Building, "change", world.buildings[0].pk))
    field = response.context["adminform"].form.fields["grid"]
    assert set(field.queryset) == set(Grid.objects.filter(street=world.streets[0]))


def test_admin_cannot_move_an_object_out_of_scope(world, client):
    client.force_login(world.users["street_admin"])
    grid = world.grids[0]
    foreign = world.communities[2]  # the other street
    response = client.post(
        _url(Grid, "change", grid.pk),
        {"code": foreign.code + "001", "name": grid.name, "community": foreign.pk},
    )
    assert response.status_code == 200  # the form shows the error
    assert response.context["adminform"].form.errors
    grid.refresh_from_db()
    assert grid.community_id == world.communities[0].pk


def test_street_admin_edits_within_their_street(world, client):
    client.force_login(world.users["street_admin"])
    building = world.buildings[0]
    response = client.post(
        _url(Building, "change", building.pk),
        {
            "code": building.code,
            "name": "新名字",
            "address": building.address,
            "units": 3,
            "floors": 9,
            "grid": building.grid_id,
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    building.refresh_from_db()
    assert (building.name, building.units) == ("新名字", 3)


def test_non_staff_cannot_enter_admin(world, client):
    client.force_login(world.users["grid_member"])
    response = client.get("/admin/")
    assert response.status_code == 302


def test_user_admin_is_county_only(world, client):
    client.force_login(world.users["street_admin"])
    assert client.get("/admin/yuyao_portal/user/").status_code == 403
    client.force_login(world.users["county_admin"])
    assert client.get("/admin/yuyao_portal/user/").status_code == 200


def test_every_admin_page_of_the_net_answers(world, client, rf):
    client.force_login(world.users["county_admin"])
    request = rf.get("/admin/")
    request.user = world.user("county_admin")
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label != "grid":
            continue
        assert client.get(_url(model, "changelist")).status_code == 200, model
        expected = 200 if model_admin.has_add_permission(request) else 403
        assert client.get(_url(model, "add")).status_code == expected, model


def test_admin_shows_personal_data_masked(world, client):
    client.force_login(world.users["street_admin"])
    resident = world.residents[0]
    html = client.get(_url(Resident, "change", resident.pk)).content.decode()
    assert resident.id_number_masked in html and resident.id_number not in html
    assert resident.phone not in html


def test_access_log_is_for_county_admins_and_read_only(world, client):
    from grid.models import PersonalDataAccess

    PersonalDataAccess.objects.create(
        user=world.users["grid_member"], resident=world.residents[0], field="phone"
    )
    client.force_login(world.users["street_admin"])
    assert client.get("/admin/grid/personaldataaccess/").status_code == 403
    client.force_login(world.users["county_admin"])
    assert client.get("/admin/grid/personaldataaccess/").status_code == 200
    entry = PersonalDataAccess.objects.get()
    assert (
        client.post(_url(PersonalDataAccess, "delete", entry.pk), {"post": "yes"}).status_code
        == 403
    )
    assert PersonalDataAccess.objects.filter(pk=entry.pk).exists()


def test_request_admin_is_read_only_and_counts_a_filtered_list_exactly(world, client):
    from grid.scoped_admin import EstimatedCountPaginator

    model_admin = admin.site._registry[ServiceRequest]
    assert model_admin.paginator is EstimatedCountPaginator
    assert model_admin.show_full_result_count is False
    client.force_login(world.users["street_admin"])
    response = client.get(_url(ServiceRequest, "changelist"))
    assert response.status_code == 200
    assert response.context["has_add_permission"] is False
    scoped = ServiceRequest.objects.filter(street=world.streets[0])
    # A filtered list is never estimated (only the whole table of a huge one is).
    assert EstimatedCountPaginator(scoped, 50).count == scoped.count()
