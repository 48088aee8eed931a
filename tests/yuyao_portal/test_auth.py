"""Sign-in security: lockout, idle staff sessions, password rules."""

import time

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from ..factories import PASSWORD


def _login(client, username, password):
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_five_failures_lock_the_username_and_address(world, client):
    for _ in range(4):
        response = _login(client, "grid_member", "wrong")
        assert response.status_code == 200  # the form again, with its error
    response = _login(client, "grid_member", "wrong")
    assert response.status_code in (403, 429)
    response = _login(client, "grid_member", PASSWORD)
    assert response.status_code in (403, 429)
    assert "15" in response.content.decode()
    assert client.get("/").status_code == 302  # not signed in


def test_lockout_is_per_username(world, client):
    for _ in range(5):
        _login(client, "grid_member", "wrong")
    assert _login(client, "community_worker", PASSWORD).status_code == 302


def test_staff_session_ends_after_thirty_idle_minutes(world, client, settings):
    client.force_login(world.users["street_admin"])
    assert client.get("/").status_code == 200
    session = client.session
    session["portal_last_seen"] = int(time.time()) - settings.PORTAL_STAFF_IDLE_SECONDS - 1
    session.save()
    assert client.get("/").status_code == 302


def test_active_staff_session_stays(world, client):
    client.force_login(world.users["street_admin"])
    assert client.get("/").status_code == 200
    assert client.get("/").status_code == 200
    assert client.session.get_expiry_age() <= 30 * 60


def test_non_staff_sessions_are_not_cut_at_thirty_minutes(world, client, settings):
    client.force_login(world.users["grid_member"])
    client.get("/")
    session = client.session
    session["portal_last_seen"] = int(time.time()) - settings.PORTAL_STAFF_IDLE_SECONDS - 1
    session.save()
    assert client.get("/").status_code == 200


@pytest.mark.parametrize("weak", ["123456", "password", "abc"])
def test_password_validators_are_on(weak):
    with pytest.raises(ValidationError):
        validate_password(weak)
