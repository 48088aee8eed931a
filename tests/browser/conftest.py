"""The browser suite: Playwright for Python driving Debian's Chromium against a live
test server. Run it with ``make test-browser`` (or ``pytest -m browser``); a plain
``pytest`` skips it, and says why.

Every journey runs at phone size and at desktop size; every page it visits is saved as a
screenshot under ``var/screenshots/`` and scanned with axe-core (see ``journey.py``).
"""

import os
import shutil
from pathlib import Path

import pytest

from .journey import CHROMIUM, SCREENSHOTS, VIEWPORTS, Journey

BROWSER_DIR = Path(__file__).resolve().parent
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]


def _selected(config) -> bool:
    return "browser" in (config.getoption("markexpr") or "") or bool(
        os.environ.get("PORTAL_BROWSER_TESTS")
    )


def pytest_collection_modifyitems(config, items):
    ours = [item for item in items if BROWSER_DIR in Path(str(item.path)).parents]
    if not ours:
        return
    if not CHROMIUM.exists():
        reason = (
            f"Chromium is not installed at {CHROMIUM}: browser tests skipped. "
            "`make test-browser` installs it (apt-get install chromium) and runs them."
        )
    elif not _selected(config):
        reason = "browser tests run with `make test-browser` (or `pytest -m browser`)"
    else:
        reason = None
    for item in ours:
        item.add_marker(pytest.mark.browser)
        if reason:
            item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session")
def browser():
    # Playwright's sync API keeps an event loop in this thread; the ORM calls of the
    # tests themselves (seeding, assertions) are synchronous and safe here.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    shutil.rmtree(SCREENSHOTS, ignore_errors=True)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def demo_accounts(django_db_serialized_rollback, transactional_db, settings, tmp_path):
    """The Yuyao demo county in the test database, and its accounts. The live server
    needs a transactional database; the serialized rollback brings back what the data
    migrations installed (the role grants) after each test's flush."""
    import json

    from grid.demo import seed_demo

    settings.PORTAL_DEMO = True
    settings.PORTAL_DEMO_ACCOUNTS_FILE = tmp_path / "demo-accounts.json"
    seed_demo(settings.PORTAL_DEMO_ACCOUNTS_FILE)
    return json.loads(settings.PORTAL_DEMO_ACCOUNTS_FILE.read_text(encoding="utf-8"))


@pytest.fixture(params=list(VIEWPORTS))
def viewport(request):
    return request.param


@pytest.fixture
def journey(browser, live_server, demo_accounts, viewport, request):
    """A fresh browser context at the test's viewport, signed out, in Chinese."""
    trip = Journey.start(browser, live_server.url, viewport, request.node)
    yield trip
    trip.finish()
