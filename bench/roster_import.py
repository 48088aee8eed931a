"""Time the import of a 10,000-row roster on the embedded SQLite default.

    .venv/bin/python bench/roster_import.py [rows]

Builds a fresh database in a temporary directory, loads the demo county, writes a
roster of ``rows`` residents (default 10,000) over the buildings of one community,
imports it as that community's worker, then imports it again (nothing changes).
Goal (issue "People on the net"): under a minute for 10,000 rows.
"""

import io
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
tmp = tempfile.mkdtemp(prefix="yuyao-bench-")
os.environ.update(
    DJANGO_SETTINGS_MODULE="yuyao_portal.settings",
    DJANGO_DEBUG="1",
    PORTAL_DEMO="1",
    PORTAL_VAR_DIR=tmp,
    LOG_LEVEL="WARNING",
)
os.environ.pop("DATABASE_URL", None)

import django  # noqa: E402

django.setup()

import datetime  # noqa: E402

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from openpyxl import Workbook  # noqa: E402

from grid.demo import seed_demo  # noqa: E402
from grid.models import Building, Resident  # noqa: E402
from grid.people.roster import COLUMNS  # noqa: E402
from grid.people.roster_import import import_roster  # noqa: E402
from grid.pii import make_id_number  # noqa: E402


def main(rows: int) -> None:
    call_command("migrate", verbosity=0)
    seed_demo(Path(tmp) / "accounts.json")
    worker = get_user_model().objects.get(username="sg11")
    buildings = list(Building.objects.filter(community__code="330281001001").order_by("code"))
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append([str(label) for _k, label, _r in COLUMNS])
    for i in range(rows):
        building = buildings[i % len(buildings)]
        born = datetime.date(1940, 1, 1) + datetime.timedelta(days=i % 25000)
        number = make_id_number("330282", born, i // 25000 * 97 + i % 997)
        sheet.append(
            [
                building.code,
                1 + i % 2,
                f"{1000 + i // 3}",
                "",
                "",
                f"居民{i}",
                "",
                number,
                f"139{i:08d}",
                "户主" if i % 3 == 0 else "子女",
                "",
                "",
                "",
                "",
            ]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    data = buffer.getvalue()
    before = Resident.objects.count()
    for label in ("first import", "same file again"):
        upload = SimpleUploadedFile("roster.xlsx", data)
        started = time.perf_counter()
        report = import_roster(upload, worker)
        elapsed = time.perf_counter() - started
        print(
            f"{label}: {rows} rows in {elapsed:.1f} s; ok={report.ok} errors={len(report.errors)} "
            f"created={report.residents_created} unchanged={report.residents_unchanged}"
        )
        if not report.ok:
            for error in report.errors[:5]:
                print("  ", error)
            break
    print(f"residents before {before}, after {Resident.objects.count()}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
