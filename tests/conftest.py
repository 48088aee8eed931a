import re

import pytest
from django.core.cache import cache

from grid.pii import is_valid_id_number

from .factories import build_world

ID_PATTERN = re.compile(rb"(?<![0-9])[0-9]{17}[0-9X](?![0-9])")


def _reveals(request) -> bool:
    return "reveal" in request.GET or request.path.rstrip("/").endswith("/reveal")


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Role grants are cached; a rolled-back test must not leave its grants behind."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _no_whole_id_number_leaves_the_portal(monkeypatch):
    """Every response of every test is scanned: a whole, valid ID number may appear only
    in the answer to a reveal action."""
    from django.core.handlers.base import BaseHandler

    original = BaseHandler.get_response
    leaks = []

    def scanned(self, request):
        response = original(self, request)
        if not getattr(response, "streaming", False) and not _reveals(request):
            content = getattr(response, "content", b"")
            for match in ID_PATTERN.findall(content):
                if is_valid_id_number(match.decode()):
                    leaks.append((request.get_full_path(), match.decode()))
        return response

    monkeypatch.setattr(BaseHandler, "get_response", scanned)
    yield leaks
    assert leaks == [], f"whole ID numbers left the portal: {leaks}"


@pytest.fixture
def world(db):
    from .world_snapshot import shared_world

    return shared_world(build_world)


@pytest.fixture
def api_client():
    from rest_framework.test import APIClient

    return APIClient()


def _fuzz_wanted(config) -> bool:
    import os

    return "fuzz" in (config.getoption("markexpr", "") or "") or os.environ.get(
        "PORTAL_FUZZ", ""
    ) not in ("", "0")


def pytest_ignore_collect(collection_path, config):
    """The fuzz suite (tests/fuzz, minutes long) runs only when asked for: ``-m fuzz``
    (``make test-fuzz``) or ``PORTAL_FUZZ=1``."""
    if collection_path.name == "fuzz" and collection_path.parent.name == "tests":
        return None if _fuzz_wanted(config) else True
    return None
