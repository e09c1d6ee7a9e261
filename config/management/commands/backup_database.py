"""Back up the whole database to one file: SQLite with its online backup API (safe while the app
runs), PostgreSQL with pg_dump's custom format. `restore_database` reads the file back."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connections


def pg_tool(name: str) -> str:
    """A PostgreSQL client program: from PG_BINDIR when set, else the PATH."""
    bindir = os.environ.get("PG_BINDIR")
    found = str(Path(bindir) / name) if bindir else shutil.which(name)
    if not found or not Path(found).exists():
        raise CommandError(f"{name} was not found: install the PostgreSQL client programs or set PG_BINDIR.")
    return found


def pg_env(settings_dict: dict) -> dict[str, str]:
    """The connection settings as libpq's environment, so the password is never on a command line."""
    env = dict(os.environ)
    for key, name in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if settings_dict.get(key):
            env[name] = str(settings_dict[key])
    options = settings_dict.get("OPTIONS") or {}
    if options.get("sslmode"):
        env["PGSSLMODE"] = str(options["sslmode"])
    return env


def run(command: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise CommandError(f"{Path(command[0]).name} failed: {result.stderr.strip() or result.stdout.strip()}")


def vendor_of(alias: str) -> str:
    vendor = connections[alias].vendor
    if vendor not in ("sqlite", "postgresql"):
        raise CommandError(f"Backups of a {vendor} database are not supported.")
    return vendor


class Command(BaseCommand):
    help = "Back up the database to PATH (SQLite: a copy of the database file; PostgreSQL: a pg_dump custom-format file)."

    def add_arguments(self, parser):
        parser.add_argument("path", help="File to write.")
        parser.add_argument("--overwrite", action="store_true", help="Replace PATH if it exists.")
        parser.add_argument("--database", default="default", help="Database alias (default: default).")

    def handle(self, *args, path: str, overwrite: bool, database: str, **options):
        target = Path(path)
        if target.exists() and not overwrite:
            raise CommandError(f"{target} already exists; choose another file or pass --overwrite.")
        connection = connections[database]
        if vendor_of(database) == "sqlite":
            if target.exists():
                target.unlink()
            connection.ensure_connection()
            copy = sqlite3.connect(target)
            try:
                # The online backup API copies a consistent snapshot, even while others write.
                connection.connection.backup(copy)
            finally:
                copy.close()
        else:
            settings_dict = connection.settings_dict
            run(
                [pg_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", f"--file={target}", settings_dict["NAME"]],
                pg_env(settings_dict),
            )
        self.stdout.write(f"Backed up the {connection.vendor} database to {target} ({target.stat().st_size:,} bytes).")
