"""The people pages of the workbench, and a resident's way from sign-up to household."""

import re

import pytest
from django.urls import reverse

from core.notify.sms import MemorySMSBackend
from grid.models import PersonalDataAccess, Resident, VerificationCode, VerificationRequest


@pytest.fixture
def sms(settings):
    settings.PORTAL_SMS_BACKEND = "core.notify.sms.MemorySMSBackend"
    MemorySMSBackend.outbox.clear()
    return MemorySMSBackend.outbox


def test_resident_list_is_scoped_and_masked(world, client):
    client.force_login(world.users["grid_member"])
    response = client.get(reverse("grid:resident-list"))
    assert response.status_code == 200
    shown = {r.pk for r in response.context["residents"]}
    assert shown == set(
        Resident.objects.filter(grid=world.grids[0], state="living").values_list("pk", flat=True)
    )
    html = response.content.decode()
    assert world.residents[0].id_number_masked in html


def test_find_a_resident_by_the_last_four_digits(world, client):
    client.force_login(world.users["community_worker"])
    target = world.residents[2]
    response = client.get(reverse("grid:resident-list"), {"q": target.id_number[-4:]})
    assert [r.pk for r in response.context["residents"]] == [target.pk]


def test_resident_pages_out_of_scope_are_404(world, client):
    client.force_login(world.users["grid_member"])
    other = world.residents[6]
    assert client.get(reverse("grid:resident-detail", args=[other.pk])).status_code == 404
    assert (
        client.get(reverse("grid:household-detail", args=[other.household_id])).status_code == 404
    )
    response = client.post(reverse("grid:resident-reveal", args=[other.pk]), {"field": "id_number"})
    assert response.status_code == 404
    assert not PersonalDataAccess.objects.exists()


def test_show_button_reveals_one_field_and_logs_it(world, client):
    client.force_login(world.users["grid_member"])
    resident = world.residents[0]
    page = client.get(reverse("grid:resident-detail", args=[resident.pk])).content.decode()
    assert resident.id_number not in page and resident.id_number_masked in page
    response = client.post(
        reverse("grid:resident-reveal", args=[resident.pk]), {"field": "id_number"}
    )
    assert response.status_code == 200
    assert resident.id_number in response.content.decode()
    assert response["Cache-Control"] == "no-store"
    entry = PersonalDataAccess.objects.get()
    assert (entry.user.username, entry.resident_id, entry.field) == (
        "grid_member",
        resident.pk,
        "id_number",
    )


def test_building_leader_sees_masks_and_cannot_reveal(world, client):
    client.force_login(world.users["building_leader"])
    resident = world.residents[0]
    page = client.get(reverse("grid:resident-detail", args=[resident.pk]))
    assert page.status_code == 200 and not page.context["can_reveal"]
    response = client.post(reverse("grid:resident-reveal", args=[resident.pk]), {"field": "phone"})
    assert response.status_code == 403
    assert not PersonalDataAccess.objects.exists()


def test_household_page_shows_members_and_history(world, client):
    client.force_login(world.users["community_secretary"])
    household = world.households[4]
    response = client.get(reverse("grid:household-detail", args=[household.pk]))
    assert response.status_code == 404  # the second community: not theirs
    client.force_login(world.users["county_admin"])
    response = client.get(reverse("grid:household-detail", args=[household.pk]))
    assert response.status_code == 200
    assert len(response.context["movements"]) == 1
    assert any(m.state == "moved_out" for m in response.context["members"])


def test_a_resident_cannot_read_another_household(world, client):
    client.force_login(world.users["resident"])
    own, other = world.households[0], world.households[1]
    assert client.get(reverse("grid:household-detail", args=[own.pk])).status_code == 200
    assert client.get(reverse("grid:household-detail", args=[other.pk])).status_code == 404
    assert (
        client.get(reverse("grid:resident-detail", args=[world.residents[2].pk])).status_code == 404
    )


def test_resident_home_shows_household_and_duty_contacts(world, client):
    from grid.models import Post

    Post.objects.filter(user=world.users["grid_member"]).update(duty_phone="13588880000")
    world.communities[0].office_phone = "0574-62000000"
    world.communities[0].save()
    client.force_login(world.users["resident"])
    response = client.get(reverse("grid:resident-home"))
    html = response.content.decode()
    assert response.context["household"] == world.households[0]
    assert "13588880000" in html and "0574-62000000" in html


def test_sign_up_confirm_and_see_the_household(world, client, sms):
    target = world.residents[3]  # spouse in the second building of the first grid
    household = target.household
    # 1. the phone gets a code
    response = client.post(reverse("grid:signup"), {"send_code": "1", "phone": "13655556666"})
    assert response.status_code == 302
    phone, message = sms[-1]
    assert phone == "13655556666"
    code = re.search(r"\d{6}", message).group(0)
    # a second code within a minute is refused
    client.post(reverse("grid:signup"), {"send_code": "1", "phone": "13655556666"})
    assert VerificationCode.objects.filter(phone="13655556666").count() == 1
    # 2. a wrong code, then the right one
    bad = client.post(
        reverse("grid:signup"),
        {
            "code": "000000" if code != "000000" else "111111",
            "name": target.name,
            "password1": "Yy-2026-safe!",
            "password2": "Yy-2026-safe!",
        },
    )
    assert bad.status_code == 400
    response = client.post(
        reverse("grid:signup"),
        {
            "code": code,
            "name": target.name,
            "password1": "Yy-2026-safe!",
            "password2": "Yy-2026-safe!",
        },
    )
    assert response.status_code == 302 and response["Location"] == reverse("grid:household-request")
    # Until confirmed, nothing of the roster is visible.
    assert client.get(reverse("grid:household-detail", args=[household.pk])).status_code == 404
    # 3. where they live
    response = client.post(
        reverse("grid:household-request"),
        {
            "community": world.communities[0].pk,
            "building": household.building_id,
            "unit": household.unit,
            "room": household.room,
            "name": target.name,
            "id_last4": target.id_number[-4:],
        },
    )
    assert response.status_code == 302
    request = VerificationRequest.objects.get(user__username="13655556666")
    assert request.state == "pending" and request.building_id == household.building_id
    home = client.get(reverse("grid:resident-home"))
    assert home.context["verification"] == request and home.context["household"] is None
    # 4. the grid member confirms it from the queue
    client.force_login(world.users["grid_member"])
    queue = client.get(reverse("grid:verification-queue"))
    assert request in queue.context["requests"]
    response = client.post(reverse("grid:verification-decide", args=[request.pk, "confirm"]))
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.state == "confirmed"
    # 5. the resident now sees their household
    client.force_login(request.user)
    home = client.get(reverse("grid:resident-home"))
    assert home.context["household"] == household
    assert client.get(reverse("grid:household-detail", args=[household.pk])).status_code == 200


def test_decline_needs_a_reason(world, client):
    request = VerificationRequest.objects.get(user=world.users["applicant"])
    client.force_login(world.users["building_leader"])
    client.post(reverse("grid:verification-decide", args=[request.pk, "decline"]), {"reason": ""})
    request.refresh_from_db()
    assert request.state == "pending"
    client.post(
        reverse("grid:verification-decide", args=[request.pk, "decline"]), {"reason": "不是本户"}
    )
    request.refresh_from_db()
    assert request.state == "declined" and request.reason == "不是本户"


def test_other_grids_do_not_see_the_request(world, client):
    request = VerificationRequest.objects.get(user=world.users["applicant"])
    client.force_login(world.users["other_street_admin"])
    assert client.get(reverse("grid:verification-queue")).context["requests"].count() == 0
    response = client.post(reverse("grid:verification-decide", args=[request.pk, "confirm"]))
    assert response.status_code == 404
