"""Back up the whole database to one file: SQLite with its online backup API (safe while the app
runs), PostgreSQL with pg_dump's custom format. `restore_database` reads the file back.

A backup holds every young person's personal data: the file is readable by its owner only (0600,
created so before a byte is written), and with --encrypt-to (or PROUD_BACKUP_RECIPIENT) it is
encrypted to the operator's age public key ("age1…", in the age format: the `age` tool decrypts
it too); only the unencrypted copy's temporary file, also 0600, ever holds it in the clear."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import tempfile
from pathlib import Path

import pyrage
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


AGE_HEADER = b"age-encryption.org/v1"
OWNER_ONLY = 0o600


def private_file(path: Path) -> Path:
    """Create `path` empty, readable and writable by its owner only, before anything is written."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, OWNER_ONLY)
    os.close(fd)
    os.chmod(path, OWNER_ONLY)  # an existing file keeps its mode through O_CREAT: set it
    return path


def private_temp(directory: Path, suffix: str) -> Path:
    """A temporary file next to `directory`'s backups, owner-only (mkstemp makes it 0600)."""
    fd, name = tempfile.mkstemp(dir=directory, suffix=suffix, prefix=".proud-")
    os.close(fd)
    return Path(name)


def is_encrypted(path: Path) -> bool:
    with open(path, "rb") as file:
        return file.read(len(AGE_HEADER)) == AGE_HEADER


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
        parser.add_argument(
            "--encrypt-to",
            default=os.environ.get("PROUD_BACKUP_RECIPIENT", ""),
            metavar="AGE_PUBLIC_KEY",
            help="Encrypt the backup to this age public key (age1…); default: PROUD_BACKUP_RECIPIENT.",
        )

    def handle(self, *args, path: str, overwrite: bool, database: str, encrypt_to: str, **options):
        target = Path(path)
        if target.exists() and not overwrite:
            raise CommandError(f"{target} already exists; choose another file or pass --overwrite.")
        recipient = None
        if encrypt_to:
            try:
                recipient = pyrage.x25519.Recipient.from_str(encrypt_to.strip())
            except pyrage.RecipientError as error:
                raise CommandError(f"--encrypt-to is not an age public key (age1…): {error}") from error
        clear = private_temp(target.resolve().parent, ".clear") if recipient else target
        try:
            self._dump(clear, database)
            if recipient:
                private_file(target)
                pyrage.encrypt_file(str(clear), str(target), [recipient])
                os.chmod(target, OWNER_ONLY)
        finally:
            if recipient and clear.exists():
                clear.unlink()
        how = "encrypted to the age key given" if recipient else "not encrypted"
        self.stdout.write(
            f"Backed up the {connections[database].vendor} database to {target} ({target.stat().st_size:,} bytes, "
            f"readable by its owner only, {how})."
        )

    def _dump(self, target: Path, database: str) -> None:
        connection = connections[database]
        if vendor_of(database) == "sqlite":
            if target.exists():
                target.unlink()
            private_file(target)
            connection.ensure_connection()
            copy = sqlite3.connect(target)
            try:
                # The online backup API copies a consistent snapshot, even while others write.
                connection.connection.backup(copy)
            finally:
                copy.close()
        else:
            settings_dict = connection.settings_dict
            private_file(target)
            run(
                [pg_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", f"--file={target}", settings_dict["NAME"]],
                pg_env(settings_dict),
            )
        os.chmod(target, OWNER_ONLY)
