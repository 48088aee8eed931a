"""Schemathesis against /api/schema/: every operation, as a county admin, a grid member,
a resident and anonymously, with every check (no server error, responses that match the
schema, valid input accepted, invalid input rejected, authentication not ignored).

Run with ``make test-fuzz`` (``pytest -m fuzz tests/fuzz``); the number of examples per
operation and the seed are in ``schemathesis.toml`` next to this file."""

from pathlib import Path

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from schemathesis.config import SchemathesisConfig

from .conftest import token_key

pytestmark = [pytest.mark.fuzz, pytest.mark.django_db]

CONFIG = SchemathesisConfig.from_path(Path(__file__).with_name("schemathesis.toml"))
schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application(), config=CONFIG)


def persona(username):
    """An auth provider signing every case in as ``username`` with the API token the
    session fixture ``fuzz_tokens`` made for that persona."""

    class PersonaAuth:
        def get(self, case, context):
            return token_key(username)

        def set(self, case, data, context):
            case.headers = case.headers or {}
            case.headers["Authorization"] = f"Token {data}"

    PersonaAuth.__name__ = f"{username}_auth"
    return PersonaAuth


@schema.auth.apply(persona("county_admin"), refresh_interval=None)
@schema.parametrize()
def test_as_county_admin(case, fuzz_tokens):
    case.call_and_validate()


@schema.auth.apply(persona("grid_member"), refresh_interval=None)
@schema.parametrize()
def test_as_grid_member(case, fuzz_tokens):
    case.call_and_validate()


@schema.auth.apply(persona("resident"), refresh_interval=None)
@schema.parametrize()
def test_as_resident(case, fuzz_tokens):
    case.call_and_validate()


@schema.parametrize()
def test_anonymously(case, fuzz_tokens):
    case.call_and_validate()
