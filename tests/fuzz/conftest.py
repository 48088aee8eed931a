"""The fuzz suite's world: the shared personas' world, built once per session, with
requests in several states, so that the ids schemathesis draws sometimes exist."""

import pytest

PERSONAS = ("county_admin", "grid_member", "resident")


def token_key(username: str) -> str:
    """The API token of a persona: fixed, so that cases can be signed in before the
    database exists."""
    return f"fuzz-{username}".ljust(40, "0")


@pytest.fixture(scope="session")
def fuzz_tokens(django_db_setup, django_db_blocker):
    from rest_framework.authtoken.models import Token

    from tests.factories import build_world
    from tests.grid.request_states import submit, walk

    with django_db_blocker.unblock():
        world = build_world()
        for n, to in enumerate(["registered", "dispatched", "in_progress", "handled", "closed"]):
            walk(world, submit(world, resident=0, description=f"楼道堆物{n}"), to=to)
        submit(world, resident=2, description="路灯不亮", public=True)
        tokens = {
            name: Token.objects.create(user=world.user(name), key=token_key(name)).key
            for name in PERSONAS
        }
    return tokens
