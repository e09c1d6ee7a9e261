"""`make serve` (scripts/serve) refuses what is not production: no database URL, SQLite, a process
the Procfile does not have. (tests/test_scale_out.py runs it for real on PostgreSQL.)"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def serve(*args, **env):
    environment = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    environment.update(PROUD_SKIP_SETUP="1", PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}", **env)
    return subprocess.run(["bash", "scripts/serve", *args], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize(
    ("url", "says"),
    [
        (None, "DATABASE_URL is not set. make serve runs PROUD in production on PostgreSQL"),
        ("sqlite:///db.sqlite3", "DATABASE_URL is sqlite, not PostgreSQL."),
    ],
)
def test_serve_refuses_anything_but_postgresql(url, says):
    done = serve(**({"DATABASE_URL": url} if url else {}))
    assert done.returncode == 1
    assert says in done.stderr and "make run" in done.stderr
    assert done.stdout == ""  # nothing was started or migrated


def test_serve_refuses_a_process_the_procfile_does_not_have():
    done = serve("web", "cron", DATABASE_URL="postgres://nobody@127.0.0.1:1/none", SECRET_KEY="x" * 60)
    assert (done.returncode, done.stderr.strip().splitlines()[-1]) == (
        1, "serve: error: no process 'cron' in the Procfile (web, worker, scheduler).",
    )


def test_every_procfile_process_is_one_serve_knows():
    names = [line.split(":")[0] for line in (ROOT / "Procfile").read_text().splitlines() if line and not line.startswith("#")]
    assert names == ["web", "worker", "scheduler"]
