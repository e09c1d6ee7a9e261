"""Backups are the owner's only and can be encrypted to the operator's age key; every erasure is
in the erasure register (no personal data: a record id and a keyed fingerprint), and a restore of a
backup made before an erasure applies it again and says how many."""

import os
import stat

import pyrage
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from data_protection.models import ErasureRecord
from data_protection.services import (
    ERASED_NAME,
    erasures_reapply,
    nominee_erase,
    nominee_fingerprint,
)
from nominations.models import Nomination, Nominee
from tests.data_protection.test_data_protection import occurrences
from tests.factories import NominationFactory, NomineeFactory

pytestmark = pytest.mark.django_db

# A backup and a restore run outside the test's transaction (the online backup API waits for an
# open write transaction to end), so these tests commit and Django empties the tables after them.
sqlite_only = [
    pytest.mark.skipif(connection.vendor != "sqlite", reason="restores the test database in place (SQLite)"),
    pytest.mark.django_db(transaction=True),
]


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture
def zebedee(programme):
    nominee = NomineeFactory(programme=programme, legal_first_name="Zebedee", legal_last_name="Quillfeather")
    NominationFactory(programme=programme, nominee=nominee, nominator_name="Hester Quillfeather", achievement="Zebedee rebuilt the bike shed.")
    return nominee


@sqlite_only[0]
@sqlite_only[1]
def test_backup_is_readable_by_its_owner_only_even_over_a_world_readable_file(tmp_path, zebedee):
    path = tmp_path / "proud.sqlite3"
    path.write_bytes(b"")
    os.chmod(path, 0o644)
    old = os.umask(0o022)
    try:
        call_command("backup_database", str(path), "--overwrite")
    finally:
        os.umask(old)

    assert mode(path) == 0o600


@sqlite_only[0]
@sqlite_only[1]
def test_encrypted_backup_holds_nothing_in_the_clear_and_restores_with_the_identity(tmp_path, zebedee, capsys):
    identity = pyrage.x25519.Identity.generate()
    key_file = tmp_path / "backup-key.txt"
    key_file.write_text(f"# created for the test\n{identity}\n")
    path = tmp_path / "proud.sqlite3.age"

    call_command("backup_database", str(path), "--encrypt-to", str(identity.to_public()))

    data = path.read_bytes()
    assert data.startswith(b"age-encryption.org/v1\n")
    assert b"Zebedee" not in data and b"SQLite format" not in data
    assert mode(path) == 0o600
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".proud-")] == []  # no clear copy left
    assert "readable by its owner only, encrypted to the age key given" in capsys.readouterr().out

    with pytest.raises(CommandError, match="encrypted: give the age identity"):
        call_command("restore_database", str(path), "--no-input")
    Nominee.objects.filter(pk=zebedee.pk).update(legal_first_name="Changed")
    call_command("restore_database", str(path), "--no-input", "--identity", str(key_file))
    assert Nominee.objects.get(pk=zebedee.pk).legal_first_name == "Zebedee"


def test_backup_refuses_a_key_that_is_not_an_age_key(tmp_path):
    with pytest.raises(CommandError, match="not an age public key"):
        call_command("backup_database", str(tmp_path / "b"), "--encrypt-to", "not-a-key")


def test_erasure_register_holds_an_id_and_a_keyed_fingerprint_and_no_personal_data(zebedee, organiser):
    fingerprint = nominee_fingerprint(zebedee)

    nominee_erase(nominee=zebedee, actor=organiser, reason="Zebedee asked.")

    assert list(ErasureRecord.objects.values_list("nominee_id", "fingerprint")) == [(zebedee.pk, fingerprint)]
    assert len(fingerprint) == 64 and "zebedee" not in fingerprint.casefold()
    assert [row for row in occurrences(["Zebedee", "Quillfeather"]) if row[0] == "ErasureRecord"] == []
    nominee_erase(nominee=zebedee, actor=organiser, reason="Again.")
    assert ErasureRecord.objects.count() == 1  # an erased record is not registered twice


@sqlite_only[0]
@sqlite_only[1]
def test_restore_applies_again_every_erasure_made_since_the_backup_and_says_how_many(tmp_path, zebedee, organiser, capsys):
    other = NomineeFactory(programme=zebedee.programme, legal_first_name="Olwen", legal_last_name="Brightwater")
    path = tmp_path / "before-erasure.sqlite3"
    call_command("backup_database", str(path))
    nominee_erase(nominee=zebedee, actor=organiser, reason="They asked.")
    capsys.readouterr()

    call_command("restore_database", str(path), "--no-input")

    out = capsys.readouterr().out
    assert "Erasure register: 1 erasure recorded; 1 re-applied to records the backup brought back" in out
    assert Nominee.objects.get(pk=zebedee.pk).legal_first_name == ERASED_NAME
    assert occurrences(["Zebedee", "Quillfeather"]) == []
    assert Nominee.objects.get(pk=other.pk).legal_first_name == "Olwen"
    assert ErasureRecord.objects.count() == 1  # the register survives the restore
    assert Nomination.objects.get(nominee=zebedee).achievement == "[erased]"


def test_reapply_leaves_alone_a_record_that_is_now_someone_else(zebedee):
    entry = {"nominee_id": zebedee.pk, "fingerprint": "0" * 64, "erased_at": "2026-01-01T00:00:00+00:00"}

    report = erasures_reapply([entry, {**entry, "nominee_id": 999999}])

    assert (report.reapplied, report.already, report.absent, report.different) == (0, 0, 1, 1)
    assert Nominee.objects.get(pk=zebedee.pk).legal_first_name == "Zebedee"


def test_register_file_outside_the_database_is_written_owner_only(tmp_path, zebedee, organiser, settings, django_capture_on_commit_callbacks):
    settings.PROUD_ERASURE_REGISTER = str(tmp_path / "erasure-register.jsonl")

    with django_capture_on_commit_callbacks(execute=True):
        nominee_erase(nominee=zebedee, actor=organiser, reason="They asked.")

    text = (tmp_path / "erasure-register.jsonl").read_text()
    assert f'"nominee_id": {zebedee.pk}' in text and "Zebedee" not in text
    assert mode(tmp_path / "erasure-register.jsonl") == 0o600
