"""On SQLite (the demo's database, a file) two requests writing at once take turns, as they do on
PostgreSQL: two walk-ins racing for the last seat get one seat and one 409 "the event is full",
never a 503 "the database did not answer" (SQLite refused the second writer at once, "database is
locked", when both had read before either wrote)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif("connection.vendor != 'sqlite'", reason="SQLite's own locking")


def test_two_walk_ins_for_the_last_seat_get_one_seat_and_one_409(tmp_path):
    assert connection.vendor == "sqlite"
    env = {
        **{key: value for key, value in os.environ.items() if key != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "1",
        "PROUD_REQUIRE_2FA": "0",
    }
    run = subprocess.run(
        [sys.executable, "-m", "tests.night.sqlite_race"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=180
    )
    assert run.returncode == 0, run.stderr[-3000:]
    outcome = json.loads(run.stdout.strip().splitlines()[-1])

    statuses = sorted(answer["status"] for answer in outcome["answers"])
    assert statuses == [201, 409], outcome
    refused = next(answer["body"] for answer in outcome["answers"] if answer["status"] == 409)
    assert refused["code"] == "capacityfull" and refused["detail"].startswith("The event is full")
    assert outcome["seats_taken"] == 1 == outcome["walk_ins"]
