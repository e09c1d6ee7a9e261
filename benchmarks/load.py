"""Throughput under load: the app under gunicorn (2 workers, loopback) driven by wrk."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# wrk's --latency table has no 95th percentile: a done() callback prints what we need.
WRK_SCRIPT = """
done = function(summary, latency, requests)
  io.write("WRK_JSON ")
  io.write(string.format('{"requests": %d, "seconds": %f, "p50_ms": %f, "p95_ms": %f, "p99_ms": %f, '
    .. '"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}\\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, summary.errors.connect, summary.errors.read, summary.errors.write,
    summary.errors.status, summary.errors.timeout))
end
"""


def prepare(env: dict) -> dict:
    """An API token for the organiser and an RSVP session (a private link exchanged as a browser
    would), made in the benchmark's database."""
    code = (
        "import django, json; django.setup()\n"
        "from django.contrib.auth import get_user_model\n"
        "from django.test import Client\n"
        "from rest_framework.authtoken.models import Token\n"
        "from events.models import Invitation\n"
        "from events.links import link_create\n"
        "token, _ = Token.objects.get_or_create(user=get_user_model().objects.get(username='organiser'))\n"
        "invitation = Invitation.objects.filter(event__programme__slug='proud-2026', kind='finalist', status='accepted').order_by('pk').first()\n"
        "client = Client()\n"
        "response = client.get(f'/rsvp/{link_create(invitation)}/', secure=True)\n"
        "assert response.status_code == 302, response.status_code\n"
        "assert client.get('/rsvp/', secure=True).status_code == 200\n"
        "print(json.dumps({'token': token.key, 'session': client.cookies['sessionid'].value}))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, check=True, stdout=subprocess.PIPE, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(port: int, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not listen on port {port}")


def _answers(url: str, headers: dict, seconds: float = 180) -> None:
    """Wait until `url` answers 200 (each of the workers' first request imports the app)."""
    import urllib.request

    deadline = time.monotonic() + seconds
    answered = 0
    while time.monotonic() < deadline and answered < 4:  # several times: both workers
        try:
            # nosec B310 - the bench's own http://127.0.0.1 URL
            with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=60) as response:  # nosec B310
                answered += response.status == 200
        except OSError:
            time.sleep(0.5)
    if not answered:
        raise RuntimeError(f"{url} did not answer under gunicorn")


def run(env: dict, *, seconds: int, connections: int = 8) -> dict:
    wrk = shutil.which("wrk")
    if wrk is None:
        return {"skipped": "wrk is not installed (scripts/bench installs it with apt-get when run as root)"}
    auth = prepare(env)
    port = _free_port()
    gunicorn = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--workers", "2", "--bind", f"127.0.0.1:{port}",
         "--log-level", "warning"],
        env=env, cwd=ROOT,
    )
    results = {"workers": 2, "connections": connections, "seconds": seconds}
    try:
        _wait_for(port)
        # A worker imports the app on its first request: on a busy machine that took longer than
        # wrk's warm-up, which then measured nothing. Wait until each page answers.
        for path, header in (("/api/v1/nominations/?programme=proud-2026", f"Token {auth['token']}"),):
            _answers(f"http://127.0.0.1:{port}{path}", {"Authorization": header})
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
            script.write(WRK_SCRIPT)
        targets = {
            "nominations_list": ("/api/v1/nominations/?programme=proud-2026", f"Authorization: Token {auth['token']}"),
            "rsvp_page": ("/rsvp/", f"Cookie: sessionid={auth['session']}"),
        }
        for name, (path, header) in targets.items():
            url = f"http://127.0.0.1:{port}{path}"
            # A short warm-up so both workers have connected and imported everything.
            subprocess.run([wrk, "-t1", "-c2", "-d2s", "-H", header, url], capture_output=True, check=True)
            out = subprocess.run(
                [wrk, "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "-s", script.name, "-H", header, url],
                capture_output=True, text=True, check=True,
            ).stdout
            line = next(line for line in out.splitlines() if line.startswith("WRK_JSON "))
            stats = json.loads(line[len("WRK_JSON "):])
            errors = sum(stats[key] for key in ("connect", "read", "write", "status", "timeout"))
            results[name] = {
                "requests_per_second": round(stats["requests"] / stats["seconds"], 1),
                "p50_ms": round(stats["p50_ms"], 1), "p95_ms": round(stats["p95_ms"], 1), "p99_ms": round(stats["p99_ms"], 1),
                "requests": stats["requests"], "errors": errors,
            }
        os.unlink(script.name)
    finally:
        gunicorn.terminate()
        try:
            gunicorn.wait(timeout=20)
        except subprocess.TimeoutExpired:
            gunicorn.kill()
    return results
