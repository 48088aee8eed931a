"""A certificate as a one-page A4 PDF with its QR code, in Noto Sans CJK SC embedded
(a subset of the glyphs it prints), so it prints the same on any machine.

The font comes from the ``noto-cjk-sans-otc`` package (the Noto Sans CJK collection);
fontTools takes the Simplified Chinese face out of the collection and keeps only the
characters of this certificate; fpdf2 embeds it (``FontFile3``)."""

import io
import tempfile
from pathlib import Path

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from fontTools import subset
from fontTools.ttLib import TTFont
from fpdf import FPDF
from noto_cjk_sans_otc import FONT_PATH

from .qr import qr_png, verify_url

SC_FACE = 2  # Noto Sans CJK SC in NotoSansCJK-Regular.ttc


def cjk_font(text: str) -> bytes:
    """The Simplified Chinese face, subset to the characters of ``text``."""
    font = TTFont(str(FONT_PATH), fontNumber=SC_FACE, lazy=True)
    options = subset.Options()
    options.name_IDs = ["*"]
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=text + "0123456789-:./ ")
    subsetter.subset(font)
    buffer = io.BytesIO()
    font.save(buffer)
    return buffer.getvalue()


def certificate_pdf(certificate, request=None) -> bytes:
    with translation.override(settings.LANGUAGE_CODE):
        heading = certificate.title
        lines = [
            (_("Certificate number"), certificate.number),
            (_("Holder"), certificate.masked_holder),
            *[(label, value) for label, value in certificate.details],
            (_("Issued by"), certificate.issuer_name),
            (_("Issued on"), certificate.issued_on.isoformat()),
        ]
        if certificate.is_revoked:
            lines.append((_("Revoked"), certificate.revoke_reason))
        footer = _("Scan the code or open %(url)s to verify this certificate.") % {
            "url": verify_url(certificate, request)
        }
    text = heading + footer + "".join(f"{a}{b}" for a, b in lines)
    pdf = FPDF(format="A4")
    pdf.set_title(certificate.number)
    pdf.add_page()
    with tempfile.TemporaryDirectory() as folder:  # fpdf2 reads fonts from files
        path = Path(folder) / "NotoSansCJKsc-subset.otf"
        path.write_bytes(cjk_font(text))
        pdf.add_font("cjk", fname=str(path))
    pdf.set_font("cjk", size=24)
    pdf.ln(20)
    pdf.cell(0, 16, heading, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(10)
    pdf.set_font("cjk", size=13)
    for label, value in lines:
        pdf.cell(50, 10, str(label))
        pdf.multi_cell(0, 10, str(value), new_x="LMARGIN", new_y="NEXT")
    pdf.image(io.BytesIO(qr_png(certificate, request)), x=80, y=pdf.get_y() + 10, w=50)
    pdf.set_y(pdf.get_y() + 70)
    pdf.set_font("cjk", size=9)
    pdf.multi_cell(0, 6, footer, align="C")
    return bytes(pdf.output())
