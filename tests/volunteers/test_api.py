"""The volunteers API (/api/v1/volunteers/)."""

import datetime

from django.utils import timezone

from core.checkin import current_code
from volunteers import services
from volunteers.models import HourEntry, Shift, SignUp

from .helpers import make_activity, make_shift, resident_user, volunteer_of

BASE = "/api/v1/volunteers"


def test_a_resident_finds_a_shift_signs_up_and_cannot_twice(world, team, api_client):
    shift = make_shift(make_activity(team), capacity=1)
    api_client.force_authenticate(world.user("resident"))
    listed = api_client.get(f"{BASE}/shifts/").json()
    assert shift.pk in [row["id"] for row in listed["results"]]
    created = api_client.post(f"{BASE}/signups/", {"shift": shift.pk}, format="json")
    assert created.status_code == 201, created.content
    again = api_client.post(f"{BASE}/signups/", {"shift": shift.pk}, format="json")
    assert again.status_code == 409 and "已报名" in again.json()["detail"]
    other = resident_user(world.households[0], "late")
    volunteer_of(other)
    api_client.force_authenticate(other)
    full = api_client.post(f"{BASE}/signups/", {"shift": shift.pk}, format="json")
    assert full.status_code == 409 and "已满" in full.json()["detail"]
    assert Shift.objects.get(pk=shift.pk).booked == 1


def test_a_resident_of_another_street_does_not_see_the_shift(world, team, api_client):
    shift = make_shift(make_activity(team))
    far = resident_user(world.households[-1], "far")
    volunteer_of(far)
    api_client.force_authenticate(far)
    assert shift.pk not in [r["id"] for r in api_client.get(f"{BASE}/shifts/").json()["results"]]
    refused = api_client.post(f"{BASE}/signups/", {"shift": shift.pk}, format="json")
    assert refused.status_code == 422


def test_check_in_and_out_by_the_api_with_the_rotating_code(world, team, api_client):
    user = world.user("resident")
    shift = make_shift(make_activity(team), starts_in=datetime.timedelta(days=1))
    services.sign_up(user=user, shift=shift)
    start = timezone.now() - datetime.timedelta(hours=3)
    Shift.objects.filter(pk=shift.pk).update(
        starts_at=start, ends_at=start + datetime.timedelta(hours=3, minutes=30)
    )
    api_client.force_authenticate(user)
    wrong = api_client.post(f"{BASE}/shifts/{shift.pk}/check-in/", {"code": "12"}, format="json")
    assert wrong.status_code == 422
    code = current_code(services.CHECKIN_PURPOSE, shift.pk)
    done = api_client.post(f"{BASE}/shifts/{shift.pk}/check-in/", {"code": code}, format="json")
    assert done.status_code == 200, done.content
    SignUp.objects.filter(user=user, shift=shift).update(
        checked_in_at=start + datetime.timedelta(minutes=30)
    )
    out = api_client.post(f"{BASE}/shifts/{shift.pk}/check-out/", {"code": code}, format="json")
    assert out.status_code == 200, out.content
    entry = HourEntry.objects.get(signup__shift=shift)
    assert str(entry.hours) == "2.5" and entry.state == "confirmed"
    mine = api_client.get(f"{BASE}/volunteers/").json()["results"]
    assert mine[0]["confirmed_hours"] == "5.5" and mine[0]["stars"] == 0


def test_bad_input_is_a_clear_4xx_and_changes_nothing(world, team, api_client):
    api_client.force_authenticate(world.user("resident"))
    for body in ({"shift": "x"}, {"shift": 10**30}, {"shift": 1, "extra": 1}, {}):
        answer = api_client.post(f"{BASE}/signups/", body, format="json")
        assert answer.status_code in (400, 422), (body, answer.status_code)
    volunteer = services.volunteer_of(world.user("resident"))
    over = api_client.post(
        f"{BASE}/time-bank/", {"volunteer": volunteer.pk, "amount": "99"}, format="json"
    )
    assert over.status_code == 422
    outsider = api_client.post(f"{BASE}/certificates/", {"team": team.pk}, format="json")
    assert outsider.status_code == 201
    api_client.force_authenticate(world.user("outsider"))
    assert (
        api_client.post(f"{BASE}/certificates/", {"team": team.pk}, format="json").status_code
        == 422
    )


def test_the_office_confirms_pending_hours_and_answers_a_correction(world, team, api_client):
    api_client.force_authenticate(world.user("community_worker"))
    pending = api_client.get(f"{BASE}/hours/", {"state": "pending"}).json()["results"]
    assert len(pending) == 1
    confirmed = api_client.post(
        f"{BASE}/hours/{pending[0]['id']}/confirm/", {"accept": True}, format="json"
    )
    assert confirmed.status_code == 200 and confirmed.json()["state"] == "confirmed"
    corrections = api_client.get(f"{BASE}/corrections/").json()["results"]
    answered = api_client.post(
        f"{BASE}/corrections/{corrections[0]['id']}/answer/",
        {"accept": False, "answer": "签到记录为两小时"},
        format="json",
    )
    assert answered.status_code == 200 and answered.json()["state"] == "refused"
    api_client.force_authenticate(world.user("other_street_admin"))
    assert api_client.get(f"{BASE}/hours/").json()["results"] == []
    assert (
        api_client.post(
            f"{BASE}/hours/{pending[0]['id']}/confirm/", {"accept": True}, format="json"
        ).status_code
        == 404
    )
