"""The audit trail of security events (``AuditEvent``): what records them, and the
retention purge.

Recorded: sign-ins, failed sign-ins, sign-outs (django.contrib.auth signals), lockouts
(django-axes ``user_locked_out``), permission denials (every 403 answered to a
signed-in user, ``AuditMiddleware``), whole personal data shown (the reveal service),
post and role permission changes (model signals), exports of personal data
(``record_export`` from the export views). The actor and the address of a change made
during a request come from the request (``AuditMiddleware``).

Retention: 180 days; reveals three years. ``purge_expired`` is the only deleter.
"""

from __future__ import annotations

import contextvars
import datetime
import logging

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ObjectDoesNotExist
from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from core.ratelimit import client_address

from .models import AuditEvent

logger = logging.getLogger("yuyao_portal.audit")

Kind = AuditEvent.Kind
RETENTION = datetime.timedelta(days=180)
REVEAL_RETENTION = datetime.timedelta(days=3 * 365)
PURGE_FLAG = "yuyao.audit_purge"

_request = contextvars.ContextVar("audit_request", default=None)


def _actor_of(request):
    user = getattr(request, "user", None) if request is not None else None
    if user is not None and getattr(user, "is_authenticated", False):
        return user
    return None


def record(
    kind: str,
    *,
    actor=None,
    target=None,
    target_text: str = "",
    address: str | None = None,
    request=None,
    details: dict | None = None,
) -> AuditEvent:
    """Append one event. ``request`` (or the current request) gives the actor and the
    address when they are not given."""
    request = request if request is not None else _request.get()
    if actor is None:
        actor = _actor_of(request)
    if address is None:
        address = client_address(request) if request is not None else ""
    event = AuditEvent(
        kind=kind,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=(actor.get_username() if getattr(actor, "pk", None) else "")[:150],
        address=(address or "")[:64],
        details=details or {},
    )
    if target is not None:
        event.target_type = ContentType.objects.get_for_model(target, for_concrete_model=False)
        event.target_id = str(target.pk)[:64]
        event.target_text = str(target)[:200]
    if target_text:
        event.target_text = target_text[:200]
    event.save()
    return event


def record_export(request, target, *, whole: bool, count: int | None = None, what: str = ""):
    """One export of personal data (a roster, a list): who, what, masked or whole."""
    details = {"whole": whole, "path": request.path[:200]}
    if count is not None:
        details["count"] = count
    if what:
        details["what"] = what
    return record(Kind.EXPORT_PERSONAL_DATA, request=request, target=target, details=details)


# --- retention --------------------------------------------------------------------------


def purge_expired(now: datetime.datetime | None = None) -> int:
    """Delete events past their retention: 180 days, reveals three years. The one path
    that deletes audit events: raw SQL under a flag the PostgreSQL trigger checks."""
    now = now or timezone.now()
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    postgresql = connection.vendor == "postgresql"
    with transaction.atomic(), connection.cursor() as cursor:
        if postgresql:
            cursor.execute(f"SET LOCAL {PURGE_FLAG} = 'on'")
        cursor.execute(
            f"DELETE FROM {table} WHERE (kind <> %s AND at < %s) OR (kind = %s AND at < %s)",
            [Kind.REVEAL, now - RETENTION, Kind.REVEAL, now - REVEAL_RETENTION],
        )
        deleted = cursor.rowcount
        if postgresql:  # off again, even inside a caller's longer transaction (a failed
            # DELETE rolls the savepoint back, and the flag with it)
            cursor.execute(f"SET LOCAL {PURGE_FLAG} = 'off'")
    logger.info("Audit trail purge: %s events past their retention deleted.", deleted)
    return deleted


# --- what records events ----------------------------------------------------------------


class AuditMiddleware:
    """Keeps the current request for the records made while answering it, and records
    every 403 answered to a signed-in user."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request.set(request)
        try:
            response = self.get_response(request)
            if response.status_code == 403 and _actor_of(request) is not None:
                record(
                    Kind.PERMISSION_DENIED,
                    request=request,
                    details={"method": request.method, "path": request.path[:200]},
                )
            return response
        finally:
            _request.reset(token)


def _logged_in(sender, request, user, **kwargs):
    record(Kind.LOGIN, actor=user, request=request)


def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        record(Kind.LOGOUT, actor=user, request=request)


def _login_failed(sender, credentials, request=None, **kwargs):
    username = str((credentials or {}).get("username", ""))[:150]
    record(Kind.LOGIN_FAILED, request=request, details={"username": username})


def _locked_out(sender, request=None, username=None, ip_address=None, **kwargs):
    record(
        Kind.LOCKOUT,
        request=request,
        address=ip_address if request is None else None,
        details={"username": str(username or "")[:150]},
    )


def _change(created) -> str:
    """post_save passes ``created``; post_delete does not."""
    return "deleted" if created is None else ("created" if created else "changed")


def _post_changed(sender, instance, created=None, **kwargs):
    change = _change(created)
    record(
        Kind.POST_CHANGE,
        target=instance,
        details={
            "change": change,
            "user": instance.user_id,
            "role": instance.role,
            "active": instance.is_active,
            "street": instance.street_id,
            "community": instance.community_id,
            "grid": instance.grid_id,
            "building": instance.building_id,
            "handling_unit": instance.handling_unit_id,
        },
    )


def _role_changed(sender, instance, created=None, **kwargs):
    try:
        permission = instance.permission
        name = f"{permission.content_type.app_label}.{permission.codename}"
    except ObjectDoesNotExist:  # the permission itself is being deleted
        name = f"#{instance.permission_id}"
    record(
        Kind.ROLE_CHANGE,
        target_text=f"{instance.role}: {name}",
        details={"change": _change(created), "role": instance.role, "permission": name},
    )


def connect():
    from axes.signals import user_locked_out

    user_logged_in.connect(_logged_in, dispatch_uid="audit_login")
    user_logged_out.connect(_logged_out, dispatch_uid="audit_logout")
    user_login_failed.connect(_login_failed, dispatch_uid="audit_login_failed")
    user_locked_out.connect(_locked_out, dispatch_uid="audit_lockout")
    for name, signal in (("save", post_save), ("delete", post_delete)):
        signal.connect(_post_changed, sender="grid.Post", dispatch_uid=f"audit_post_{name}")
        signal.connect(
            _role_changed, sender="grid.RolePermission", dispatch_uid=f"audit_role_{name}"
        )
