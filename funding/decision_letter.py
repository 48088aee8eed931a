"""The joint meeting's decision on a department's application for admission of work, as
a letter (审查决定书, PDF, A4): the department, the work, the communities it goes to, the
decision in words, the admission number of an approval and its conditions, the money
that follows the work (per community and in total) and its transfer plan. Noto Sans CJK
SC is embedded, subset to the characters printed (``core.certificates.pdf.cjk_font``),
so the letter prints the same on any machine."""

import tempfile
from pathlib import Path

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from fpdf import FPDF
from fpdf.fonts import FontFace

from core.certificates.pdf import cjk_font

from .models import AdmissionApplication, yuan

State = AdmissionApplication.State


def _verdict(application: AdmissionApplication) -> str:
    if application.state == State.APPROVED:
        return _("The work is admitted into the communities named below.")
    if application.state == State.CONDITIONAL:
        return _("The work is admitted into the communities named below on the conditions stated.")
    if application.state == State.RETURNED:
        return _("The application is returned to the department to be revised and submitted again.")
    return _("The application is rejected: the work does not enter the communities.")


def letter_lines(application: AdmissionApplication) -> dict:
    """What the letter says, in the active language (the view sets the site's)."""
    targets = sorted(application.targets.all(), key=lambda c: c.code)
    decided = timezone.localtime(application.decided_at) if application.decided_at else None
    total = application.funding_per_community * len(targets)
    rows = [
        (_("Department"), application.department),
        (_("Work"), application.title),
        (_("Submitted on"), timezone.localtime(application.submitted_at).date().isoformat()),
        (_("Decision"), application.get_state_display()),
    ]
    if application.number:
        rows.append((_("Admission number"), application.number))
    if application.conditions:
        rows.append((_("Conditions"), application.conditions))
    rows += [
        (_("Communities"), "、".join(c.name for c in targets) or "-"),
        (_("Starts on"), application.starts_on.isoformat()),
        (_("Duration"), _("%(months)d months") % {"months": application.months}),
        (
            _("Workload per community"),
            _("%(hours)d hours a year") % {"hours": application.hours_per_community},
        ),
        (
            _("Funding per community"),
            _("%(yuan)s yuan") % {"yuan": yuan(application.funding_per_community)},
        ),
        (_("Funding in total"), _("%(yuan)s yuan") % {"yuan": yuan(total)}),
        (_("Transfer plan"), application.transfer_plan),
    ]
    return {
        "title": _("Decision on an application for admission of work into communities"),
        "to": _("To %(department)s:") % {"department": application.department},
        "verdict": _verdict(application),
        "rows": rows,
        "note": application.decision_note,
        "sign": _("The joint meeting on work admitted into communities"),
        "date": decided.date().isoformat() if decided else "",
    }


def decision_letter_pdf(application: AdmissionApplication) -> bytes:
    """The letter of a decided application, in the site's language."""
    with translation.override(settings.LANGUAGE_CODE):
        lines = letter_lines(application)
        note_label = _("The joint meeting's reasons")
    printed = (
        lines["title"]
        + lines["to"]
        + lines["verdict"]
        + "".join(label + value for label, value in lines["rows"])
        + note_label
        + lines["note"]
        + lines["sign"]
        + lines["date"]
    )
    pdf = FPDF(format="A4")
    pdf.set_title(lines["title"])
    pdf.set_auto_page_break(True, margin=18)
    with tempfile.TemporaryDirectory() as folder:  # fpdf2 reads fonts from files
        path = Path(folder) / "NotoSansCJKsc-subset.otf"
        path.write_bytes(cjk_font(printed))
        pdf.add_font("cjk", fname=str(path))
    pdf.add_page()
    pdf.set_font("cjk", size=18)
    pdf.multi_cell(0, 11, lines["title"], align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.set_font("cjk", size=13)
    pdf.multi_cell(0, 8, lines["to"], new_x="LMARGIN", new_y="NEXT")
    pdf.multi_cell(0, 8, lines["verdict"], new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("cjk", size=11)
    with pdf.table(
        col_widths=(40, 130),
        text_align=("LEFT", "LEFT"),
        first_row_as_headings=False,
        headings_style=FontFace(emphasis=""),
    ) as table:
        for label, value in lines["rows"]:
            table.row([label, value or "-"])
    if lines["note"]:
        pdf.ln(6)
        pdf.set_font("cjk", size=13)
        pdf.multi_cell(0, 8, note_label, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("cjk", size=11)
        pdf.multi_cell(0, 7, lines["note"], new_x="LMARGIN", new_y="NEXT")
    pdf.ln(14)
    pdf.set_font("cjk", size=13)
    pdf.cell(0, 8, lines["sign"], align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 8, lines["date"], align="R", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
