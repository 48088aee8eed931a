"""Compile every locale/*/LC_MESSAGES/*.po (the project's and each app's) into its .mo
with polib (no gettext needed)."""

from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent

catalogues = sorted(ROOT.glob("locale/*/LC_MESSAGES/*.po")) + sorted(
    ROOT.glob("*/locale/*/LC_MESSAGES/*.po")
)
for po_path in catalogues:
    catalogue = polib.pofile(str(po_path))
    catalogue.save_as_mofile(str(po_path.with_suffix(".mo")))
    print(f"{po_path.relative_to(ROOT)}: {catalogue.percent_translated()}% translated")
