"""`manage.py import_nominations`: a spreadsheet of nominations collected elsewhere, a dry run first,
then all or nothing."""

import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from awards.models import Programme
from mail.errors import ServiceError
from nominations.importers import COLUMNS, import_nominations


class Command(BaseCommand):
    help = (
        "Import nominations from a spreadsheet (.xlsx or .csv), e.g. an online form's export. "
        "A dry run that reports every row unless --commit is given; with --commit it imports "
        "every row or, when any row is refused, none."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Path to the .xlsx or .csv file.")
        parser.add_argument("--programme", dest="slug", metavar="SLUG", required=True, help="Slug of the programme to import into.")
        parser.add_argument(
            "--user", dest="username", metavar="USERNAME", required=True, help="Username of an organiser of the programme; recorded as who imported."
        )
        parser.add_argument(
            "--map",
            dest="maps",
            action="append",
            default=[],
            metavar="HEADER=FIELD",
            help="Read the column HEADER into FIELD (repeatable); 'HEADER=' ignores that column. Fields: "
            + ", ".join(c.field for c in COLUMNS),
        )
        parser.add_argument("--commit", action="store_true", help="Write the nominations (default: dry run).")

    def handle(self, *args, file: str, slug: str, username: str, maps: list[str], commit: bool, **options):
        mapping = {}
        for item in maps:
            # Split at the last '=': a header may contain one, a field name never does.
            header, sep, target = item.rpartition("=")
            if not sep or not header.strip():
                raise CommandError(f"--map takes HEADER=FIELD, not '{item}'.")
            mapping[header.strip()] = target.strip()
        programme = Programme.objects.filter(slug=slug).first()
        if programme is None:
            raise CommandError(f"There is no programme '{slug}'.")
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"There is no user '{username}'.")
        path = Path(file)
        try:
            with path.open("rb") as handle:
                report = import_nominations(
                    file=handle,
                    filename=path.name,
                    programme=programme,
                    user=user,
                    mapping=mapping,
                    dry_run=not commit,
                    progress=self._progress_bar,
                )
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}.") from exc
        except ServiceError as exc:
            raise CommandError(exc.message) from exc

        refused = [row for row in report.rows if not row.accepted]
        if refused:
            width = max(len(column) for row in refused for column, _ in row.problems)
            width = max(width, len("Column"))
            self.stdout.write(f"{'Row':>5}  {'Column':<{width}}  Problem")
            for row in refused:
                for column, message in row.problems:
                    self.stdout.write(f"{row.row:>5}  {column:<{width}}  {message}")
        if report.ignored_columns:
            self.stdout.write(f"Columns not imported: {', '.join(report.ignored_columns)}.")
        if commit and report.refused:
            raise CommandError(report.message)
        style = self.style.SUCCESS if not report.refused else self.style.WARNING
        self.stdout.write(style(report.message))
        if not commit and not report.refused:
            self.stdout.write("Run again with --commit to import them.")

    def _progress_bar(self, rows, total):
        # On stderr, so the report on stdout can be redirected; hidden when stderr is not a terminal.
        return tqdm(rows, total=total, unit="row", desc="Checking rows", file=sys.stderr, disable=None)
