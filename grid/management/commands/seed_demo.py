from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from grid.demo import seed_demo


class Command(BaseCommand):
    help = "Create the Yuyao demo county and its demo accounts (demo mode only; idempotent)."

    def handle(self, *args, **options):
        if not settings.PORTAL_DEMO:
            raise CommandError("Demo mode is off: set DJANGO_DEBUG=1 and PORTAL_DEMO=1.")
        result = seed_demo()
        self.stdout.write(
            f"Demo county ready: {result.created} objects created, "
            f"{len(result.accounts)} demo accounts in {settings.PORTAL_DEMO_ACCOUNTS_FILE}."
        )
