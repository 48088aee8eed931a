import datetime

from django.core.management.base import BaseCommand, CommandError

from grid.generator import SCALES, generate


class Command(BaseCommand):
    help = (
        "Fill the database with a synthetic county (or one street of it): the net, "
        "residents, party members, posts and five years of service requests. "
        "Reproducible from --seed; streets already generated are skipped."
    )

    def add_arguments(self, parser):
        # "tiny" is for tests and is not advertised.
        parser.add_argument(
            "--scale", choices=sorted(SCALES), default="street", help="street or county"
        )
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--until",
            type=datetime.date.fromisoformat,
            default=None,
            help="The last day of the five years (YYYY-MM-DD; default today).",
        )

    def handle(self, *args, scale, seed, until, **options):
        try:
            result = generate(scale=scale, seed=seed, until=until, stream=self.stderr._out)
        except (RuntimeError, ValueError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"{result.streets} streets generated, {result.skipped} already there, "
            f"in {result.seconds:,.1f} s."
        )
        for table, rows, rate in result.tables:
            self.stdout.write(f"  {table:<36} {rows:>10,} rows  {rate:>10,.0f} rows/s writing")
