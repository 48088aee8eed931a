"""The browser suite: Playwright for Python driving Debian's Chromium against a live
test server. Run it with ``make test-browser`` (or ``pytest -m browser``); a plain
``pytest`` skips it, and says why.

Every journey runs at phone size and at desktop size; every page it visits is saved as a
screenshot under ``var/screenshots/`` and scanned with axe-core (see ``journey.py``).
"""

import json
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
    return "browser" in (config.getoption("markexpr") or "")


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


@pytest.fixture(scope="session")
def django_db_setup(django_test_environment, django_db_blocker):
    """The test database for the browser suite. pytest-django creates one only for
    tests that ask for a transaction per test; the journeys share one seeded county
    instead (see ``portal``)."""
    from django.test.utils import setup_databases, teardown_databases

    with django_db_blocker.unblock():
        config = setup_databases(verbosity=0, interactive=False, aliases={"default"})
    yield
    with django_db_blocker.unblock():
        teardown_databases(config, verbosity=0)


@pytest.fixture(scope="session")
def portal(django_db_setup, django_db_blocker, tmp_path_factory):
    """The Yuyao demo county, seeded once, served by one live server for the session.

    The journeys share it: seeding and flushing the county around every test would
    cost more than the journeys themselves. A journey that changes something (the
    elderly-friendly mode) changes it back. Browser tests run on their own
    (``-m browser``), so nothing seeded here reaches another test.
    """
    from django.db import connection
    from django.test import override_settings
    from pytest_django.live_server_helper import LiveServer

    from grid.demo import seed_demo

    if not connection.settings_dict["NAME"] or not (
        connection.is_in_memory_db() or "test" in str(connection.settings_dict["NAME"])
    ):
        raise RuntimeError("the browser suite runs on a test database only")
    accounts_file = tmp_path_factory.mktemp("demo") / "demo-accounts.json"
    with (
        override_settings(PORTAL_DEMO=True, PORTAL_DEMO_ACCOUNTS_FILE=accounts_file),
        django_db_blocker.unblock(),
    ):
        seed_demo(accounts_file)
        server = LiveServer("localhost")
        server._live_server_modified_settings.enable()
        try:
            yield {
                "url": server.url,
                "accounts": json.loads(accounts_file.read_text(encoding="utf-8")),
            }
        finally:
            server._live_server_modified_settings.disable()
            server.stop()


@pytest.fixture
def demo_accounts(portal):
    return portal["accounts"]


@pytest.fixture(params=list(VIEWPORTS))
def viewport(request):
    return request.param


@pytest.fixture
def journey(browser, portal, viewport, request):
    """A fresh browser context at the test's viewport, signed out, in Chinese."""
    trip = Journey.start(browser, portal["url"], viewport, request.node)
    yield trip
    trip.finish()
