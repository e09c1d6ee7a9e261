"""What one 2-core server holds: `make capacity` (scripts/capacity) runs this on a throwaway
PostgreSQL: it seeds the 5,000-guest demo night (`seed_demo --bulk`, 100,000 nominations), starts
production with scripts/serve (the same as `make serve`: gunicorn, two task workers, the scheduler;
e-mail to a local SMTP server that discards it), and replays on loopback, as browsers behind a TLS
proxy would (X-Forwarded-Proto, and X-Forwarded-For with an address per carer from 198.18.0.0/15,
the range set aside for benchmarks, so each carer has their own rate limits):

1. the RSVP rush: CARERS carers open their private link, read the page and send their answer
   (the form as the page fills it), arriving evenly over RUSH seconds (1,000 in ten minutes on the
   morning the invitations go out, compressed); two organisers browse meanwhile;
2. the door: ten phones check in the night's guests, each phone its share. As the page's script
   does: the door page, then the whole guest list once (packed JSON; searching it happens on the
   phone, so a search costs the server nothing), then "Arrived" (posted as JSON, answered with the
   arrivals as a bitmap) for most, and for OFFLINE_SHARE of them
   the arrivals kept while offline, sent as batches of 25; each phone polls the totals every 10
   seconds; a pause of DOOR_THINK seconds between guests; the organisers browse meanwhile.

It reports, per journey, requests per second, p50/p95/p99 latency and errors, writes
benchmarks/capacity.json and the README table between the capacity markers. A request is an error
when it fails, times out or answers anything but what the journey expects.

    python -m benchmarks.capacity [--carers 1000] [--rush 200] [--door-think 1.0] [--guests N]
"""

from __future__ import annotations

import argparse
import html.parser
import json
import os
import platform
import random
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import requests
from django_otp.oath import TOTP

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "benchmarks" / "capacity.json"
README = ROOT / "README.md"
TARGET_P95_MS = 300
BATCH = 25

PREPARE = r"""
import binascii, json, sys
import django
django.setup()
from django.contrib.auth import get_user_model
from django_otp.plugins.otp_totp.models import TOTPDevice
from events.links import link_create
from events.models import Event, Invitation
from events.selectors import guests_coming

carers, organisers = int(sys.argv[1]), int(sys.argv[2])
event = Event.objects.get(programme__slug="proud-2026")
invitations = Invitation.objects.filter(event=event, kind="finalist", status__in=["sent", "accepted"]).order_by("?")[:carers]
tokens = [link_create(invitation) for invitation in invitations]
guests = list(guests_coming(event).filter(checked_in_at__isnull=True).order_by("?").values_list("pk", "name"))
# One account per organiser browsing: each signs in with a code of its own authenticator.
from awards.models import ProgrammeRole
from django.conf import settings
keys = []
for n in range(organisers):
    user, _ = get_user_model().objects.get_or_create(username=f"capacity-organiser-{n}")
    user.set_password(settings.DEMO_PASSWORD)
    user.save()
    ProgrammeRole.objects.get_or_create(programme=event.programme, user=user, role="organiser")
    device, _ = TOTPDevice.objects.get_or_create(user=user, name="capacity run", defaults={"confirmed": True})
    keys.append(device.key)
print(json.dumps({"event": event.pk, "tokens": tokens, "guests": guests, "totp_keys": keys}))
"""


# --- measuring -------------------------------------------------------------------------------------


@dataclass
class Sample:
    journey: str
    step: str
    at: float
    ms: float
    ok: bool
    status: int | str


@dataclass
class Recorder:
    samples: list[Sample] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, sample: Sample) -> None:
        with self.lock:
            self.samples.append(sample)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    index = min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


class FormFields(html.parser.HTMLParser):
    """The fields a browser would send with the form that holds `marker` (inputs, checked boxes,
    selected options, text areas), as the page filled them in and the person answered it."""

    def __init__(self, marker: str):
        super().__init__()
        self.marker, self.forms, self.current, self.select, self.textarea = marker, [], None, None, None
        self.radios: list[dict[str, str]] = []  # per form: each question's first option

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.current = []
            self.forms.append(self.current)
            self.radios.append({})
        elif self.current is None:
            return
        elif tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            if kind == "radio":
                self.radios[-1].setdefault(a["name"], a.get("value", "on"))
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.current.append((a["name"], a.get("value", "on")))
            elif kind not in ("submit", "button", "file"):
                self.current.append((a["name"], a.get("value", "")))
        elif tag == "select":
            self.select = a.get("name")
        elif tag == "option" and self.select and "selected" in a:
            self.current.append((self.select, a.get("value", "")))
        elif tag == "textarea" and a.get("name"):
            self.textarea = [a["name"], ""]

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "select":
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            self.current.append(tuple(self.textarea))
            self.textarea = None
        elif tag == "form":
            self.current = None

    def fields(self) -> list[tuple[str, str]]:
        """The form's fields; a question the page left unanswered (a photography choice nobody has
        made yet) gets its first option, as the person filling it in must choose one."""
        for form, radios in zip(self.forms, self.radios, strict=True):
            if any(name == self.marker for name, _ in form):
                answered = {name for name, _ in form}
                return form + [(name, value) for name, value in radios.items() if name not in answered]
        return []


class Browser:
    """One person's browser behind the TLS proxy: keep-alive, cookies by hand (they are Secure)."""

    def __init__(self, port: int, recorder: Recorder, journey: str, address: str = "198.18.0.1"):
        self.base, self.origin = f"http://127.0.0.1:{port}", f"https://127.0.0.1:{port}"
        self.recorder, self.journey, self.address = recorder, journey, address
        self.http = requests.Session()
        self.cookies: dict[str, str] = {}

    def call(self, step: str, method: str, path: str, expect=(200,), **kwargs) -> requests.Response | None:
        headers = {"X-Forwarded-Proto": "https", "X-Forwarded-For": self.address, "Origin": self.origin,
                   **kwargs.pop("headers", {})}
        if "csrftoken" in self.cookies:
            headers.setdefault("X-CSRFToken", self.cookies["csrftoken"])
        started = time.perf_counter()
        try:
            response = self.http.request(method, self.base + path, headers=headers, cookies=dict(self.cookies),
                                         allow_redirects=False, timeout=30, **kwargs)
        except requests.RequestException as error:
            self.recorder.add(Sample(self.journey, step, time.monotonic(), (time.perf_counter() - started) * 1000, False, type(error).__name__))
            return None
        ms = (time.perf_counter() - started) * 1000
        self.cookies.update(response.cookies.get_dict())
        self.recorder.add(Sample(self.journey, step, time.monotonic(), ms, response.status_code in expect, response.status_code))
        return response


def csrf_from(page: requests.Response) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text) or re.search(
        r'<meta name="csrf-token" content="([^"]+)"', page.text)
    return match.group(1) if match else ""


def sign_in(browser: Browser, username: str, password: str, totp_key: str | None = None) -> bool:
    page = browser.call("sign in", "GET", "/accounts/login/")
    done = page is not None and browser.call("sign in", "POST", "/accounts/login/", expect=(302,), data={
        "username": username, "password": password, "csrfmiddlewaretoken": csrf_from(page)})
    if not done:
        return False
    if totp_key:
        page = browser.call("sign in", "GET", "/accounts/two-factor/")
        code = TOTP(bytes.fromhex(totp_key)).token()
        done = page is not None and browser.call("sign in", "POST", "/accounts/two-factor/", expect=(302,), data={
            "otp_token": f"{code:06d}", "csrfmiddlewaretoken": csrf_from(page)})
    return bool(done)


# --- the journeys --------------------------------------------------------------------------------


def carer(port: int, recorder: Recorder, token: str, number: int, think: float) -> None:
    """Open the private link, read the page, send the answer as the page fills it in."""
    browser = Browser(port, recorder, "RSVP rush", f"198.18.{number // 250}.{number % 250 + 1}")
    if browser.call("open the link", "GET", f"/rsvp/{token}/", expect=(302,)) is None:
        return
    page = browser.call("read the page", "GET", "/rsvp/")
    if page is None or page.status_code != 200:
        return
    time.sleep(think)
    parser = FormFields("private_form")
    parser.feed(page.text)
    fields = [(name, value) for name, value in parser.fields() if name != "rsvp-attending"] + [("rsvp-attending", "yes")]
    browser.call("send the answer", "POST", "/rsvp/", expect=(302,), data=fields)


def organiser(port: int, recorder: Recorder, password: str, totp_key: str, event: int, stop: threading.Event, seed: int) -> None:
    """Browse the nominations (list, filtered, one nomination), the dashboard and the event."""
    rng = random.Random(seed)
    browser = Browser(port, recorder, "Organisers browsing", "198.51.100.7")
    if not sign_in(browser, f"capacity-organiser-{seed}", password, totp_key):
        return
    while not stop.is_set():
        listing = browser.call("nominations", "GET", f"/organise/nominations/?page={rng.randint(1, 20)}")
        browser.call("nominations filtered", "GET", "/organise/nominations/?status=eligible")
        ids = re.findall(r'href="/organise/nominations/(\d+)/"', listing.text if listing is not None else "")
        if ids:
            browser.call("a nomination", "GET", f"/organise/nominations/{rng.choice(ids)}/")
        browser.call("dashboard", "GET", "/dashboard/")
        browser.call("event", "GET", f"/event/{event}/")
        stop.wait(2.0)


def phone(port: int, recorder: Recorder, password: str, event: int, guests: list, offline_share: float, think: float, seed: int) -> None:
    """One door phone: a search then "Arrived" for most guests; a batch of arrivals kept offline for
    the rest; the totals every 10 seconds."""
    rng = random.Random(seed)
    browser = Browser(port, recorder, "Door", "203.0.113.20")
    time.sleep(seed)  # the volunteers open the door page one after another, not in the same second
    if not sign_in(browser, "door", password):
        return
    page = browser.call("door page", "GET", f"/event/{event}/door/")
    browser.cookies.setdefault("csrftoken", csrf_from(page) if page is not None else "")
    browser.call("guest list", "GET", f"/event/{event}/door/guests/")
    kept: list[dict] = []
    last_poll = time.monotonic()
    for pk, _name in guests:
        if rng.random() < offline_share:
            kept.append({"guest": pk, "at": datetime.now(UTC).isoformat()})
            if len(kept) == BATCH:
                browser.call("offline batch", "POST", f"/event/{event}/door/arrivals/?arrived=bits", json={"arrivals": kept})
                kept = []
        else:
            # The volunteer finds the guest in the list on the phone, then taps "Arrived".
            browser.call("arrived", "POST", f"/event/{event}/door/arrivals/?arrived=bits",
                         json={"arrivals": [{"guest": pk, "at": None}]})
        if time.monotonic() - last_poll >= 10:
            browser.call("totals", "GET", f"/event/{event}/door/totals/?arrived=bits")
            last_poll = time.monotonic()
        time.sleep(think)
    if kept:
        browser.call("offline batch", "POST", f"/event/{event}/door/arrivals/?arrived=bits", json={"arrivals": kept})


# --- running it ----------------------------------------------------------------------------------


def warm_up(port: int, password: str, prepared: dict) -> None:
    """Every gunicorn worker loads its templates and URL patterns before the measurement starts
    (the first requests of a fresh worker are several times slower); nothing is written."""
    door = Browser(port, Recorder(), "warm-up")
    sign_in(door, "door", password)
    anonymous = Browser(port, Recorder(), "warm-up")
    for _ in range(12):
        anonymous.call("warm", "GET", "/")
        anonymous.call("warm", "GET", "/rsvp/")
        door.call("warm", "GET", f"/event/{prepared['event']}/door/", params={"q": "a"})
        door.call("warm", "GET", f"/event/{prepared['event']}/door/totals/?arrived=bits")
        door.call("warm", "GET", f"/event/{prepared['event']}/door/guests/")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def run(command: list[str], env: dict, **kwargs) -> subprocess.CompletedProcess:
    print("$", " ".join(command[:6]), flush=True)
    return subprocess.run(command, cwd=ROOT, env=env, check=True, **kwargs)


def summarise(recorder: Recorder, journeys: list[str]) -> list[dict]:
    rows = []
    for journey in journeys:
        samples = [s for s in recorder.samples if s.journey == journey and s.step != "sign in"]
        if not samples:
            continue
        seconds = max(s.at for s in samples) - min(s.at - s.ms / 1000 for s in samples)
        ms = [s.ms for s in samples]
        errors = [s for s in samples if not s.ok]
        rows.append({
            "journey": journey, "requests": len(samples), "seconds": round(seconds, 1),
            "rps": round(len(samples) / seconds, 1) if seconds else 0.0,
            "p50_ms": round(percentile(ms, 50)), "p95_ms": round(percentile(ms, 95)), "p99_ms": round(percentile(ms, 99)),
            "errors": len(errors),
            "error_kinds": sorted({f"{s.step}: {s.status}" for s in errors}),
            "steps": {
                step: {"requests": len(part), "p50_ms": round(percentile(part, 50)), "p95_ms": round(percentile(part, 95))}
                for step in sorted({s.step for s in samples})
                for part in [[s.ms for s in samples if s.step == step]]
            },
        })
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--nominations", type=int, default=100_000, help="demo size: 100,000 makes the 5,000-guest night")
    parser.add_argument("--carers", type=int, default=1000)
    parser.add_argument("--rush", type=float, default=200.0, help="seconds over which the carers arrive")
    parser.add_argument("--guests", type=int, default=0, help="guests to check in (default: everyone coming)")
    parser.add_argument("--phones", type=int, default=10)
    parser.add_argument("--door-think", type=float, default=1.0, help="seconds between two guests at one phone")
    parser.add_argument("--offline-share", type=float, default=0.3)
    parser.add_argument("--organisers", type=int, default=2)
    parser.add_argument("--web-concurrency", type=int, default=0, help="gunicorn workers (default: as make serve)")
    parser.add_argument("--no-readme", action="store_true")
    args = parser.parse_args(argv)

    database_url = os.environ["DATABASE_URL"]
    password = "capacity-demo-password"
    port, smtp = free_port(), free_port()
    started = time.monotonic()
    env = {**os.environ, "DEMO_PASSWORD": password, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    # Seeding and preparing run as the demo does (seed_demo refuses DEBUG off).
    dev = {**env, "DEBUG": "1", "TASKS_BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}
    run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], dev)
    run([sys.executable, "manage.py", "createcachetable"], dev)
    seed_started = time.monotonic()
    run([sys.executable, "manage.py", "seed_demo", "--nominations", str(args.nominations), "--bulk"], dev, stdout=subprocess.DEVNULL)
    seed_seconds = time.monotonic() - seed_started
    prepared = json.loads(run([sys.executable, "-c", PREPARE, str(args.carers), str(args.organisers)], {**dev, "DJANGO_SETTINGS_MODULE": "config.settings"},
                              stdout=subprocess.PIPE, text=True).stdout.strip().splitlines()[-1])
    guests = prepared["guests"][: args.guests or None]
    print(f"Seeded {args.nominations:,} nominations in {seed_seconds:.0f} s; {len(prepared['tokens'])} carers, "
          f"{len(guests)} guests to check in", flush=True)

    logs = open(ROOT / "benchmarks" / "capacity-serve.log", "w")
    sink = subprocess.Popen([sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{smtp}", "-c", "aiosmtpd.handlers.Sink"],
                            cwd=ROOT, env=env, stdout=logs, stderr=subprocess.STDOUT)
    serve_env = {
        **env, "PROUD_SKIP_SETUP": "1", "SECRET_KEY": "capacity-" + "k3Jx9Qv2Lm8Rt5Wz7Yb4Nc6Hd1Fg0Sp" * 2,
        "ALLOWED_HOSTS": "127.0.0.1,localhost", "PROUD_BIND": f"127.0.0.1:{port}", "NUM_PROXIES": "1",
        "EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(smtp), "EMAIL_USE_TLS": "0",
        "SITE_URL": "https://awards.example.org", "STATIC_ROOT": str(ROOT / "staticfiles"),
    }
    if args.web_concurrency:
        serve_env["WEB_CONCURRENCY"] = str(args.web_concurrency)
    serve = subprocess.Popen(["bash", "scripts/serve"], cwd=ROOT, env=serve_env, stdout=logs, stderr=subprocess.STDOUT,
                             start_new_session=True)
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            try:
                if requests.get(f"http://127.0.0.1:{port}/health/ready/", timeout=5).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if serve.poll() is not None:
                raise SystemExit("scripts/serve stopped: see benchmarks/capacity-serve.log")
            time.sleep(0.5)
        workers = serve_env.get("WEB_CONCURRENCY") or str(2 * (os.cpu_count() or 1) + 1)
        print(f"Serving on 127.0.0.1:{port} with {workers} gunicorn workers", flush=True)

        warm_up(port, password, prepared)
        load_before = os.getloadavg()
        recorder = Recorder()
        stop = threading.Event()
        browsing = [threading.Thread(target=organiser, args=(port, recorder, password, prepared["totp_keys"][n], prepared["event"], stop, n))
                    for n in range(args.organisers)]
        for thread in browsing:
            thread.start()

        # 1. The RSVP rush: carers arriving evenly over the window (open loop).
        rush_started = time.monotonic()
        gap = args.rush / max(1, len(prepared["tokens"]))
        with ThreadPoolExecutor(max_workers=200) as pool:
            for number, token in enumerate(prepared["tokens"]):
                time.sleep(max(0.0, rush_started + number * gap - time.monotonic()))
                pool.submit(carer, port, recorder, token, number, think=2.0)
        rush_seconds = time.monotonic() - rush_started
        print(f"RSVP rush done in {rush_seconds:.0f} s", flush=True)

        # 2. The door: ten phones, each its share of the guests (closed loop).
        door_started = time.monotonic()
        shares = [guests[n:: args.phones] for n in range(args.phones)]
        phones = [threading.Thread(target=phone, args=(port, recorder, password, prepared["event"], share, args.offline_share,
                                                       args.door_think, n)) for n, share in enumerate(shares)]
        for thread in phones:
            thread.start()
        for thread in phones:
            thread.join()
        door_seconds = time.monotonic() - door_started
        print(f"Door done in {door_seconds:.0f} s", flush=True)
        stop.set()
        for thread in browsing:
            thread.join()
        load_after = os.getloadavg()
        health = requests.get(f"http://127.0.0.1:{port}/health/", timeout=10).json()
    finally:
        serve.send_signal(signal.SIGINT)
        try:
            serve.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(serve.pid, signal.SIGKILL)
        sink.terminate()
        sink.wait(10)
        logs.close()

    rows = summarise(recorder, ["RSVP rush", "Door", "Organisers browsing"])
    arrived = sum(1 for s in recorder.samples if s.journey == "Door" and s.step in ("arrived", "offline batch") and s.ok)
    report = {
        "measured_at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{platform.processor() or platform.machine()} ({os.cpu_count()} cores), {platform.platform()}, Python {platform.python_version()}",
        "settings": {
            "nominations": args.nominations, "carers": len(prepared["tokens"]), "rush_seconds": args.rush,
            "compression": round(600 / args.rush, 1), "guests": len(guests), "phones": args.phones,
            "door_think_seconds": args.door_think, "offline_share": args.offline_share, "organisers": args.organisers,
            "gunicorn_workers": int(workers), "task_workers": 2,
        },
        "seed_seconds": round(seed_seconds), "rush_seconds": round(rush_seconds), "door_seconds": round(door_seconds),
        "door_requests_ok": arrived, "whole_run_minutes": round((time.monotonic() - started) / 60, 1),
        # The machine is shared: its load average before and after says how much else was running.
        "load_average_before": [round(x, 1) for x in load_before], "load_average_after": [round(x, 1) for x in load_after],
        "journeys": rows,
        "health_after": {name: check.get("status") for name, check in health["checks"].items()},
        "mail_after": health["checks"]["mail"],
    }
    REPORT.write_text(json.dumps(report, indent=2) + "\n")
    table = markdown(report)
    print(table)
    if not args.no_readme:
        text = README.read_text()
        start, end = "<!-- capacity:start -->", "<!-- capacity:end -->"
        if start in text and end in text:
            README.write_text(text[: text.index(start) + len(start)] + "\n" + table + text[text.index(end):])
    failed = [row for row in rows if row["errors"] or (row["journey"] != "Organisers browsing" and row["p95_ms"] > TARGET_P95_MS)]
    return 1 if failed else 0


def markdown(report: dict) -> str:
    s = report["settings"]
    lines = [
        f"Measured {report['measured_at']} on {report['machine']}; PostgreSQL on the same machine; "
        f"{s['gunicorn_workers']} gunicorn workers, {s['task_workers']} task workers and the scheduler (`make serve`); "
        f"the load generator on the same 2 cores. {s['nominations']:,} nominations, {s['guests']:,} guests to check in. "
        f"RSVP rush: {s['carers']:,} carers over {s['rush_seconds']:g} s ({s['compression']:g}× the ten-minute rush); door: "
        f"{s['phones']} phones, {s['door_think_seconds']:g} s between guests, {round(s['offline_share'] * 100)}% of arrivals "
        f"sent as offline batches of {BATCH}; {s['organisers']} organisers browsing throughout. "
        f"Load average (1 min) {report['load_average_before'][0]:g} before the measurement and "
        f"{report['load_average_after'][0]:g} at its end. Reproduce with `make capacity`.",
        "",
        "| journey | requests | req/s | p50 | p95 | p99 | errors | target |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for row in report["journeys"]:
        target = "p95 < 300 ms, 0 errors" if row["journey"] != "Organisers browsing" else "0 errors"
        met = row["errors"] == 0 and (row["journey"] == "Organisers browsing" or row["p95_ms"] < TARGET_P95_MS)
        lines.append(
            f"| {row['journey']} | {row['requests']:,} | {row['rps']:g} | {row['p50_ms']} ms | {row['p95_ms']} ms | "
            f"{row['p99_ms']} ms | {row['errors']} | {target}: {'met' if met else '**missed**'} |"
        )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
