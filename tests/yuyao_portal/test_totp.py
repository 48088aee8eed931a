"""The second factor (TOTP): who may turn it on, enrolment, the code after the password
(pages, API and Django admin), wrong codes, the county-admin requirement, disabling,
the audit trail and the rate limit."""

import re
import time

from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import PASSWORD
from yuyao_portal.models import AuditEvent

Kind = AuditEvent.Kind
ENROL = "/accounts/second-factor/enrol/"
VERIFY = "/accounts/second-factor/verify/"
DISABLE = "/accounts/second-factor/disable/"


def code(device, offset=0, drift=0):
    value = totp(device.bin_key, device.step, device.t0, device.digits, drift)
    return f"{value + offset:06d}"[-6:]


def next_code(device):
    """The code of the next time step: within the device's tolerance of one step, and
    after the step its last code used, so no wait for the clock (a used step's code is
    refused as a replay)."""
    device.refresh_from_db()
    assert device.tolerance >= 1
    return code(device, drift=1)


def wrong(device):
    right = code(device)
    return "000000" if right != "000000" else "111111"


def sign_in(client, username):
    response = client.post("/accounts/login/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return response


def enrol(client, user):
    assert client.get(ENROL).status_code == 200
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(ENROL, {"code": code(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    return device


def after_failure():
    """django-otp throttles a device for 1 s after a wrong code (doubling each time)."""
    time.sleep(1.1)


def confirmed(user):
    device = TOTPDevice.objects.create(user=user, name="TOTP", confirmed=True)
    return device


def test_street_admin_enrols_with_a_code_and_it_is_audited(world, client):
    user = world.users["street_admin"]
    sign_in(client, "street_admin")
    page = client.get(ENROL)
    assert page.status_code == 200
    body = page.content.decode()
    assert 'src="data:image/svg+xml;base64,' in body
    assert "<script" not in body.split("<main", 1)[-1].split("</main>", 1)[0]
    secret = re.search(r'data-testid="otp-secret">([A-Z2-7 ]+)<', body).group(1)
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    import base64

    assert base64.b32decode(secret.replace(" ", "") + "=" * (-len(secret.replace(" ", "")) % 8))
    assert client.post(ENROL, {"code": wrong(device)}).status_code == 400
    assert not TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    assert AuditEvent.objects.filter(kind=Kind.OTP_FAILED, actor=user).count() == 1
    after_failure()
    enrol(client, user)
    assert AuditEvent.objects.filter(kind=Kind.OTP_ENROLLED, actor=user).count() == 1
    # The session that enrolled is verified: pages open.
    assert client.get("/").status_code == 200


def test_sign_in_then_the_code_is_required_everywhere(world, client):
    user = world.users["county_admin"]
    device = confirmed(user)
    sign_in(client, "county_admin")
    home = client.get("/")
    assert home.status_code == 302 and home["Location"].startswith(VERIFY)
    admin = client.get("/admin/")
    assert admin.status_code == 302 and admin["Location"].startswith(VERIFY)
    api = client.get("/api/v1/streets/")
    assert api.status_code == 403
    # A wrong code: refused, recorded, still locked out of the portal.
    response = client.post(VERIFY, {"code": wrong(device)})
    assert response.status_code == 400
    assert AuditEvent.objects.filter(kind=Kind.OTP_FAILED, actor=user).count() == 1
    assert client.get("/admin/").status_code == 302
    assert client.post(VERIFY, {"code": "12ab56"}).status_code == 400  # not a number
    after_failure()
    response = client.post(VERIFY, {"code": code(device), "next": "/admin/"})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    assert client.get("/api/v1/streets/").status_code == 200


def test_a_user_without_a_device_signs_in_with_the_password_only(world, client):
    sign_in(client, "street_admin")
    assert client.get("/").status_code == 200
    assert client.get("/admin/").status_code == 200


def test_county_admins_are_sent_to_enrol_when_the_county_requires_it(world, client, settings):
    settings.PORTAL_REQUIRE_TOTP_COUNTY_ADMIN = True
    user = world.users["county_admin"]
    sign_in(client, "county_admin")
    for path in ("/", "/admin/"):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"].startswith(ENROL)
    device = enrol(client, user)
    assert client.get("/admin/").status_code == 200
    # It cannot be turned off while required.
    client.post(DISABLE, {"code": code(device)})
    assert TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    # A street admin is not required to.
    other = client.__class__()
    sign_in(other, "street_admin")
    assert other.get("/").status_code == 200


def test_grid_member_and_resident_cannot_enrol(world, client):
    for name in ("grid_member", "resident", "community_secretary"):
        client.force_login(world.users[name])
        for path in ("/accounts/second-factor/", ENROL, VERIFY):
            assert client.get(path).status_code == 404, (name, path)
        assert client.post(ENROL, {"code": "123456"}).status_code == 404
        assert client.post(DISABLE, {"code": "123456"}).status_code == 404
        assert client.get("/").status_code == 200  # no second factor asked of them
    assert not TOTPDevice.objects.exists()


def test_disable_needs_a_current_code(world, client):
    user = world.users["street_admin"]
    sign_in(client, "street_admin")
    device = enrol(client, user)
    assert client.post(DISABLE, {"code": wrong(device)}).status_code == 400
    assert TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    after_failure()
    # The same code twice is refused (replay): the next step's code is taken.
    response = client.post(DISABLE, {"code": next_code(device)})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert AuditEvent.objects.filter(kind=Kind.OTP_DISABLED, actor=user).count() == 1
    assert AuditEvent.objects.filter(kind=Kind.OTP_FAILED, actor=user).count() == 1


def test_code_attempts_are_rate_limited(world, client):
    user = world.users["county_admin"]
    confirmed(user)
    sign_in(client, "county_admin")
    statuses = [client.post(VERIFY, {"code": "000001"}).status_code for _ in range(6)]
    assert statuses[:5] == [400] * 5
    assert statuses[5] == 429


def test_api_token_needs_the_code_of_a_second_factor(world, client):
    from rest_framework.authtoken.models import Token

    user = world.users["street_admin"]
    old = Token.objects.create(user=user)
    sign_in(client, "street_admin")
    device = enrol(client, user)
    assert not Token.objects.filter(key=old.key).exists()  # issued on the password alone
    url = "/api/v1/auth/token/"
    credentials = {"username": "street_admin", "password": PASSWORD}
    response = client.post(url, credentials)
    assert response.status_code == 401 and "otp_code" in response.json()
    after_failure()
    response = client.post(url, {**credentials, "otp_code": next_code(device)})
    assert response.status_code == 200 and response.json()["token"]
    # Without a second factor: the password alone, as before.
    assert client.post(url, {"username": "grid_member", "password": PASSWORD}).status_code == 200
