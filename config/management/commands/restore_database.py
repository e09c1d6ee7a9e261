"""Restore a backup made by `backup_database`: into the app's own database (replacing everything in
it: stop the app first), or with --into into another database, to check a backup without
touching the live one.

An encrypted backup is decrypted with the operator's age identity (--identity FILE or
PROUD_BACKUP_IDENTITY) into an owner-only temporary file that is deleted afterwards.

A backup made before an erasure would bring the erased person back: before replacing the app's own
database the erasure register is read (the table, and the file PROUD_ERASURE_REGISTER when set),
and after the restore every erasure in it is applied again, and the command says how many."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pyrage
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connections

from data_protection.models import ErasureRecord
from data_protection.services import (
    erasure_register_entries,
    erasure_register_file_entries,
    erasures_reapply,
)

from .backup_database import is_encrypted, pg_env, pg_tool, private_temp, run, vendor_of


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
        parser.add_argument(
            "--identity",
            default=os.environ.get("PROUD_BACKUP_IDENTITY", ""),
            metavar="FILE",
            help="The age identity file (AGE-SECRET-KEY-…) an encrypted backup is decrypted with; default: PROUD_BACKUP_IDENTITY.",
        )

    def handle(self, *args, path: str, into: str, interactive: bool, database: str, identity: str, **options):
        source = Path(path)
        if not source.is_file():
            raise CommandError(f"{source} is not a file.")
        if not is_encrypted(source):
            self._restore(source, into, interactive, database)
            return
        if not identity:
            raise CommandError(f"{source} is encrypted: give the age identity file with --identity (or PROUD_BACKUP_IDENTITY).")
        try:
            keys = [
                pyrage.x25519.Identity.from_str(line.strip())
                for line in Path(identity).read_text().splitlines()
                if line.strip().startswith("AGE-SECRET-KEY-")
            ]
        except (OSError, pyrage.IdentityError) as error:
            raise CommandError(f"Could not read the age identity {identity}: {error}") from error
        clear = private_temp(source.resolve().parent, ".clear")
        try:
            try:
                pyrage.decrypt_file(str(source), str(clear), keys)
            except pyrage.DecryptError as error:
                raise CommandError(f"{source} could not be decrypted with that identity: {error}") from error
            self._restore(clear, into, interactive, database, shown=source)
        finally:
            clear.unlink(missing_ok=True)

    def _restore(self, source: Path, into: str, interactive: bool, database: str, shown: Path | None = None) -> None:
        shown = shown or source
        connection = connections[database]
        vendor = vendor_of(database)
        if not into and interactive:
            answer = input(f"This replaces everything in the {vendor} database '{connection.settings_dict['NAME']}'. Type 'yes' to go on: ")
            if answer.strip().lower() != "yes":
                raise CommandError("Restore cancelled.")
        # Read before the restore replaces the table; the file, when set, survives anyway.
        entries = _register_entries(database) if not into else []
        if vendor == "sqlite":
            self._restore_sqlite(source, connection, into)
        else:
            settings_dict = connection.settings_dict
            command = [pg_tool("pg_restore"), "--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error"]
            if not into:
                command += ["--clean", "--if-exists"]
            run([*command, f"--dbname={into or settings_dict['NAME']}", str(source)], pg_env(settings_dict))
        self.stdout.write(f"Restored {shown} into {into or 'the ' + vendor + ' database'}.")
        if not into:
            self._reapply(database, entries)

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

    def _reapply(self, database: str, entries: list[dict]) -> None:
        connection = connections[database]
        if ErasureRecord._meta.db_table not in connection.introspection.table_names():
            call_command("migrate", "data_protection", interactive=False, verbosity=0, database=database)
        entries = _merge(entries, _register_entries(database))
        report = erasures_reapply(entries)
        self.stdout.write(
            f"Erasure register: {len(entries)} erasure{'s' if len(entries) != 1 else ''} recorded; "
            f"{report.reapplied} re-applied to records the backup brought back, {report.already} already erased in the backup, "
            f"{report.absent} not in the backup, {report.different} left alone (the record is now someone else)."
        )


def _register_entries(database: str) -> list[dict]:
    """The erasure register as it is in `database` (and the register file)."""
    connection = connections[database]
    try:
        has_table = ErasureRecord._meta.db_table in connection.introspection.table_names()
    except DatabaseError:
        has_table = False
    return erasure_register_entries() if has_table else erasure_register_file_entries()


def _merge(*lists: list[dict]) -> list[dict]:
    seen = {}
    for entries in lists:
        for entry in entries:
            seen.setdefault((entry["nominee_id"], entry["fingerprint"]), entry)
    return sorted(seen.values(), key=lambda e: (e["erased_at"], e["nominee_id"]))
