import pytest
from django.core.cache import cache

from .factories import build_world


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Role grants are cached; a rolled-back test must not leave its grants behind."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def api_client():
    from rest_framework.test import APIClient

    return APIClient()
