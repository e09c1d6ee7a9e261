"""Restore a backup made by `backup_database`: into the app's own database (replacing everything in
it: stop the app first), or with --into into another database, to check a backup without
touching the live one."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from .backup_database import pg_env, pg_tool, run, vendor_of


class Command(BaseCommand):
    help = (
        "Restore the database from a backup made by backup_database. Replaces everything in the database; "
        "--into restores into another database instead (SQLite: a file; PostgreSQL: an existing, empty database)."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="The backup file.")
        parser.add_argument("--into", default="", metavar="TARGET", help="Restore into this database instead of the app's own.")
        parser.add_argument("--no-input", "--noinput", action="store_false", dest="interactive", help="Do not ask for confirmation.")
        parser.add_argument("--database", default="default", help="Database alias (default: default).")

    def handle(self, *args, path: str, into: str, interactive: bool, database: str, **options):
        source = Path(path)
        if not source.is_file():
            raise CommandError(f"{source} is not a file.")
        connection = connections[database]
        vendor = vendor_of(database)
        if not into and interactive:
            answer = input(f"This replaces everything in the {vendor} database '{connection.settings_dict['NAME']}'. Type 'yes' to go on: ")
            if answer.strip().lower() != "yes":
                raise CommandError("Restore cancelled.")
        if vendor == "sqlite":
            self._restore_sqlite(source, connection, into)
        else:
            settings_dict = connection.settings_dict
            command = [pg_tool("pg_restore"), "--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error"]
            if not into:
                command += ["--clean", "--if-exists"]
            run([*command, f"--dbname={into or settings_dict['NAME']}", str(source)], pg_env(settings_dict))
        self.stdout.write(f"Restored {source} into {into or 'the ' + vendor + ' database'}.")

    def _restore_sqlite(self, source: Path, connection, into: str) -> None:
        backup = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            try:
                ok = backup.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
                tables = {row[0] for row in backup.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            except sqlite3.DatabaseError as error:
                raise CommandError(f"{source} is not a SQLite backup: {error}") from error
            if not ok or "django_migrations" not in tables:
                raise CommandError(f"{source} is not a backup of this application's database.")
            if into:
                target = sqlite3.connect(into)
                try:
                    backup.backup(target)
                finally:
                    target.close()
            else:
                connection.ensure_connection()
                backup.backup(connection.connection)
        finally:
            backup.close()
