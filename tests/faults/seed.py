"""The small world of the fault tests, written into a migrated database (run by
tests/faults/conftest.py as ``python -m tests.faults.seed``): the test personas of
tests/factories.py and an API token for the verified resident. Prints JSON."""

import json

import django


def main() -> None:
    django.setup()
    from rest_framework.authtoken.models import Token

    from tests.factories import build_world

    world = build_world()
    resident = world.users["resident"]
    token, _created = Token.objects.get_or_create(user=resident)
    print(json.dumps({"token": token.key, "resident": resident.pk}))


if __name__ == "__main__":
    main()
