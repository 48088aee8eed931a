"""Rotating QR check-in, one mechanism for every mode: a volunteer's shift, a
consultation meeting's sign-in, a training session's attendance.

The organiser's screen shows a QR code (and the same six digits as text, for a phone
whose camera fails) that changes every ``settings.CHECKIN_QR_PERIOD`` seconds. The code
is an HMAC of the purpose, the object and the current period under the site's secret,
so no table is needed and a photo of the screen sent home stops working a period
later. A signed-in person scans it and lands on the app's check-in URL with
``?code=``; the app's service checks the code with ``is_valid_code`` and records the
check-in once (the uniqueness is the app's, held by its database constraint).

    code = current_code("training.session", session.pk)
    url = checkin_url(reverse("training:session-checkin", args=[session.pk]), code, request)
    svg = qr_svg(url, title=session.title)
    ...
    if not is_valid_code("training.session", session.pk, request.GET.get("code", "")):
        raise Refusal(...)

A view answering the screen's refresh returns ``JsonResponse(refresh_payload(url))``;
the template component ``components/rotating_qr.html`` (``svg``, ``code``,
``refresh_url``, ``period``) shows the code and the portal's script swaps it every
period. Typed codes are guessable only by brute force: wrap the
check-in view in ``core.ratelimit.limit(CHECKIN_RATE_SCOPE)``.
"""

from __future__ import annotations

import datetime
import hmac
import io
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.safestring import SafeString, mark_safe

DIGITS = 6
# Codes of the current and the previous period are accepted: a code scanned in the
# last second of its period still works while the phone loads the page.
ACCEPTED_PERIODS = 2
CHECKIN_RATE_SCOPE = "checkin-code"


def period_seconds() -> int:
    return max(5, int(getattr(settings, "CHECKIN_QR_PERIOD", 30)))


def _epoch_seconds(at: datetime.datetime | None) -> int:
    moment = at or timezone.now()
    return int(moment.timestamp())


def window(*, at: datetime.datetime | None = None) -> int:
    """The number of the period that ``at`` (default now) falls in."""
    return _epoch_seconds(at) // period_seconds()


def code_for_window(purpose: str, object_id: int, number: int) -> str:
    digest = salted_hmac(
        f"core.checkin:{purpose}", f"{int(object_id)}:{number}", algorithm="sha256"
    ).digest()
    value = int.from_bytes(digest[:8], "big") % (10**DIGITS)
    return f"{value:0{DIGITS}d}"


def current_code(purpose: str, object_id: int, *, at: datetime.datetime | None = None) -> str:
    """The code shown now for ``purpose`` (e.g. ``"volunteers.shift"``) and the object."""
    return code_for_window(purpose, object_id, window(at=at))


def normalize_code(code) -> str | None:
    """Digits only (spaces and dashes typed by hand are dropped), or None."""
    if not isinstance(code, str):
        return None
    digits = "".join(ch for ch in code if ch not in " -\t")
    if len(digits) != DIGITS or not digits.isascii() or not digits.isdigit():
        return None
    return digits


def is_valid_code(
    purpose: str, object_id: int, code, *, at: datetime.datetime | None = None
) -> bool:
    """Whether ``code`` is the code of the current or the previous period (constant time
    per comparison; malformed input is simply not valid)."""
    digits = normalize_code(code)
    if digits is None:
        return False
    now = window(at=at)
    valid = False
    for number in range(now - ACCEPTED_PERIODS + 1, now + 1):
        valid |= hmac.compare_digest(code_for_window(purpose, object_id, number), digits)
    return valid


def seconds_left(*, at: datetime.datetime | None = None) -> int:
    """Seconds until the code shown now changes (1 … period)."""
    period = period_seconds()
    return period - _epoch_seconds(at) % period


def checkin_url(path: str, code: str, request=None) -> str:
    """The absolute URL the QR code holds: ``path?code=…`` on the public base URL when
    one is configured, else on the host of ``request``."""
    url = f"{path}?{urlencode({'code': code})}"
    base = getattr(settings, "PORTAL_PUBLIC_BASE_URL", "")
    if base:
        return base.rstrip("/") + url
    if request is not None:
        return request.build_absolute_uri(url)
    return url


def qr_svg(url: str, *, title: str = "") -> SafeString:
    """An inline SVG of ``url`` (no XML declaration), safe to print in a template: it is
    generated here, never taken from input."""
    buffer = io.BytesIO()
    segno.make(url, error="m").save(
        buffer, kind="svg", scale=6, border=2, xmldecl=False, svgns=True, title=title or None
    )
    return mark_safe(buffer.getvalue().decode())  # noqa: S308 (segno's own output)


def refresh_payload(
    url: str, *, code: str = "", title: str = "", at: datetime.datetime | None = None
) -> dict:
    """What the organiser's screen fetches every period: the new QR, its code as text
    and the seconds it stays valid on the screen."""
    return {"svg": str(qr_svg(url, title=title)), "code": code, "expires_in": seconds_left(at=at)}
