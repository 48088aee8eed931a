"""The quarter's service summary of in-service party members as letters (PDF) to their
workplace party organisations (在职党员到社区报到服务情况反馈): one A4 page per workplace
with its members' grid, team, confirmed hours, needs done and wishes fulfilled, signed by
the community. Noto Sans CJK SC is embedded, subset to the characters printed."""

import tempfile
from pathlib import Path

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from fpdf import FPDF
from fpdf.fonts import FontFace

from core.certificates.pdf import cjk_font


def _letters(rows: list[dict], *, year: int, quarter: int, sender: str) -> list[dict]:
    by_workplace: dict[str, list[dict]] = {}
    for row in rows:
        by_workplace.setdefault(row["workplace"], []).append(row)
    today = timezone.localdate().isoformat()
    letters = []
    for workplace, members in sorted(by_workplace.items()):
        letters.append(
            {
                "title": _("Service of your in-service party members in the community"),
                "to": _("To %(workplace)s:") % {"workplace": workplace},
                "body": _(
                    "In quarter %(quarter)d of %(year)d, %(count)d of your party members "
                    "living in our community served as follows."
                )
                % {"quarter": quarter, "year": year, "count": len(members)},
                "head": [
                    _("Party member"),
                    _("Grid"),
                    _("Team"),
                    _("Confirmed hours"),
                    _("Needs done"),
                    _("Small wishes fulfilled"),
                ],
                "rows": [
                    [
                        m["name"],
                        m["grid"] or "-",
                        m["team"] or "-",
                        f"{m['hours']:.1f}",
                        str(m["needs"]),
                        str(m["wishes"]),
                    ]
                    for m in members
                ],
                "sign": sender,
                "date": today,
            }
        )
    return letters


def summary_letters_pdf(rows: list[dict], *, year: int, quarter: int, sender: str) -> bytes:
    """The letters of ``rows`` (``member_services.quarterly_summary``), in the site's
    language; a page saying there is nothing when ``rows`` is empty."""
    with translation.override(settings.LANGUAGE_CODE):
        letters = _letters(rows, year=year, quarter=quarter, sender=sender)
        empty = _("No in-service party member served this quarter.")
    printed = empty + "".join(
        letter["title"]
        + letter["to"]
        + letter["body"]
        + "".join(letter["head"])
        + "".join("".join(r) for r in letter["rows"])
        + letter["sign"]
        for letter in letters
    )
    pdf = FPDF(format="A4")
    pdf.set_title(_("Quarterly summary of in-service party members"))
    pdf.set_auto_page_break(True, margin=18)
    with tempfile.TemporaryDirectory() as folder:  # fpdf2 reads fonts from files
        path = Path(folder) / "NotoSansCJKsc-subset.otf"
        path.write_bytes(cjk_font(printed))
        pdf.add_font("cjk", fname=str(path))
    if not letters:
        pdf.add_page()
        pdf.set_font("cjk", size=14)
        pdf.multi_cell(0, 9, empty)
    for letter in letters:
        pdf.add_page()
        pdf.set_font("cjk", size=20)
        pdf.multi_cell(0, 12, letter["title"], align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(6)
        pdf.set_font("cjk", size=13)
        pdf.multi_cell(0, 8, letter["to"], new_x="LMARGIN", new_y="NEXT")
        pdf.multi_cell(0, 8, letter["body"], new_x="LMARGIN", new_y="NEXT")
        pdf.ln(4)
        pdf.set_font("cjk", size=11)
        with pdf.table(
            col_widths=(24, 30, 34, 22, 20, 22),
            text_align=("LEFT", "LEFT", "LEFT", "RIGHT", "RIGHT", "RIGHT"),
            headings_style=FontFace(emphasis="", fill_color=(236, 236, 236)),
        ) as table:
            table.row(letter["head"])
            for row in letter["rows"]:
                table.row(row)
        pdf.ln(14)
        pdf.set_font("cjk", size=13)
        pdf.cell(0, 8, letter["sign"], align="R", new_x="LMARGIN", new_y="NEXT")
        pdf.cell(0, 8, letter["date"], align="R", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
