"""Rate limits in fixed windows, counted in Django's cache (Redis in production, local
memory in development and tests) with atomic ``add`` + ``incr``.

A hit counts in every window of its limits; a refused hit is taken back, so the
counters hold the accepted hits only. ``RateLimited`` becomes a 429 with a message in
the user's language (``RateLimitMiddleware``): ``{"detail": ...}`` for the API, the
GeoReport error list for Open311, a page otherwise.

    check("verification-code:phone", phone, message=_("Too many codes for this phone."))

    class SubmitView(View):
        @limit("request-submit", key=by_user)
        def post(self, request): ...

The limits of each scope are in ``settings.PORTAL_RATE_LIMITS``.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from .refusal import refuse


@dataclass(frozen=True)
class Limit:
    count: int
    seconds: int


class RateLimited(Exception):
    def __init__(self, retry_after: int, message: str | None = None):
        self.retry_after = max(int(retry_after), 1)
        self.custom_message = message
        super().__init__(self.message)

    @property
    def message(self) -> str:
        wait = self.retry_after
        if wait >= 60:
            minutes = math.ceil(wait / 60)
            text = ngettext("%(n)s minute", "%(n)s minutes", minutes) % {"n": minutes}
        else:
            text = ngettext("%(n)s second", "%(n)s seconds", wait) % {"n": wait}
        base = self.custom_message or _("Too many requests.")
        return _("%(reason)s Try again in %(wait)s.") % {"reason": base, "wait": text}


def _now() -> float:
    return time.time()


def _cache_key(scope: str, key: str, limit: Limit, window: int) -> str:
    digest = hashlib.sha256(f"{scope}\x1f{key}".encode()).hexdigest()[:32]
    return f"ratelimit:{scope}:{limit.seconds}:{window}:{digest}"


def _incr(name: str, timeout: int) -> int:
    cache.add(name, 0, timeout=timeout)
    try:
        return cache.incr(name)
    except ValueError:  # expired between add and incr
        cache.set(name, 1, timeout=timeout)
        return 1


def hit(scope: str, key: str, limits: list[Limit]) -> list[str]:
    """Count one hit of ``key`` in ``scope``; raise ``RateLimited`` (taking the hit
    back) if it goes over any limit. Returns the counters' names, for ``refund``."""
    now = _now()
    counted = []
    for limit in limits:
        window = int(now // limit.seconds)
        name = _cache_key(scope, key, limit, window)
        count = _incr(name, limit.seconds + 1)
        counted.append(name)
        if count > limit.count:
            refund(counted)
            raise RateLimited((window + 1) * limit.seconds - now)
    return counted


def refund(names: list[str]) -> None:
    for name in names:
        with contextlib.suppress(ValueError):  # expired meanwhile
            cache.decr(name)


def limits_for(scope: str) -> list[Limit]:
    """The limits of ``scope`` from ``settings.PORTAL_RATE_LIMITS`` (count, seconds)."""
    return [Limit(count, seconds) for count, seconds in settings.PORTAL_RATE_LIMITS[scope]]


def check(scope: str, key, limits: list[Limit] | None = None, message=None) -> list[str]:
    """``hit`` with the reason shown to the user; no key (None/empty) is not limited."""
    if key in (None, ""):
        return []
    if limits is None:
        limits = limits_for(scope)
    try:
        return hit(scope, str(key), limits)
    except RateLimited as exc:
        raise RateLimited(exc.retry_after, str(message) if message else None) from None


def client_address(request) -> str:
    """The client's address: ``REMOTE_ADDR``, or behind ``PORTAL_PROXY_COUNT`` trusted
    proxies the matching entry of ``X-Forwarded-For``."""
    proxies = getattr(settings, "PORTAL_PROXY_COUNT", 0)
    if proxies:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [a for a in forwarded if a]
        if len(forwarded) >= proxies:
            return forwarded[-proxies][:64]
    return (request.META.get("REMOTE_ADDR") or "")[:64]


def by_user(request) -> str | None:
    user = getattr(request, "user", None)
    return f"user:{user.pk}" if user is not None and user.is_authenticated else None


def by_address(request) -> str:
    return f"address:{client_address(request)}"


def limit(scope: str, *, key=by_user, message=None, limits=None, refund_failures=True):
    """Decorate a view method (``def post(self, request, ...)``): one hit per call; with
    ``refund_failures`` a call answered 4xx/5xx (a form error) does not count."""

    def decorator(method):
        @functools.wraps(method)
        def wrapper(self, request, *args, **kwargs):
            counted = check(scope, key(request), limits, message)
            try:
                response = method(self, request, *args, **kwargs)
            except Exception:
                if refund_failures:
                    refund(counted)
                raise
            if refund_failures and getattr(response, "status_code", 200) >= 400:
                refund(counted)
            return response

        return wrapper

    return decorator


def by_field(name: str):
    """The value of the parameter ``name`` (a partner's key), else the client address."""

    def key(request) -> str:
        value = request.POST.get(name) or request.GET.get(name)
        return f"{name}:{value}" if value else by_address(request)

    return key


# The limits the portal applies, ready to decorate a view method with one line.
submission_limit = limit(
    "request-submit",
    key=by_user,
    message=gettext_lazy("You have sent many requests in the last hour."),
)
open311_post_limit = limit(
    "open311-post",
    key=by_field("api_key"),
    message=gettext_lazy("Too many requests were posted with this key."),
    refund_failures=False,
)


class RateLimitMiddleware:
    """Turns ``RateLimited`` raised by a view or a service into a 429."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, RateLimited):
            return refuse(request, 429, exception.message, retry_after=exception.retry_after)
        return None
