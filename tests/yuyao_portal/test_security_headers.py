"""Security headers on every response; no-store on every response that may carry
personal data; cookie flags; production-only HSTS and secure cookies."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
STRONG_KEY = "k3y-" + "x9Y2w" * 12

ANONYMOUS_PAGES = [
    "/accounts/login/",
    "/net/signup/",
    "/open311/v2/discovery.json",
    "/open311/v2/services.xml",
    "/open311/v2/requests.json",
    "/api/v1/streets/",  # refused (403), still with every header
    "/api/schema/",
    "/api/docs/",
    "/net/no-such-page/",  # 404
]
STAFF_PAGES = [
    "/",
    "/net/streets/",
    "/net/residents/",
    "/net/requests/",
    "/net/verifications/",
    "/directory/buildings/",
    "/admin/",
    "/admin/grid/resident/",
    "/api/v1/residents/",
    "/api/v1/requests/",
    "/api/v1/posts/",
    "/api/v1/movements/",
    "/net/no-such-page/",
]
RESIDENT_PAGES = ["/net/me/", "/net/requests/mine/", "/net/requests/new/", "/api/v1/requests/"]


def _directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    directives = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


def _assert_common_headers(response, path):
    directives = _directives(response)
    scripts = directives.get("script-src", directives.get("default-src"))
    assert scripts, path
    assert "'unsafe-inline'" not in scripts and "'unsafe-eval'" not in scripts, path
    assert "*" not in scripts, path
    assert directives["frame-ancestors"] == ["'none'"], path
    assert directives["object-src"] == ["'none'"], path
    assert response["X-Frame-Options"] == "DENY", path
    assert response["X-Content-Type-Options"] == "nosniff", path
    assert response["Referrer-Policy"] in ("same-origin", "no-referrer", "strict-origin"), path


def _assert_no_store(response, path):
    cache_control = {p.strip() for p in response.get("Cache-Control", "").split(",")}
    assert "no-store" in cache_control, (path, response.get("Cache-Control"))


INLINE_SCRIPT = re.compile(rb"<script(?![^>]*\bsrc=)[^>]*>", re.I)
INLINE_HANDLER = re.compile(rb"<[^>]+\son[a-z]+\s*=", re.I)


def _assert_no_inline_script(response, path):
    if "html" not in response.get("Content-Type", ""):
        return
    content = response.content
    for match in INLINE_SCRIPT.findall(content):
        # data-only blocks (json_script) are not executed and are allowed by CSP
        assert b"application/json" in match, (path, match)
    assert not INLINE_HANDLER.search(content), path


@pytest.mark.parametrize("path", ANONYMOUS_PAGES)
def test_anonymous_responses_carry_the_security_headers(world, client, path):
    response = client.get(path)
    assert response.status_code < 500
    _assert_common_headers(response, path)
    _assert_no_inline_script(response, path)
    if path.startswith(("/api/", "/open311/")):
        _assert_no_store(response, path)


def test_anonymous_public_pages_stay_cacheable(world, client):
    response = client.get("/net/signup/")
    assert "no-store" not in response.get("Cache-Control", "")


@pytest.mark.parametrize("path", STAFF_PAGES)
def test_signed_in_staff_responses_are_never_stored(world, client, path):
    client.force_login(world.users["county_admin"])
    response = client.get(path)
    assert response.status_code < 500
    _assert_common_headers(response, path)
    _assert_no_store(response, path)
    _assert_no_inline_script(response, path)


@pytest.mark.parametrize("path", RESIDENT_PAGES)
def test_signed_in_resident_responses_are_never_stored(world, client, path):
    client.force_login(world.users["resident"])
    response = client.get(path)
    assert response.status_code < 500
    _assert_common_headers(response, path)
    _assert_no_store(response, path)
    _assert_no_inline_script(response, path)


def test_resident_detail_and_api_post_answers_are_never_stored(world, client):
    client.force_login(world.users["community_secretary"])
    resident = world.residents[0]
    for response in (
        client.get(f"/net/residents/{resident.pk}/"),
        client.post(f"/net/residents/{resident.pk}/reveal/", {"field": "phone"}),
        client.get(f"/api/v1/residents/{resident.pk}/"),
        client.post("/api/v1/requests/", {}, content_type="application/json"),
    ):
        _assert_common_headers(response, response.request["PATH_INFO"])
        _assert_no_store(response, response.request["PATH_INFO"])


def test_token_api_answers_are_never_stored(world, client):
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=world.users["grid_member"])
    response = client.get("/api/v1/residents/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200
    _assert_no_store(response, "/api/v1/residents/")


def test_static_files_are_not_marked_no_store(world, client, settings):
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    client.force_login(world.users["county_admin"])
    response = client.get("/static/css/portal.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_session_and_csrf_cookies_are_httponly_and_samesite(world, client):
    from tests.factories import PASSWORD

    response = client.get("/accounts/login/")
    csrf = response.cookies["csrftoken"]
    assert csrf["samesite"] == "Lax"
    response = client.post(
        "/accounts/login/",
        {"username": "grid_member", "password": PASSWORD},
    )
    assert response.status_code == 302
    session = response.cookies["sessionid"]
    assert session["httponly"]
    assert session["samesite"] == "Lax"


def test_hsts_is_sent_over_https_with_production_values(world, client, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    response = client.get("/accounts/login/", secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "includeSubDomains" in response["Strict-Transport-Security"]


def test_production_settings_turn_on_hsts_and_secure_cookies():
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DJANGO_DEBUG", "SECRET_KEY", "SECURE_SSL_REDIRECT", "ALLOWED_HOSTS"}
    }
    env.update(
        DJANGO_DEBUG="0",
        SECRET_KEY=STRONG_KEY,
        ALLOWED_HOSTS="portal.example.gov.cn",
        DJANGO_SETTINGS_MODULE="yuyao_portal.settings",
    )
    code = (
        "from django.conf import settings as s; print(s.SECURE_HSTS_SECONDS, "
        "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, "
        "s.SESSION_COOKIE_SAMESITE, s.CSRF_COOKIE_SAMESITE, s.SECURE_SSL_REDIRECT)"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    last = result.stdout.strip().splitlines()[-1]
    assert last == "31536000 True True True Lax Lax True", result.stderr
