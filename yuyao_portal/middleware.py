"""Language choice and staff session idle timeout."""

import time

from django.conf import settings
from django.contrib.auth import logout
from django.utils import translation
from django.utils.cache import patch_vary_headers


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
