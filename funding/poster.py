"""A published disclosure as an A3 notice-board poster (PDF): the community, the period,
the text, the financial statement made from the ledger (by source, by category, by
project, the reversals one by one), the version, and a QR code to the page where
residents ask their questions. Noto Sans CJK SC is embedded, subset to the characters
printed (``core.certificates.pdf.cjk_font``), so the poster prints the same anywhere."""

import io
import tempfile
from pathlib import Path

import segno
from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from fpdf import FPDF
from fpdf.fonts import FontFace

from core.certificates.pdf import cjk_font

from .models import DisclosureVersion, yuan
from .statements import statement_rows


def page_url(version: DisclosureVersion, request=None) -> str:
    path = f"/funding/disclosures/{version.disclosure_id}/"
    base = getattr(settings, "PORTAL_PUBLIC_BASE_URL", "")
    if base:
        return base.rstrip("/") + path
    return request.build_absolute_uri(path) if request is not None else path


def _lines(version: DisclosureVersion) -> dict:
    item = version.disclosure
    data = version.statement or {}
    published = timezone.localtime(version.published_at)
    return {
        "title": item.title,
        "sub": _("%(community)s · %(start)s to %(end)s")
        % {
            "community": item.community.name if item.community_id else "",
            "start": item.period_start.isoformat(),
            "end": item.period_end.isoformat(),
        },
        "body": version.body,
        "head": [
            _("Source"),
            _("Opening"),
            _("Income"),
            _("Spending"),
            _("Reversals"),
            _("Closing"),
        ],
        "rows": [row[1:] for row in statement_rows(data)] if data else [],
        "categories": [(c["label"], yuan(c["spending"])) for c in data.get("categories", [])],
        "projects": [(p["title"], yuan(p["spending"])) for p in data.get("projects", [])],
        "reversals": [(r["on"], yuan(r["amount"]), r["reason"]) for r in data.get("reversals", [])],
        "labels": {
            "categories": _("Spending by category"),
            "projects": _("Spending by project"),
            "reversals": _("Reversals"),
        },
        "footer": _(
            "Version %(number)d, published on %(date)s. Scan the code to read it on your "
            "phone and ask a question; the answers are public."
        )
        % {"number": version.number, "date": published.date().isoformat()},
    }


def poster_pdf(version: DisclosureVersion, request=None) -> bytes:
    with translation.override(settings.LANGUAGE_CODE):
        text = _lines(version)
    printed = "".join(
        [
            text["title"],
            text["sub"],
            text["body"],
            text["footer"],
            "".join(text["head"]),
            "".join(text["labels"].values()),
            "".join("".join(row) for row in text["rows"]),
            "".join(a + b for a, b in text["categories"] + text["projects"]),
            "".join("".join(r) for r in text["reversals"]),
            "¥,",
        ]
    )
    pdf = FPDF(format="A3")
    pdf.set_title(text["title"])
    pdf.set_auto_page_break(True, margin=20)
    pdf.add_page()
    with tempfile.TemporaryDirectory() as folder:  # fpdf2 reads fonts from files
        path = Path(folder) / "NotoSansCJKsc-subset.otf"
        path.write_bytes(cjk_font(printed))
        pdf.add_font("cjk", fname=str(path))
    pdf.set_font("cjk", size=34)
    pdf.ln(8)
    pdf.multi_cell(0, 18, text["title"], align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", size=16)
    pdf.cell(0, 12, text["sub"], align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    if text["body"]:
        pdf.set_font("cjk", size=15)
        pdf.multi_cell(0, 9, text["body"], new_x="LMARGIN", new_y="NEXT")
        pdf.ln(6)
    if text["rows"]:
        pdf.set_font("cjk", size=14)
        with pdf.table(
            col_widths=(40, 28, 28, 28, 28, 28),
            text_align=("LEFT", *["RIGHT"] * 5),
            headings_style=FontFace(emphasis="", fill_color=(236, 236, 236)),
        ) as table:
            table.row(text["head"])
            for row in text["rows"]:
                table.row([row[0], *[f"¥{value}" for value in row[1:]]])
        pdf.ln(6)
    for key in ("categories", "projects"):
        if text[key]:
            pdf.set_font("cjk", size=17)
            pdf.cell(0, 11, text["labels"][key], new_x="LMARGIN", new_y="NEXT")
            pdf.set_font("cjk", size=14)
            for label, amount in text[key]:
                pdf.cell(150, 9, label)
                pdf.cell(0, 9, f"¥{amount}", align="R", new_x="LMARGIN", new_y="NEXT")
            pdf.ln(4)
    if text["reversals"]:
        pdf.set_font("cjk", size=17)
        pdf.cell(0, 11, text["labels"]["reversals"], new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("cjk", size=13)
        for on, amount, reason in text["reversals"]:
            pdf.multi_cell(0, 8, f"{on}  ¥{amount}  {reason}", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(4)
    code = io.BytesIO()
    segno.make(page_url(version, request), error="m").save(code, kind="png", scale=8, border=4)
    if pdf.get_y() > pdf.h - 95:
        pdf.add_page()
    pdf.image(code, x=(pdf.w - 60) / 2, y=pdf.get_y() + 6, w=60)
    pdf.set_y(pdf.get_y() + 72)
    pdf.set_font("cjk", size=12)
    pdf.multi_cell(0, 7, text["footer"], align="C")
    return bytes(pdf.output())
