"""Scale-out stays correct: two app servers, two task workers, the scheduler and an SMTP server, all
real processes on one PostgreSQL database, started the way `make serve` starts them (scripts/serve:
honcho and the Procfile, DEBUG=0, JSON logs), and driven over HTTP like a browser behind a TLS proxy.

- Nominations through both app servers: the per-address rate limit holds across both (it lives in
  the database cache); a session signed in on one works on the other.
- The door: the same guests' arrivals posted to both, online (the Arrived button) and as offline
  batches, at once: each guest is counted once.
- 200 invitations sent while the worker holding one of them is killed with SIGKILL in the middle of
  the SMTP conversation (the SMTP server holds that recipient, so the kill lands while the message
  is claimed and not yet handed over) and a worker started again: every message arrives exactly
  once, and the killed worker's message is taken again once its claim runs out (the scheduler's
  sweep), not lost and not doubled. (The window SMTP cannot close, between the server's 250 and the
  database's "sent", is in mail.delivery's docstring and the README.)
- Ctrl-C (SIGINT) stops every process cleanly.
The figures are printed (pytest -s shows them) and written to test-artifacts/scale-out.txt."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tasks_db.models import DBTaskResult

from awards.enums import Role
from events.enums import InvitationStatus
from events.services import GuestInput, invitation_create
from mail.enums import DeliveryStatus
from mail.models import EmailDelivery
from events.models import Guest, Invitation
from nominations.models import Nomination
from tests.conftest import user_with_role
from tests.night.test_pages import accepted
from tests.nominations.api.test_nominations import payload
from tests.test_auth import code_for

pytestmark = [pytest.mark.once, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"
PASSWORD = "a long scale-out password"
INVITATIONS = 200
HELD = "invitee080@example.org"  # the SMTP server holds this recipient's first attempt
LEASE_SECONDS = 3
NOMINATION_RATE = 4


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def database_url() -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def usable_password(user) -> None:
    """Hashed as the app servers hash (the tests' own hasher is MD5, which production refuses)."""
    hasher = PBKDF2PasswordHasher()
    user.password = hasher.encode(PASSWORD, hasher.salt(), iterations=1000)
    user.save(update_fields=["password"])


class Service:
    """One process group (scripts/serve, i.e. honcho and its children, or the SMTP server) with
    its output in a log file."""

    def __init__(self, name: str, command: list[str], env: dict, logs: Path):
        self.name, self.log = name, logs / f"{name}.log"
        with open(self.log, "wb") as out:
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )

    @property
    def pid(self) -> int:
        return self.process.pid

    def alive(self) -> bool:
        return self.process.poll() is None

    def tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:]

    def stop(self, timeout: float = 40) -> int | None:
        """Ctrl-C, as an operator stops `make serve`; killed only if it does not stop."""
        if self.alive():
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.pid, signal.SIGKILL)
                self.process.wait()
                return None
        return self.process.returncode


def wait_for(what: str, check, timeout: float, services=()):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        for service in services:
            assert service.alive(), f"{service.name} stopped while waiting for {what}:\n{service.tail()}"
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def ancestors(pid: int) -> list[int]:
    """The processes above `pid` (honcho runs each of its processes under a child of its own)."""
    found = []
    while pid > 1:
        pid = int(Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[1])
        found.append(pid)
    return found


class Browser:
    """A person's browser behind the TLS proxy: cookies by hand (they are Secure), HTTPS said by
    X-Forwarded-Proto, the Origin the CSRF check wants."""

    def __init__(self):
        self.cookies: dict[str, str] = {}

    def call(self, method: str, port: int, path: str, **kwargs):
        headers = {"X-Forwarded-Proto": "https", "Origin": f"https://127.0.0.1:{port}", **kwargs.pop("headers", {})}
        if "csrftoken" in self.cookies:
            headers.setdefault("X-CSRFToken", self.cookies["csrftoken"])
        response = requests.request(
            method, f"http://127.0.0.1:{port}{path}", headers=headers, cookies=dict(self.cookies),
            allow_redirects=False, timeout=30, **kwargs,
        )
        self.cookies.update(response.cookies.get_dict())
        return response


@pytest.fixture
def cluster(tmp_path):
    """scripts/serve's processes: app servers A and B, two workers (each its own honcho, as on two
    machines), the scheduler, and the SMTP server."""
    if connection.vendor != "postgresql":
        pytest.skip("make serve runs on PostgreSQL only (it refuses SQLite)")
    ports = {"a": free_port(), "b": free_port(), "smtp": free_port()}
    sink_file = tmp_path / "smtp.jsonl"
    venv_bin = str(Path(sys.executable).parent)
    env = {
        # Not the test run's own settings (the browser tests allow async-unsafe calls, which
        # check --deploy rightly refuses).
        **{k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "PG")) and k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "PATH": venv_bin + os.pathsep + os.environ.get("PATH", ""),
        "DATABASE_URL": database_url(),
        "SECRET_KEY": "scale-out-" + "7q0VbL3kXw9sZp2mJr5tNc8hYd4gFe6u" * 2,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "PROUD_SKIP_SETUP": "1",
        "STATIC_ROOT": str(tmp_path / "static"),
        "LOG_FORMAT": "json",
        "WEB_CONCURRENCY": "2",
        "PROUD_TASK_WORKERS": "1",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(ports["smtp"]),
        "EMAIL_USE_TLS": "0",
        "EMAIL_TIMEOUT": "10",
        # A short claim and a sweep every 2 seconds, so the recovery happens within the test;
        # the claim is then shorter than 8 × EMAIL_TIMEOUT, which check --deploy would stop on.
        "PROUD_MAIL_CLAIM_SECONDS": str(LEASE_SECONDS),
        "PROUD_OUTBOX_SWEEP_SECONDS": "2",
        "SILENCED_SYSTEM_CHECKS": "mail.W002",
        "PROUD_NOMINATION_RATE": f"{NOMINATION_RATE}/h",
        "SITE_URL": "https://awards.example.org",
    }
    services: dict[str, Service] = {}

    def serve(name: str, *processes: str, **extra) -> Service:
        service = Service(name, ["bash", "scripts/serve", *processes], {**env, **extra}, tmp_path)
        services[name] = service
        return service

    def ready(port):
        try:
            return requests.get(f"http://127.0.0.1:{port}/health/ready/", timeout=5).status_code == 200
        except requests.RequestException:  # not listening yet, or busy starting
            return False

    services["smtp"] = Service(
        "smtp", [sys.executable, "tests/smtp_sink.py", "--port", str(ports["smtp"]), "--out", str(sink_file),
                 "--hold", HELD, "--delay", "0.01"], env, tmp_path,
    )
    started = time.monotonic()
    # A prepares (migrate, cache table, static files, check --deploy); the rest only check.
    a = serve("web-a", "web", PROUD_BIND=f"127.0.0.1:{ports['a']}")
    wait_for("app server A", lambda: ready(ports["a"]), 120, [a])
    b = serve("web-b", "web", PROUD_BIND=f"127.0.0.1:{ports['b']}", PROUD_PREPARE="0")
    serve("worker-1", "worker")
    serve("worker-2", "worker")
    serve("scheduler", "scheduler")
    wait_for("app server B", lambda: ready(ports["b"]), 120, [b])
    startup = time.monotonic() - started

    def sink() -> list[dict]:
        return [json.loads(line) for line in sink_file.read_text().splitlines()] if sink_file.exists() else []

    yield {"ports": ports, "services": services, "serve": serve, "sink": sink, "startup": startup, "logs": tmp_path}
    for service in services.values():
        service.stop(timeout=10)


def test_two_app_servers_and_two_workers_on_one_database_stay_correct(cluster, programme, category, event, organiser):
    ports, services = cluster["ports"], cluster["services"]
    a, b = ports["a"], ports["b"]
    figures = {"startup_seconds": round(cluster["startup"], 1)}

    # --- nominations through both: the rate limit per address holds across them -----------------
    statuses = []
    for n in range(NOMINATION_RATE + 2):
        body = payload(category, nominee={
            "legal_first_name": f"Kai{n}", "legal_last_name": "Brennan", "date_of_birth": "2012-06-01",
            "cohort": "child_in_care", "area": "Valley",
        })
        response = Browser().call("POST", a if n % 2 == 0 else b, "/api/v1/nominations/", json=body)
        statuses.append(response.status_code)
    assert statuses == [201] * NOMINATION_RATE + [429, 429]
    assert Nomination.objects.count() == NOMINATION_RATE
    figures["nominations"] = f"{statuses.count(201)} accepted, {statuses.count(429)} refused (429) over both servers"

    # --- a session signed in on A works on B ----------------------------------------------------
    door = user_with_role(programme, Role.EVENT_STAFF, "door")
    usable_password(door)
    phone = Browser()
    phone.call("GET", a, "/accounts/login/")
    signed_in = phone.call("POST", a, "/accounts/login/", data={
        "username": "door", "password": PASSWORD, "csrfmiddlewaretoken": phone.cookies["csrftoken"],
    })
    assert (signed_in.status_code, "sessionid" in phone.cookies) == (302, True)
    page = phone.call("GET", b, f"/event/{event.pk}/door/")
    assert page.status_code == 200 and event.name in page.text

    # --- the door: the same guests posted to both, online and as offline batches ---------------
    for n in range(20):
        invitation = invitation_create(event=event, actor=organiser, kind="vip", addressee_name=f"Guest {n}",
                                       addressee_email=f"party{n}@example.org")
        accepted(invitation, GuestInput(name=f"Companion {n}"), principal=GuestInput(name=f"Guest {n}"))
    guests = list(Guest.objects.filter(event=event).values_list("pk", flat=True))
    assert len(guests) == 40

    def online(port, guest):
        response = phone.call("POST", port, f"/event/{event.pk}/door/{guest}/arrived/")
        return guest, {302: "arrived", 409: "already_arrived"}.get(response.status_code, response.status_code)

    def batch(port):
        arrivals = [{"guest": guest, "at": None} for guest in guests]
        response = phone.call("POST", port, f"/event/{event.pk}/door/arrivals/", json={"arrivals": arrivals})
        assert response.status_code == 200, response.text
        return [(line["guest"], line["outcome"]) for line in response.json()["results"]]

    with ThreadPoolExecutor(max_workers=6) as pool:
        jobs = [pool.submit(batch, a), pool.submit(batch, b)]
        jobs += [pool.submit(online, port, guest) for guest in guests for port in (a, b)]
        outcomes = [r for job in jobs for r in (job.result() if isinstance(job.result(), list) else [job.result()])]
    arrived_per_guest = Counter(guest for guest, outcome in outcomes if outcome == "arrived")
    assert len(outcomes) == 4 * len(guests)
    assert {outcome for _, outcome in outcomes} == {"arrived", "already_arrived"}
    assert arrived_per_guest == Counter({guest: 1 for guest in guests})
    totals = phone.call("GET", a, f"/event/{event.pk}/door/totals/").json()
    assert (totals["arrived"], sorted(totals["arrived_guests"])) == (len(guests), sorted(guests))
    figures["door"] = (
        f"{len(guests)} guests × 4 posts (online and batch, on A and on B) = {len(outcomes)}: "
        f"{sum(arrived_per_guest.values())} counted arrived, {len(outcomes) - len(guests)} already arrived"
    )

    # --- 200 invitations, a worker killed holding one, started again ----------------------------
    for n in range(INVITATIONS):
        invitation_create(event=event, actor=organiser, kind="vip", addressee_name=f"Invitee {n}",
                          addressee_email=f"invitee{n:03d}@example.org")
    usable_password(organiser)
    device = TOTPDevice.objects.create(user=organiser, name="Authenticator app", confirmed=True)
    login = Browser().call("POST", a, "/api/v1/auth/token/", data={
        "username": organiser.username, "password": PASSWORD, "otp_token": code_for(device),
    })
    assert login.status_code == 200, login.text
    sent_at = time.monotonic()
    sent = Browser().call("POST", b, f"/api/v1/events/{event.pk}/send-invitations/",
                          headers={"Authorization": f"Token {login.json()['token']}"}, json={})
    assert (sent.status_code, len(sent.json()["queued"])) == (200, INVITATIONS)

    wait_for("the SMTP server to hold a recipient", lambda: any("held" in m for m in cluster["sink"]()), 60, services.values())
    held = EmailDelivery.objects.get(invitation__addressee_email=HELD)
    host, _, pid = held.claimed_by.rpartition(":")
    worker = next(s for s in services.values() if s.name.startswith("worker") and s.pid in ancestors(int(pid)))
    assert (held.status, held.attempts, host) == (DeliveryStatus.SENDING, 1, socket.gethostname())
    delivered_before_kill = sum(1 for m in cluster["sink"]() if "to" in m)
    os.kill(int(pid), signal.SIGKILL)
    killed_at = time.monotonic()
    worker.process.wait(30)  # honcho sees its worker die and stops, as a supervisor would be told
    restarted_worker = cluster["serve"](f"{worker.name}-restarted", "worker")

    def all_sent():
        return not EmailDelivery.objects.filter(invitation__event=event, invitation__addressee_email__startswith="invitee").exclude(
            status=DeliveryStatus.SENT).exists()

    wait_for("every invitation to be sent", all_sent, 120, [s for s in services.values() if s is not worker])
    all_sent_after = time.monotonic() - sent_at
    time.sleep(2 * LEASE_SECONDS)  # a copy sent twice would have arrived by now

    messages = [m for m in cluster["sink"]() if "to" in m]
    per_invitee = Counter(to for m in messages for to in m["to"] if to.startswith("invitee"))
    assert per_invitee == Counter({f"invitee{n:03d}@example.org": 1 for n in range(INVITATIONS)})
    assert len({m["delivery"] for m in messages}) == len(messages)  # no message of the outbox twice
    assert len({m["message_id"] for m in messages}) == len(messages)
    assert len(messages) == INVITATIONS + NOMINATION_RATE  # and the nominators' receipts, once each
    held.refresh_from_db()
    assert (held.status, held.attempts) == (DeliveryStatus.SENT, 2)
    assert held.claimed_by != f"{host}:{pid}"
    assert Invitation.objects.filter(event=event, status=InvitationStatus.SENT).count() == INVITATIONS
    assert not EmailDelivery.objects.exclude(status=DeliveryStatus.SENT).exists()
    # The task the killed worker was running stays "running" on the queue for ever: the queue alone
    # would have lost the message; the outbox's claim running out is what brought it back.
    # (The message's own task, or a sweep that took it once it had waited longer than a claim.)
    (abandoned,) = DBTaskResult.objects.filter(status="RUNNING")
    assert abandoned.task_path in ("mail.tasks.deliver_email", "mail.tasks.send_due_email")
    assert abandoned.worker_ids == [f"{host}:{pid}"]
    # The worker started again runs and polls the queue. Whether it also sends some of the 200 is a
    # race with the other worker (on a quiet machine the other one may drain the queue first), so
    # it is not asserted: what must hold, each message once and the held one recovered, is above.
    restarted = (cluster["logs"] / f"{worker.name}-restarted.log").read_text()
    assert restarted_worker.alive() and "Starting worker" in restarted
    figures["mail"] = (
        f"{INVITATIONS} invitations + {NOMINATION_RATE} receipts = {len(messages)} messages received, each once; "
        f"worker pid {pid} killed holding {HELD} after {delivered_before_kill} had arrived, "
        f"recovered on attempt {held.attempts} by {held.claimed_by.split(':')[0]}:…; "
        f"all sent {all_sent_after:.1f} s after the send ({time.monotonic() - killed_at:.1f} s after the kill)"
    )

    # --- logs: one JSON line per request, the user id only ---------------------------------------
    lines = [json.loads(line) for name in ("web-a", "web-b") for line in (cluster["logs"] / f"{name}.log").read_text().splitlines()
             if line.startswith("{")]
    requests_logged = [line for line in lines if line["logger"] == "proud.request"]
    door_page = next(line for line in requests_logged if line["path"] == f"/event/{event.pk}/door/" and line["method"] == "GET")
    assert (door_page["user_id"], door_page["status"], door_page["process"]) == (door.pk, 200, "web")
    assert all(line["request_id"] for line in requests_logged)
    written = "\n".join(json.dumps(line) for line in lines)
    assert "Brennan" not in written and "door" not in [line.get("user_id") for line in requests_logged]
    worker_lines = [json.loads(line) for line in (cluster["logs"] / "worker-2.log").read_text().splitlines() if line.startswith("{")]
    assert any(line["logger"] == "proud.task" and line["task"] == "mail.tasks.deliver_email" for line in worker_lines)

    # --- Ctrl-C stops everything -----------------------------------------------------------------
    stopping = time.monotonic()
    codes = {s.name: s.stop() for s in services.values() if s.name != "smtp" and s is not worker}
    assert all(code is not None for code in codes.values()), f"not stopped by Ctrl-C: {codes}"
    figures["stop"] = f"Ctrl-C stopped {len(codes)} scripts/serve process groups in {time.monotonic() - stopping:.1f} s"

    report = "Scale-out figures:\n" + "".join(f"  {name}: {value}\n" for name, value in figures.items())
    print("\n" + report)  # shown with pytest -s; kept for after a run in test-artifacts/scale-out.txt
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "scale-out.txt").write_text(report)
