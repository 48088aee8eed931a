"""The second factor (TOTP, django-otp) of street and county staff.

Who may turn it on: users holding an active post of the street or county tier (county
admin, department staff, street admin, and handling-unit staff whose unit hangs at the
street or county), and superusers. The county can require it of county admins
(``PORTAL_REQUIRE_TOTP_COUNTY_ADMIN``): they are sent to enrol before anything else.

After the password, a user with a confirmed device must give a code before any page,
the API (session) or Django admin (``SecondFactorMiddleware``). Enrolment, disabling
and every wrong code leave an audit event; code attempts are rate limited per user.
"""

from __future__ import annotations

import base64
import io

import django_otp
import qrcode
import qrcode.image.svg
from django.conf import settings
from django.db import transaction
from django.http import HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework import serializers
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.response import Response

from core import ratelimit
from core.apiinput import StrictInputMixin
from grid.permissions import Role, Tier

from .audit import record
from .models import AuditEvent

SECOND_FACTOR_TIERS = {Tier.COUNTY.value, Tier.STREET.value}
DEVICE_NAME = "TOTP"
RATE_SCOPE = "otp-code"


def _active_posts(user):
    from grid.models import Post

    return Post.objects.filter(user=user, is_active=True)


def may_enrol(user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    return any(post.tier in SECOND_FACTOR_TIERS for post in _active_posts(user))


def is_required(user) -> bool:
    """The county requires the second factor of this user (a county admin)."""
    if not settings.PORTAL_REQUIRE_TOTP_COUNTY_ADMIN:
        return False
    return _active_posts(user).filter(role=Role.COUNTY_ADMIN).exists()


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def pending_device(user) -> TOTPDevice:
    """The unconfirmed device being enrolled (one per user), created on first use."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def secret_of(device: TOTPDevice) -> str:
    """The key as authenticator apps take it by hand: base32, in groups of four."""
    text = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def qr_data_uri(device: TOTPDevice) -> str:
    """The otpauth:// URL as an SVG QR code in a data: URI (CSP: img-src data:)."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=10)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def _clean(code) -> str:
    return "".join(str(code or "").split())[:12]


def _rate(request):
    ratelimit.check(
        RATE_SCOPE,
        f"user:{request.user.pk}",
        message=gettext_lazy("Too many codes were tried."),
    )


def _failed(request, action: str):
    record(AuditEvent.Kind.OTP_FAILED, request=request, details={"action": action})


@transaction.atomic
def confirm_enrolment(*, request, code: str) -> bool:
    """Confirm the pending device with a code from the app; the session counts as
    verified. False (and an audit event) for a wrong code."""
    _rate(request)
    user = request.user
    device = pending_device(user)
    if not device.verify_token(_clean(code)):
        _failed(request, "enrol")
        return False
    TOTPDevice.objects.filter(user=user, confirmed=True).delete()
    Token.objects.filter(user=user).delete()  # issued on the password alone
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    django_otp.login(request, device)
    record(AuditEvent.Kind.OTP_ENROLLED, request=request, target=user)
    return True


def verify(*, request, code: str) -> bool:
    """The code after the password: on success the session is verified."""
    _rate(request)
    device = django_otp.match_token(request.user, _clean(code))
    if device is None:
        _failed(request, "verify")
        return False
    django_otp.login(request, device)
    return True


@transaction.atomic
def disable(*, request, code: str) -> bool:
    _rate(request)
    user = request.user
    device = confirmed_device(user)
    if device is None or not device.verify_token(_clean(code)):
        _failed(request, "disable")
        return False
    TOTPDevice.objects.filter(user=user).delete()
    record(AuditEvent.Kind.OTP_DISABLED, request=request, target=user)
    return True


# --- the gate ---------------------------------------------------------------------------

# Paths open before the second factor: its own pages, sign-out, language and care mode
# switches, static files, the health check.
OPEN_PREFIXES = ("/static/", "/i18n/", "/jsi18n/", "/healthz/", "/accounts/care-mode/")


class SecondFactorMiddleware:
    """After ``django_otp.middleware.OTPMiddleware``: a signed-in user who has a
    confirmed device (or must enrol) reaches nothing but the second-factor pages until
    the session is verified. Pages redirect; the API answers 403 with a message."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is None
            or not user.is_authenticated
            or request.path.startswith(OPEN_PREFIXES)
            or request.path == reverse("logout")
            or user.is_verified()
        ):
            return self.get_response(request)
        if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            target = reverse("otp-verify")
        elif is_required(user):
            target = reverse("otp-enrol")
        else:
            return self.get_response(request)
        if request.path == target:
            return self.get_response(request)
        if request.path.startswith(("/api/", "/open311/")):
            return JsonResponse(
                {"detail": _("Sign in with your second factor (TOTP) first.")}, status=403
            )
        next_url = request.get_full_path() if request.method == "GET" else reverse("home")
        return HttpResponseRedirect(f"{target}?{urlencode({'next': next_url})}")


# --- API tokens -------------------------------------------------------------------------


def needs_code(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists() or is_required(user)


class TokenRequestSerializer(StrictInputMixin, AuthTokenSerializer):
    otp_code = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=16,
        help_text=gettext_lazy("The current code of the authenticator app, when one is set up."),
    )


class BadCredentials(APIException):
    """Wrong credentials or second-factor code: a 401 (``{"detail": ...}``)."""

    status_code = 401
    default_code = "authentication_failed"
    auth_header = "Token"


class ObtainAuthTokenWithCode(ObtainAuthToken):
    """``POST /api/v1/auth/token/``: username and password, and ``otp_code`` for users
    with a second factor (a required one not yet enrolled: no token at all). Tokens
    issued before enrolment are deleted when it is confirmed. Wrong credentials or a
    wrong or missing code: a 401."""

    serializer_class = TokenRequestSerializer

    def post(self, request, *args, **kwargs):
        serializer = self.serializer_class(data=request.data, context={"request": request})
        if not serializer.is_valid():
            codes = serializer.errors.get("non_field_errors", [])
            if any(getattr(e, "code", None) == "authorization" for e in codes):
                raise BadCredentials(str(codes[0]))
            raise ValidationError(serializer.errors)
        user = serializer.validated_data["user"]
        if needs_code(user):
            code = _clean(request.data.get("otp_code"))
            ratelimit.check(
                RATE_SCOPE, f"user:{user.pk}", message=gettext_lazy("Too many codes were tried.")
            )
            device = django_otp.match_token(user, code) if code else None
            if device is None:
                if code:
                    record(AuditEvent.Kind.OTP_FAILED, actor=user, details={"action": "token"})
                message = _("A current code from your authenticator app is required.")
                raise BadCredentials({"detail": message, "otp_code": [message]})
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})


obtain_auth_token = ObtainAuthTokenWithCode.as_view()
