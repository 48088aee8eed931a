"""The public verification of certificates, and the PDF for those it concerns."""

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from .models import Certificate
from .pdf import certificate_pdf
from .qr import qr_png, qr_svg, verify_url
from .services import normalize_number

VALID, REVOKED, UNKNOWN = "valid", "revoked", "unknown"


def find(number: str) -> Certificate | None:
    number = normalize_number(number)
    if not number or "\x00" in number:
        return None
    return Certificate.objects.filter(number=number).first()


@require_GET
def lookup(request):
    """A form to type a number; a typed number goes to its page."""
    number = normalize_number(request.GET.get("number", ""))
    if number and "\x00" not in number and number.replace("-", "").isalnum():
        return redirect("certificates:verify", number=number)
    return render(request, "certificates/lookup.html", {"number": number})


@require_GET
def verify(request, number):
    """Valid, revoked or unknown: anyone may ask, nobody learns more than the holder's
    masked name, the issuer, the date and the lines the certificate prints."""
    certificate = find(number)
    if certificate is None:
        context = {"state": UNKNOWN, "number": normalize_number(number)}
        return render(request, "certificates/verify.html", context, status=404)
    context = {
        "state": REVOKED if certificate.is_revoked else VALID,
        "certificate": certificate,
        "qr": qr_svg(certificate, request),
        "url": verify_url(certificate, request),
        "may_download": may_download(request.user, certificate),
    }
    return render(request, "certificates/verify.html", context)


@require_GET
def qr_image(request, number, fmt):
    certificate = find(number)
    if certificate is None:
        raise Http404
    if fmt == "svg":
        return HttpResponse(qr_svg(certificate, request), content_type="image/svg+xml")
    return HttpResponse(qr_png(certificate, request), content_type="image/png")


def may_download(user, certificate) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return user.pk in (certificate.holder_id, certificate.issued_by_id) or user.has_perm(
        "certificates.view_certificate"
    )


@require_GET
def pdf(request, number):
    """The printable certificate, for its holder, its issuer and the county's staff."""
    certificate = find(number)
    if certificate is None or not may_download(request.user, certificate):
        raise Http404
    response = HttpResponse(certificate_pdf(certificate, request), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{certificate.number}.pdf"'
    return response
