import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from awards.models import Programme
from demo import seed as demo

# Below this many nominations the seed takes a second or two: no progress lines.
PROGRESS_FROM = 5000


class Command(BaseCommand):
    help = (
        "Build a synthetic demo programme (PROUD Awards 2026, with last year's) and the demo accounts "
        "organiser, staff, panel, chair, youngpanel and door. Development only: refuses when DEBUG is off."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--nominations", type=int, default=demo.DEFAULT_NOMINATIONS,
            help=f"How many nominations to create (default {demo.DEFAULT_NOMINATIONS}).",
        )
        parser.add_argument(
            "--seed", type=int, default=demo.DEFAULT_SEED,
            help="Random seed: the same seed gives the same data (default %(default)s).",
        )
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing when any programme already exists (for `make run`)."
        )
        parser.add_argument(
            "--bulk", action="store_true",
            help=f"Write reviews and the event in bulk whatever the size, as above {demo.SERVICE_REVIEWS_UP_TO:,} "
            "nominations (the event then has 1 finalist per 100 nominations, up to 1,000, and 5 seats each).",
        )

    def handle(self, *args, nominations: int, seed: int, if_empty: bool, bulk: bool = False, **options):
        if not settings.DEBUG:
            raise CommandError(
                "seed_demo only runs with DEBUG on: it creates accounts whose password is published. "
                "Set DEBUG=1 on a development database."
            )
        if nominations < 0:
            raise CommandError("--nominations must be 0 or more.")
        if if_empty and Programme.objects.exists():
            self.stdout.write("A programme already exists: no demo data loaded.")
            return
        started = time.monotonic()
        try:
            summary = demo.seed_demo(
                nominations=nominations, seed=seed, progress=self._progress if nominations >= PROGRESS_FROM else None,
                bulk=bulk or None,
            )
        except demo.DemoExists as exc:
            raise CommandError(
                f"{exc} Use `manage.py flush` to empty the database first, or --if-empty to leave it as it is."
            ) from exc
        if bulk and connection.vendor == "postgresql":
            # What autovacuum would do a while after a bulk load: until then the planner has no
            # statistics for the new rows (an import's look-alike search read every nominee) and
            # counts cannot use an index alone. VACUUM cannot run inside a transaction (a test's).
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)")
        self.stdout.write(self.style.SUCCESS(
            f"Created {summary.programme}: {_count(summary.nominations, 'nomination')} for "
            f"{_count(summary.nominees, 'nominee')} and {_count(summary.groups, 'group')}, "
            f"in {time.monotonic() - started:.1f}s."
        ))
        if summary.event is not None:
            states = ", ".join(f"{count} {state}" for state, count in sorted(summary.event.by_status.items()))
            self.stdout.write(
                f"Event: {_count(summary.event.finalists, 'finalist')}, {_count(summary.event.invitations, 'invitation')} "
                f"({states}), {_count(summary.event.guests, 'seat')} taken."
            )
        self.stdout.write(f"\nDemo logins (password: {settings.DEMO_PASSWORD}):")
        for username, _, _, purpose in demo.DEMO_ACCOUNTS:
            self.stdout.write(f"  {username:<11} {purpose}")

    def _progress(self, label: str, done: int, total: int) -> None:
        self.stdout.write(f"  {label}: {done:,} of {total:,}")


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}{'' if number == 1 else 's'}"
