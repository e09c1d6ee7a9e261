"""Run monthly (or daily): anonymise the personal data of every programme whose event was more than
PROUD_RETENTION_MONTHS months ago (DESIGN.md rule 7). Counts and category results stay. Safe to
run again: a programme already anonymised has nothing left to change."""

from django.core.management.base import BaseCommand, CommandError

from data_protection.services import retention_apply, retention_months


class Command(BaseCommand):
    help = (
        "Anonymise the personal data of every programme whose event was more than N months ago "
        "(default PROUD_RETENTION_MONTHS), keeping counts and results. --dry-run only reports."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Report what would change; write nothing.")
        parser.add_argument(
            "--months", type=int, default=None, metavar="N", help="Months after the event (default: PROUD_RETENTION_MONTHS)."
        )

    def handle(self, *args, dry_run: bool, months: int | None, **options):
        months = retention_months() if months is None else months
        if months < 0:
            raise CommandError("--months cannot be negative.")
        reports = retention_apply(months=months, dry_run=dry_run)
        if not reports:
            self.stdout.write(f"No programme's event was more than {months} months ago: nothing to do.")
            return
        verb = "would change" if dry_run else "changed"
        for report in reports:
            programme = report.programme
            heading = f"{programme.name} (event on {report.event_date:%-d %B %Y})"
            if not report.changed:
                self.stdout.write(f"{heading}: already anonymised, nothing to change.")
                continue
            self.stdout.write(f"{heading}: {verb}")
            for label, count in sorted(report.counts.items()):
                self.stdout.write(f"  {count} {label}")
        if dry_run:
            self.stdout.write("Dry run: nothing was written.")
