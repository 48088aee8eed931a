"""Certificates with QR verification: issued, verified on the public page by a browser
and through the QR code decoded from its image, revoked, unknown; the PDF with its
embedded CJK font for the holder only."""

import io

import pytest
import zxingcpp
from django.core.exceptions import ValidationError
from PIL import Image

from core.certificates.models import Certificate
from core.certificates.services import issue_certificate, revoke_certificate

pytestmark = pytest.mark.django_db


@pytest.fixture
def holder(django_user_model):
    return django_user_model.objects.create_user(username="volunteer-zhang", password="x-y-z-123")


@pytest.fixture
def certificate(holder):
    return issue_certificate(
        kind="tests.service_record",
        title="志愿服务记录证明",
        holder=holder,
        holder_name="张晓明",
        issuer_name="余姚市阳明街道舜北社区居民委员会",
        details=[("服务时长", "123.5 小时")],
    )


def test_a_certificate_gets_a_unique_unguessable_number(certificate):
    other = issue_certificate(
        kind="tests.service_record", title="t", holder_name="李四", issuer_name="社区"
    )
    assert certificate.number != other.number
    assert certificate.number.startswith(f"YY-{certificate.issued_on.year}-")
    assert len(certificate.number) == len("YY-2026-XXXX-XXXX")


def test_the_verify_page_says_valid_with_the_holder_masked(client, certificate):
    page = client.get(f"/verify/{certificate.number}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-state="valid"' in html
    assert "张**" in html and "张晓明" not in html
    assert "余姚市阳明街道舜北社区居民委员会" in html and "123.5 小时" in html
    assert "<svg" in html  # the QR code, inline


def test_the_qr_code_decodes_to_the_verify_page(client, certificate):
    image = client.get(f"/verify/{certificate.number}/qr.png")
    assert image.status_code == 200 and image["Content-Type"] == "image/png"
    (found,) = zxingcpp.read_barcodes(Image.open(io.BytesIO(image.content)))
    assert found.text == f"http://testserver/verify/{certificate.number}/"
    followed = client.get(found.text.removeprefix("http://testserver"))
    assert 'data-state="valid"' in followed.content.decode()


def test_a_revoked_certificate_says_so_with_its_reason(client, certificate):
    revoke_certificate(certificate=certificate, reason="服务记录有误，已重新出具")
    html = client.get(f"/verify/{certificate.number}/").content.decode()
    assert 'data-state="revoked"' in html and "服务记录有误" in html


def test_revoking_needs_a_reason_and_happens_once(certificate):
    with pytest.raises(ValidationError):
        revoke_certificate(certificate=certificate, reason="  ")
    revoke_certificate(certificate=certificate, reason="错误")
    with pytest.raises(ValidationError):
        revoke_certificate(certificate=certificate, reason="again")
    assert Certificate.objects.get().revoke_reason == "错误"


def test_an_unknown_number_is_a_404_saying_unknown(client, certificate):
    page = client.get("/verify/YY-2026-0000-0000/")
    assert page.status_code == 404
    assert 'data-state="unknown"' in page.content.decode()
    assert client.get("/verify/YY-2026-0000-0000/qr.svg").status_code == 404


@pytest.mark.parametrize("number", ["%00", "x" * 40, "a%20b", "..%2F..", "%E4%B8%AD"])
def test_bad_numbers_never_fail(client, number):
    assert client.get(f"/verify/{number}/").status_code in (400, 404)
    assert client.get("/verify/", {"number": "a\x00b"}).status_code in (200, 400)


def test_the_lookup_form_goes_to_the_typed_number(client, certificate):
    typed = certificate.number.lower().replace("-", "- ")
    response = client.get("/verify/", {"number": typed.replace(" ", "")})
    assert response.status_code == 302
    assert response["Location"] == f"/verify/{certificate.number}/"


def test_the_pdf_embeds_its_cjk_font_for_the_holder_only(
    client, certificate, holder, django_user_model
):
    client.force_login(holder)
    response = client.get(f"/verify/{certificate.number}/pdf/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert b"/FontFile3" in response.content or b"/FontFile2" in response.content
    assert b"STSong" not in response.content
    stranger = django_user_model.objects.create_user(username="stranger", password="x-y-z-123")
    client.force_login(stranger)
    assert client.get(f"/verify/{certificate.number}/pdf/").status_code == 404
    client.logout()
    assert client.get(f"/verify/{certificate.number}/pdf/").status_code == 404
