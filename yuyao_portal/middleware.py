"""Language choice, staff session idle timeout, and no caching of personal data."""

import time

from django.conf import settings
from django.contrib.auth import logout
from django.utils import translation
from django.utils.cache import add_never_cache_headers, patch_vary_headers


class PortalLocaleMiddleware:
    """Chinese unless the user chose another language (the language cookie).

    Unlike Django's LocaleMiddleware, the browser's Accept-Language is not consulted:
    the portal is a Chinese public service that offers English on request.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        translation.deactivate()
        return response


class StaffIdleTimeoutMiddleware:
    """Staff sessions end after ``PORTAL_STAFF_IDLE_SECONDS`` without a request."""

    key = "portal_last_seen"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_staff:
            now = int(time.time())
            last = request.session.get(self.key)
            if last is not None and now - last > settings.PORTAL_STAFF_IDLE_SECONDS:
                logout(request)
            else:
                request.session[self.key] = now
                request.session.set_expiry(settings.PORTAL_STAFF_IDLE_SECONDS)
        return self.get_response(request)


# Paths whose answers may carry personal data whoever asks: the API and Open311.
NO_STORE_PREFIXES = ("/api/", "/open311/")


class NoStoreMiddleware:
    """``Cache-Control: no-store`` on every response that may carry personal data: every
    response to a signed-in user and every API or Open311 response. Static files never
    reach this middleware (whitenoise answers them first) and are skipped by path too."""

    def __init__(self, get_response):
        self.get_response = get_response
        # Media (residents' photos) may be personal: only static files are skipped.
        self.static_prefix = settings.STATIC_URL or "/static/"

    def __call__(self, request):
        response = self.get_response(request)
        path = request.path_info
        if path.startswith(self.static_prefix):
            return response
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        already = "no-store" in response.get("Cache-Control", "")
        if (signed_in or path.startswith(NO_STORE_PREFIXES)) and not already:
            add_never_cache_headers(response)
            patch_vary_headers(response, ("Cookie",))
        return response
