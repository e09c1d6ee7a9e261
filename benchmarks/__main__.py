"""The performance benchmark (`make bench`): PROUD at national scale against its peer and the floor.

Run by scripts/bench, which starts a throwaway PostgreSQL (scripts/with-postgres) and sets
DATABASE_URL. This runner migrates that database once, copies it as a template into one database
per size (1,000, 10,000 and 100,000 nominations, seeded in bulk by `seed_demo --bulk`, the two
small ones alongside the large one), then measures each in its own process
(benchmarks.suite), drives gunicorn with wrk, and writes benchmarks/report.json,
benchmarks/report.md and the table in the README.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from . import load, report

ROOT = Path(__file__).resolve().parent.parent
SIZES = (1_000, 10_000, 100_000)
PYTHON = sys.executable


def say(message: str) -> None:
    print(f"bench: {message}", flush=True)


def _database_url(base: str, name: str) -> str:
    parts = urlsplit(base)
    return urlunsplit(parts._replace(path=f"/{name}"))


def _env(base_env: dict, url: str, **extra) -> dict:
    env = dict(base_env, DATABASE_URL=url)
    env.update(extra)
    return env


def _create_database(base_url: str, name: str, template: str) -> None:
    import psycopg

    with psycopg.connect(_database_url(base_url, "postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')


def _suite(env: dict, *args: str) -> dict:
    out = subprocess.run(
        [PYTHON, "-m", "benchmarks.suite", *args], env=env, cwd=ROOT, check=True, stdout=subprocess.PIPE, text=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)), help="Nominations per database (default %(default)s).")
    parser.add_argument("--requests", type=int, default=30, help="Requests per list and size for latencies.")
    parser.add_argument("--load-seconds", type=int, default=15, help="How long wrk drives each page.")
    parser.add_argument("--repeat", type=int, default=2, help="Best of how many runs for the workbook and small exports.")
    parser.add_argument("--rank-nominations", type=int, default=10_000)
    parser.add_argument("--import-rows", type=int, default=10_000)
    parser.add_argument("--certificates", type=int, default=1_000, help="Certificates in the PDF measured.")
    parser.add_argument(
        "--only-documents", action="store_true",
        help="Seed the largest size only and measure the certificates and print pack, keeping the other "
        "results of benchmarks/report.json (a quick way to measure the PDFs again).",
    )
    parser.add_argument(
        "--keep-documents", action="store_true",
        help="Measure everything but the certificates and print pack, keeping those rows of benchmarks/report.json "
        "with the date they were measured (they take minutes and change only with the PDF code).",
    )
    args = parser.parse_args(argv)
    sizes = sorted(int(size) for size in args.sizes.split(","))
    big = sizes[-1]

    base_url = os.environ.get("DATABASE_URL", "")
    if not base_url.startswith(("postgres://", "postgresql://")):
        sys.exit("bench: DATABASE_URL must point at PostgreSQL (scripts/bench starts one).")
    started = time.monotonic()
    template = urlsplit(base_url).path.lstrip("/")
    # Seeding refuses to run without DEBUG; measuring runs as production does (DEBUG off).
    seed_env = _env(os.environ, base_url, DEBUG="1")
    measure_env = _env(
        os.environ, base_url, DEBUG="0", SECRET_KEY="benchmark-only-key-" + "x" * 40,
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver", SECURE_SSL_REDIRECT="0", PROUD_RSVP_LINK_RATE="100000/h",
        PYTHONWARNINGS="ignore", DJANGO_SETTINGS_MODULE="config.settings",
    )
    timings = {}

    say("migrating the template database")
    clock = time.monotonic()
    subprocess.run([PYTHON, "manage.py", "migrate", "--verbosity", "0"], env=seed_env, cwd=ROOT, check=True)
    subprocess.run([PYTHON, "manage.py", "createcachetable"], env=seed_env, cwd=ROOT, check=True)
    # As on a deploy: the app runs with DEBUG off, so it serves the collected, hashed static files.
    subprocess.run([PYTHON, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"], env=measure_env, cwd=ROOT, check=True)
    timings["migrate"] = time.monotonic() - clock

    if args.only_documents:
        _documents_only(args, base_url, big, seed_env, measure_env, started, timings)
        return
    urls = {size: _database_url(base_url, f"bench_{size}") for size in sizes}
    say(f"seeding {', '.join(f'{size:,}' for size in sizes)} nominations (the small ones alongside the large one)")
    clock = time.monotonic()
    seeds = {}
    for size in sorted(sizes, reverse=True):
        _create_database(base_url, f"bench_{size}", template)
        seeds[size] = (time.monotonic(), subprocess.Popen(
            [PYTHON, "manage.py", "seed_demo", "--nominations", str(size), "--bulk"],
            env=_env(seed_env, urls[size]), cwd=ROOT, stdout=subprocess.PIPE, text=True,
        ))
    seed_seconds = {}
    for size, (begun, process) in seeds.items():
        output, _ = process.communicate()
        if process.returncode:
            sys.exit(f"bench: seed_demo --nominations {size} failed")
        seed_seconds[size] = round(time.monotonic() - begun, 1)
        created = next((line for line in output.splitlines() if line.startswith("Created")), "")
        say(f"  {size:,}: {created} ({seed_seconds[size]}s wall, alongside the others)")
    timings["seed"] = time.monotonic() - clock

    results: dict = {"sizes": sizes, "seed_seconds": seed_seconds, "by_size": {}}
    for size in sizes:
        parts = ["export", "lists"] + (["workbook"] if size == big else [])  # the export first: a fresh process
        say(f"measuring {', '.join(parts)} at {size:,} nominations")
        clock = time.monotonic()
        results["by_size"][size] = _suite(
            _env(measure_env, urls[size]), *parts, "--requests", str(args.requests), "--repeat", str(args.repeat)
        )
        timings[f"measure_{size}"] = time.monotonic() - clock

    say(f"throughput: gunicorn (2 workers) and wrk, {args.load_seconds}s per page")
    clock = time.monotonic()
    results["load"] = load.run(_env(measure_env, urls[big]), seconds=args.load_seconds)
    timings["load"] = time.monotonic() - clock

    say(f"ranking a category of {args.rank_nominations:,} nominations × 5 members × 5 criteria")
    clock = time.monotonic()
    results["ranking"] = _suite(
        _env(measure_env, urls[big]), "ranking", "--rank-nominations", str(args.rank_nominations), "--repeat", str(args.repeat)
    )["ranking"]
    timings["ranking"] = time.monotonic() - clock

    documents_date = None
    if args.keep_documents:
        previous = json.loads(report.JSON.read_text())
        results["documents"] = previous["documents"]
        documents_date = previous["report"].get("documents_date") or previous["report"]["date"]
        say(f"certificates and the print pack: kept from the run of {documents_date}")
    else:
        say(f"certificates ({args.certificates:,}) and the print pack of the {big:,}-nomination event, as PDF")
        clock = time.monotonic()
        results["documents"] = _suite(_env(measure_env, urls[big]), "documents", "--certificates", str(args.certificates))["documents"]
        timings["documents"] = time.monotonic() - clock

    say(f"importing a {args.import_rows:,}-row spreadsheet (dry run, then for real)")
    clock = time.monotonic()
    results["import"] = _suite(_env(measure_env, urls[big]), "import", "--import-rows", str(args.import_rows))["import"]
    timings["import"] = time.monotonic() - clock

    timings["total"] = time.monotonic() - started
    results["timings_seconds"] = {key: round(value, 1) for key, value in timings.items()}
    paths = report.write(results, documents_date=documents_date)
    say(f"done in {timings['total'] / 60:.1f} minutes; wrote {', '.join(str(p.relative_to(ROOT)) for p in paths)}")
    print(report.markdown_table(results["report"]))


def _documents_only(args, base_url, big, seed_env, measure_env, started, timings) -> None:
    """Measure the PDFs alone on a fresh seed of the largest size; every other result is the one
    benchmarks/report.json holds from the last whole run."""
    previous = json.loads(report.JSON.read_text())
    previous["by_size"] = {int(size): value for size, value in previous["by_size"].items()}  # JSON keys are text
    url = _database_url(base_url, f"bench_{big}")
    template = urlsplit(base_url).path.lstrip("/")
    _create_database(base_url, f"bench_{big}", template)
    say(f"seeding {big:,} nominations")
    subprocess.run([PYTHON, "manage.py", "seed_demo", "--nominations", str(big), "--bulk"], env=_env(seed_env, url), cwd=ROOT,
                   check=True, stdout=subprocess.DEVNULL)
    say(f"certificates ({args.certificates:,}) and the print pack of the {big:,}-nomination event, as PDF")
    clock = time.monotonic()
    previous["documents"] = _suite(_env(measure_env, url), "documents", "--certificates", str(args.certificates))["documents"]
    print(json.dumps(previous["documents"]), flush=True)  # kept in the log whatever happens next
    previous["timings_seconds"]["documents"] = round(time.monotonic() - clock, 1)
    date = previous.pop("report", {}).get("date")
    paths = report.write(previous, previous_date=date)
    say(f"done in {(time.monotonic() - started) / 60:.1f} minutes; wrote {', '.join(str(p.relative_to(ROOT)) for p in paths)}")
    print(report.markdown_table(previous["report"]))


if __name__ == "__main__":
    main()
