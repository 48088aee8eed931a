"""The audit trail: what records security events, that nobody can change or delete
them (county admins and superusers included), and the retention purge."""

import datetime

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import Permission
from django.db import connection, transaction
from django.utils import timezone

from grid.models import Post, RolePermission
from grid.permissions import Role
from tests.factories import PASSWORD, UserFactory
from yuyao_portal import audit
from yuyao_portal.models import AppendOnly, AuditEvent
from yuyao_portal.tasks import purge_audit_events

Kind = AuditEvent.Kind


def events(kind):
    return list(AuditEvent.objects.filter(kind=kind).order_by("id"))


def _login(client, username, password):
    return client.post(
        "/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR="10.2.3.4"
    )


# --- what is recorded -----------------------------------------------------------------


def test_sign_in_sign_out_and_failures(world, client):
    assert _login(client, "grid_member", "wrong").status_code == 200
    (failed,) = events(Kind.LOGIN_FAILED)
    assert failed.actor is None and failed.details == {"username": "grid_member"}
    assert failed.address == "10.2.3.4"
    assert _login(client, "grid_member", PASSWORD).status_code == 302
    (login,) = events(Kind.LOGIN)
    assert login.actor == world.users["grid_member"] and login.actor_name == "grid_member"
    assert login.address == "10.2.3.4"
    client.post("/accounts/logout/")
    (logout,) = events(Kind.LOGOUT)
    assert logout.actor == world.users["grid_member"]


def test_lockout(world, client):
    for _ in range(5):
        _login(client, "community_worker", "wrong")
    (lockout,) = events(Kind.LOCKOUT)
    assert lockout.details["username"] == "community_worker"
    assert lockout.address == "10.2.3.4"
    assert len(events(Kind.LOGIN_FAILED)) >= 5


def test_permission_denials_of_signed_in_users(world, client):
    client.force_login(world.users["resident"])
    response = client.post("/api/v1/streets/", {"code": "330281009", "name": "x"})
    assert response.status_code == 403
    (denied,) = events(Kind.PERMISSION_DENIED)
    assert denied.actor == world.users["resident"]
    assert denied.details == {"method": "POST", "path": "/api/v1/streets/"}


def test_permission_denials_on_pages(world, client):
    client.force_login(world.users["building_leader"])
    response = client.get(f"/net/roster/export.xlsx?street={world.streets[0].pk}")
    if response.status_code == 404:  # out of scope: not a denial
        response = client.get(f"/net/roster/export.xlsx?building={world.buildings[0].pk}")
    assert response.status_code == 403
    (denied,) = events(Kind.PERMISSION_DENIED)
    assert denied.actor == world.users["building_leader"]
    assert denied.details["path"] == "/net/roster/export.xlsx"  # no query string


def test_anonymous_refusals_are_not_denials(world, client):
    assert client.post("/api/v1/streets/", {}).status_code in (401, 403)
    assert events(Kind.PERMISSION_DENIED) == []


def test_whole_personal_data_reveals(world, client):
    client.force_login(world.users["community_secretary"])
    resident = world.residents[0]
    response = client.post(
        f"/net/residents/{resident.pk}/reveal/", {"field": "phone"}, REMOTE_ADDR="10.5.5.5"
    )
    assert response.status_code == 200
    (reveal,) = events(Kind.REVEAL)
    assert reveal.actor == world.users["community_secretary"]
    assert reveal.target_type.model == "resident" and reveal.target_id == str(resident.pk)
    assert reveal.details == {"fields": ["phone"]}
    assert reveal.address == "10.5.5.5"


def test_refused_reveals_record_a_denial_not_a_reveal(world, client):
    client.force_login(world.users["building_leader"])
    resident = world.residents[0]
    response = client.post(f"/net/residents/{resident.pk}/reveal/", {"field": "id_number"})
    assert response.status_code in (403, 404)
    assert events(Kind.REVEAL) == []


def test_roster_exports(world, client):
    client.force_login(world.users["street_admin"])
    street = world.streets[0]
    response = client.get(f"/net/roster/export.xlsx?street={street.pk}")
    assert response.status_code == 200
    (export,) = events(Kind.EXPORT_PERSONAL_DATA)
    assert export.actor == world.users["street_admin"]
    assert export.target_type.model == "street" and export.target_id == str(street.pk)
    assert export.details["what"] == "roster" and "whole" in export.details


def test_post_changes_with_the_actor_of_the_request(world, client):
    post = world.users["grid_member"].posts.get()
    before = AuditEvent.objects.filter(kind=Kind.POST_CHANGE).count()
    client.force_login(world.users["county_admin"])
    response = client.patch(
        f"/api/v1/posts/{post.pk}/", {"is_active": False}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    (change,) = events(Kind.POST_CHANGE)[before:]
    assert change.actor == world.users["county_admin"]
    assert change.details["change"] == "changed" and change.details["active"] is False
    assert change.target_id == str(post.pk)


def test_post_created_and_deleted(world):
    user = UserFactory(username="newcomer")
    post = Post.objects.create(user=user, role=Role.GRID_MEMBER, grid=world.grids[1])
    post_id = post.pk
    post.delete()
    created, deleted = [e for e in events(Kind.POST_CHANGE) if e.target_id == str(post_id)]
    assert created.details["change"] == "created" and created.details["user"] == user.pk
    assert deleted.details["change"] == "deleted"


def test_role_permission_changes(world):
    permission = Permission.objects.get(codename="view_auditevent")
    grant = RolePermission.objects.create(role=Role.STREET_ADMIN, permission=permission)
    grant.delete()
    created, deleted = events(Kind.ROLE_CHANGE)
    assert created.details == {
        "change": "created",
        "role": Role.STREET_ADMIN,
        "permission": "yuyao_portal.view_auditevent",
    }
    assert deleted.details["change"] == "deleted"


# --- append-only ----------------------------------------------------------------------


@pytest.fixture
def event(db):
    return audit.record(Kind.LOGIN_FAILED, details={"username": "x"}, address="10.0.0.1")


def test_an_event_cannot_be_changed_or_deleted(event):
    event.details = {"username": "y"}
    with pytest.raises(AppendOnly):
        event.save()
    with pytest.raises(AppendOnly):
        event.delete()
    with pytest.raises(AppendOnly):
        AuditEvent.objects.filter(pk=event.pk).update(address="1.1.1.1")
    with pytest.raises(AppendOnly):
        AuditEvent.objects.all().delete()
    with pytest.raises(AppendOnly):
        AuditEvent.objects.bulk_update([event], ["details"])
    event = AuditEvent.objects.get(pk=event.pk)
    assert event.details == {"username": "x"} and event.address == "10.0.0.1"


def test_deleting_an_account_keeps_its_events(world):
    user = UserFactory(username="leaving")
    audit.record(Kind.LOGIN, actor=user)
    user.delete()
    kept = AuditEvent.objects.get(kind=Kind.LOGIN, actor_name="leaving")
    assert kept.actor_id is not None


@pytest.mark.parametrize("persona", ["superuser", "county_admin"])
def test_admin_is_read_only_for_everyone(world, client, event, persona):
    if persona == "superuser":
        user = UserFactory(username="root", is_staff=True, is_superuser=True)
    else:
        user = world.users["county_admin"]
    client.force_login(user)
    base = "/admin/yuyao_portal/auditevent/"
    listing = client.get(base)
    assert listing.status_code == 200
    assert "10.0.0.1" in listing.content.decode()
    assert client.get(f"{base}add/").status_code == 403
    page = client.get(f"{base}{event.pk}/change/")
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    client.post(f"{base}{event.pk}/change/", {"address": "6.6.6.6"})
    assert client.get(f"{base}{event.pk}/delete/").status_code == 403
    response = client.post(
        base, {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"}
    )
    assert response.status_code in (200, 302, 403)
    event = AuditEvent.objects.get(pk=event.pk)
    assert event.address == "10.0.0.1"


def test_posts_below_the_county_do_not_see_the_trail(world, client, event):
    client.force_login(world.users["street_admin"])
    assert client.get("/admin/yuyao_portal/auditevent/").status_code == 403


# --- retention ------------------------------------------------------------------------


def _old(kind, days):
    return AuditEvent.objects.create(kind=kind, at=timezone.now() - datetime.timedelta(days=days))


def test_retention_purge_keeps_180_days_and_reveals_three_years(db):
    recent = _old(Kind.LOGIN, 179)
    old = _old(Kind.LOGIN, 181)
    old_denial = _old(Kind.PERMISSION_DENIED, 400)
    recent_reveal = _old(Kind.REVEAL, 1000)
    old_reveal = _old(Kind.REVEAL, 3 * 365 + 1)
    # in-process: CI's real worker reads another database than the test's
    assert purge_audit_events.apply().get() == 3
    left = set(AuditEvent.objects.values_list("pk", flat=True))
    assert recent.pk in left and recent_reveal.pk in left
    assert not left & {old.pk, old_denial.pk, old_reveal.pk}


def test_the_purge_runs_every_day():
    schedule = django_settings.CELERY_BEAT_SCHEDULE["purge-audit-events"]
    assert schedule["task"] == "yuyao_portal.tasks.purge_audit_events"
    assert schedule["schedule"] <= 24 * 3600


# --- PostgreSQL: the trigger ------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.skipif(
    "postgresql" not in django_settings.DATABASES["default"]["ENGINE"],
    reason="needs PostgreSQL",
)
def test_postgresql_refuses_update_and_delete_even_in_raw_sql(event):
    from django.db import DatabaseError

    table = AuditEvent._meta.db_table
    for sql in (f"UPDATE {table} SET address = '6.6.6.6'", f"DELETE FROM {table}"):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql)
    assert AuditEvent.objects.get(pk=event.pk).address == "10.0.0.1"
    _old(Kind.LOGIN, 200)
    assert audit.purge_expired() == 1  # the purge's flag lets its DELETE through
    # the flag is off again once the purge is done
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table}")
