"""The QR code of a certificate: the absolute address of its verification page."""

import io

import segno
from django.conf import settings
from django.urls import reverse


def verify_url(certificate, request=None) -> str:
    path = reverse("certificates:verify", args=[certificate.number])
    base = getattr(settings, "PORTAL_PUBLIC_BASE_URL", "")
    if base:
        return base.rstrip("/") + path
    if request is not None:
        return request.build_absolute_uri(path)
    return path


def qr_code(certificate, request=None):
    return segno.make(verify_url(certificate, request), error="m")


def qr_svg(certificate, request=None) -> str:
    """An inline SVG (no XML declaration), scaled for print and screen."""
    buffer = io.BytesIO()
    qr_code(certificate, request).save(
        buffer, kind="svg", scale=4, border=2, xmldecl=False, svgns=True, title=certificate.number
    )
    return buffer.getvalue().decode()


def qr_png(certificate, request=None, scale: int = 6) -> bytes:
    buffer = io.BytesIO()
    qr_code(certificate, request).save(buffer, kind="png", scale=scale, border=4)
    return buffer.getvalue()
