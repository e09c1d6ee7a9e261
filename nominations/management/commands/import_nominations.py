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
        parser.add_argument(
            "--value",
            dest="values",
            action="append",
            default=[],
            metavar="FIELD=VALUE",
            help="Give every row VALUE for FIELD, a field the file has no column for (repeatable), "
            "e.g. 'known in the last 12 months=yes'.",
        )
        parser.add_argument(
            "--category",
            dest="awards",
            action="append",
            default=[],
            metavar="AWARD=CATEGORY",
            help="Read the form's award name AWARD as the category CATEGORY (its name or slug; repeatable). "
            "Names and slugs however spelt ('PROUD Plus' for 'PROUD+') need none.",
        )
        parser.add_argument("--commit", action="store_true", help="Write the nominations (default: dry run).")

    def handle(
        self, *args, file: str, slug: str, username: str, maps: list[str], values: list[str], awards: list[str], commit: bool,
        **options,
    ):
        # Split at the last '=': a header or an award name may contain one, a field or category name hardly.
        mapping = self._pairs(maps, "--map", "HEADER=FIELD", allow_empty=True)
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
                    values=self._pairs(values, "--value", "FIELD=VALUE"),
                    categories=self._pairs(awards, "--category", "AWARD=CATEGORY"),
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
        if not commit:
            # How the file was read, to check before committing.
            self.stdout.write("Columns read:")
            shown = report.as_dict()
            for column in shown["columns"]:
                self.stdout.write(f"  {column['header']}  ->  {column['label']}")
            for value in shown["values"]:
                self.stdout.write(f"Value for every row: {value['label']} = {value['value']}")
            names = {category.slug: category.name for category in programme.categories.all()}
            for award in shown["categories"]:
                self.stdout.write(f"Award '{award['value']}' -> {names.get(award['category'], award['category'])}")
        if report.ignored_columns:
            self.stdout.write(f"Columns not imported: {', '.join(report.ignored_columns)}.")
        if commit and report.refused:
            raise CommandError(report.message)
        style = self.style.SUCCESS if not report.refused else self.style.WARNING
        self.stdout.write(style(report.message))
        if not commit and not report.refused:
            self.stdout.write("Run again with --commit to import them.")

    @staticmethod
    def _pairs(items: list[str], option: str, form: str, *, allow_empty: bool = False) -> dict[str, str]:
        pairs = {}
        for item in items:
            key, sep, value = item.rpartition("=")
            if not sep or not key.strip() or not (value.strip() or allow_empty):
                raise CommandError(f"{option} takes {form}, not '{item}'.")
            pairs[key.strip()] = value.strip()
        return pairs

    def _progress_bar(self, rows, total):
        # On stderr, so the report on stdout can be redirected; hidden when stderr is not a terminal.
        return tqdm(rows, total=total, unit="row", desc="Checking rows", file=sys.stderr, disable=None)
