"""The door at 5,000 guests on a phone (issue 20): what a volunteer's phone downloads, how soon it can
search the list, how long a keystroke takes, and how big each totals poll is after 4,000 arrivals.

    scripts/with-postgres .venv/bin/python -m benchmarks.door_phone --seed     (about 6 minutes)
    make bench-door                                                             (the same)

Seeds the national demo (`seed_demo --nominations 100000 --bulk`: 4,991 guests at 522 tables) unless
--no-seed, serves it as production does (DEBUG off, collectstatic, whitenoise's compressed files,
gunicorn), signs in as the demo's `door` user and opens the door page in Chromium with a phone's
screen (390x844), its CPU slowed 4x (CDP Emulation.setCPUThrottlingRate) and slow 3G (CDP
Network.emulateNetworkConditions: 400 kbit/s each way, 400 ms latency), the browser's cache empty.

Measured (times from the start of the navigation, in the page's own clock):
- bytes: every response's bytes on the wire (CDP encodedDataLength), until the list can be searched
  and in all (the offline copy and the QR reader follow);
- searchable: when the whole list is on the phone and the search box searches it (door.js marks
  `door-list-ready`; a page without that mark, such as the old server-rendered list, counts from
  DOMContentLoaded, when its script has attached the search);
- keystroke: from a character typed (the input event) to the list redrawn (the frame after);
- what the service worker's cache holds (door.js fills it: the page, its files, the list);
- a totals poll after 4,000 arrivals (set in the database), the new bitmap and the old id list;
- a second opening: searchable from the phone's own copy of the list.
Writes benchmarks/door-phone.json and prints a table. Figures, not assertions: the README quotes them.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
CHROMIUM = os.environ.get("PROUD_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SLOW_3G = {"offline": False, "latency": 400, "downloadThroughput": 400 * 1000 / 8, "uploadThroughput": 400 * 1000 / 8}
CPU_SLOWDOWN = 4
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 3, "is_mobile": True, "has_touch": True}
LONG = 900_000  # the old page, every guest in one HTML page, takes minutes on slow 3G
KEYS = "sam" + "\b\b\b" + "12" + "\b\b" + "olivia"

# Mark the first N guests of the big event arrived, as N check-ins would.
ARRIVE = """
import sys
from django.utils import timezone
from events.models import Event, Guest
from events.selectors import guests_coming
event = max(Event.objects.all(), key=lambda e: guests_coming(e).count())
n = int(sys.argv[1])
pks = list(guests_coming(event).order_by("pk").values_list("pk", flat=True)[:n])
Guest.objects.filter(event=event).update(checked_in_at=None, checked_in_by=None)
Guest.objects.filter(pk__in=pks).update(checked_in_at=timezone.now())
print(json.dumps({"event": event.pk, "guests": guests_coming(event).count(), "arrived": len(pks)}))
"""


def say(message: str) -> None:
    print(f"door-phone: {message}", flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def django(env: dict, *args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([PYTHON, "manage.py", *args], cwd=kwargs.pop("cwd", ROOT), env=env, check=True, **kwargs)


def arrive(env: dict, n: int, cwd: Path) -> dict:
    code = "import json, django; django.setup()\n" + ARRIVE
    out = subprocess.run([PYTHON, "-c", code, str(n)], cwd=cwd, env={**env, "DJANGO_SETTINGS_MODULE": "config.settings"},
                         check=True, stdout=subprocess.PIPE, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


class Wire:
    """Bytes on the wire per response, from the DevTools protocol."""

    def __init__(self, cdp):
        self.urls: dict[str, str] = {}
        self.bytes: dict[str, int] = {}
        self.done: list[tuple[float, str, int]] = []
        cdp.on("Network.responseReceived", lambda e: self.urls.__setitem__(e["requestId"], e["response"]["url"]))
        cdp.on("Network.loadingFinished", self._finished)

    def _finished(self, event):
        url = self.urls.get(event["requestId"], "?")
        self.done.append((time.monotonic(), url, int(event["encodedDataLength"])))

    def reset(self):
        self.done = []

    def total(self, until: float | None = None) -> int:
        return sum(size for at, _, size in self.done if until is None or at <= until)

    def by_url(self, base: str) -> dict[str, int]:
        sizes: dict[str, int] = {}
        for _, url, size in self.done:
            key = url.replace(base, "")
            sizes[key] = sizes.get(key, 0) + size
        return dict(sorted(sizes.items(), key=lambda item: -item[1]))


READY = """async () => {
  const nav = performance.getEntriesByType("navigation")[0];
  const when = {
    page_first_byte_ms: nav.responseStart, page_last_byte_ms: nav.responseEnd, dom_content_loaded_ms: nav.domContentLoadedEventEnd,
  };
  const list = performance.getEntriesByType("resource").find(e => e.name.includes("/door/guests/"));
  if (list) Object.assign(when, {list_asked_ms: list.startTime, list_first_byte_ms: list.responseStart, list_last_byte_ms: list.responseEnd});
  for (const key in when) when[key] = Math.round(when[key]);
  const mark = performance.getEntriesByName("door-list-ready")[0];
  if (mark) return {searchable_ms: Math.round(mark.startTime), how: "list", ...when};
  return {searchable_ms: when.dom_content_loaded_ms, how: "page", ...when};
}"""

KEYSTROKE = """async (key) => {
  const box = document.querySelector("[data-door-search]");
  const t0 = performance.now();
  box.value = key === "\\b" ? box.value.slice(0, -1) : box.value + key;
  box.dispatchEvent(new Event("input", {bubbles: true}));
  await new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)));
  return performance.now() - t0;
}"""

CACHED = """async () => {
  const out = {};
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    for (const request of await cache.keys()) {
      const response = await cache.match(request);
      out[new URL(request.url).pathname] = (await response.clone().arrayBuffer()).byteLength;
    }
  }
  return out;
}"""


def measure(base: str, username: str, password: str, event: int, env: dict, cwd: Path, arrivals: int) -> dict:
    from playwright.sync_api import sync_playwright

    door = f"{base}/event/{event}/door/"
    results: dict = {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        # The service worker's own fetches escape the page's throttling and byte count (DevTools
        # throttles a page's target, not the worker's): blocked, so every byte goes through the slow
        # network and is counted. door.js fills the offline store itself, worker or not.
        context = browser.new_context(**PHONE, service_workers="block")
        page = context.new_page()
        page.set_default_timeout(LONG)  # the old page keeps a slowed phone's main thread busy for minutes
        page.goto(f"{base}/accounts/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", password)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state("load")
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.clearBrowserCache")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": False})
        wire = Wire(cdp)
        cdp.send("Network.emulateNetworkConditions", SLOW_3G)
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})

        # 1. The first opening: an empty cache, no service worker yet.
        wire.reset()
        started = time.monotonic()
        page.goto(door, wait_until="domcontentloaded", timeout=LONG)
        if page.get_attribute("#door", "data-list-url"):
            page.wait_for_selector("#door[data-door-list-ready]", state="attached", timeout=LONG)
        ready_at = time.monotonic()
        first = page.evaluate(READY)
        page.wait_for_load_state("networkidle", timeout=LONG)
        page.wait_for_timeout(3000)  # the offline copy is stored after the list
        results["first_open"] = {
            **first,
            "bytes_until_searchable": wire.total(ready_at),
            "bytes_in_all": wire.total(),
            "responses": wire.by_url(base),
            "wall_s": round(ready_at - started, 2),
        }
        results["service_worker_cache"] = page.evaluate(CACHED)
        results["page_rows"] = page.locator("[data-guest]").count()

        # 2. Keystrokes on the throttled phone.
        page.focus("[data-door-search]")
        times = [page.evaluate(KEYSTROKE, key) for key in KEYS]
        results["keystroke_ms"] = {
            "keys": KEYS.replace("\b", "⌫"), "each": [round(t, 1) for t in times],
            "median": round(statistics.median(times), 1), "max": round(max(times), 1),
        }
        page.evaluate(KEYSTROKE, "\b")

        # 3. A totals poll after 4,000 arrivals (the same figures whichever code serves them).
        state = arrive(env, arrivals, cwd)
        results["arrivals"] = state
        polls = {}
        for label, query in (("bitmap", "?arrived=bits"), ("ids (old)", "")):
            wire.reset()
            try:
                page.evaluate("async (url) => { await (await fetch(url, {credentials: 'same-origin'})).text(); }",
                              f"/event/{event}/door/totals/{query}")
            except Exception as error:  # noqa: BLE001 - the old page's own polling may be in the way: say so
                polls[label + " error"] = str(error)[:200]
            page.wait_for_timeout(1500)
            polls[label] = wire.total()
        results["poll_bytes"] = polls

        # 4. Opened again later: the phone's own copy of the list, then the server's.
        wire.reset()
        try:
            page.goto(door, wait_until="domcontentloaded", timeout=LONG)
            if page.get_attribute("#door", "data-list-url"):
                page.wait_for_selector("#door[data-door-list-ready]", state="attached", timeout=LONG)
            again = page.evaluate(READY)
            how = page.get_attribute("#door", "data-door-list-ready")
            page.wait_for_load_state("networkidle", timeout=LONG)
            results["second_open"] = {**again, "from": how, "bytes_in_all": wire.total()}
        except Exception as error:  # noqa: BLE001 - keep what was measured; say what failed
            results["second_open"] = {"error": str(error)[:300], "bytes_in_all": wire.total()}
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": 1})
        browser.close()
    return results


def serve(env: dict, cwd: Path, port: int) -> subprocess.Popen:
    static = Path(env["STATIC_ROOT"])
    django(env, "collectstatic", "--noinput", "-v0", cwd=cwd)
    log = open(static.parent / f"door-phone-{port}.log", "w")
    process = subprocess.Popen(
        [str(Path(PYTHON).parent / "gunicorn"), "config.wsgi", "-b", f"127.0.0.1:{port}", "-w", "2", "--threads", "4"],
        cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://localhost:{port}/health/live/", timeout=2).status_code == 200:
                return process
        except requests.RequestException:
            pass
        time.sleep(0.5)
    process.kill()
    raise SystemExit(f"gunicorn did not start: see {log.name}")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", action="store_true", help="Migrate and seed the national demo first (DATABASE_URL).")
    parser.add_argument("--nominations", type=int, default=100_000)
    parser.add_argument("--arrivals", type=int, default=4_000)
    parser.add_argument("--code", type=Path, default=ROOT, help="The checkout to serve (to measure another version).")
    parser.add_argument("--label", default="", help="A name for this run in the JSON (e.g. 'before').")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "door-phone.json")
    args = parser.parse_args(argv)
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        sys.exit("door-phone: DATABASE_URL must point at PostgreSQL (scripts/with-postgres starts one).")
    password = os.environ.get("DEMO_PASSWORD", "proud-demo")
    dev = {**os.environ, "DEBUG": "1", "DEMO_PASSWORD": password}
    if args.seed:
        say(f"seeding {args.nominations:,} nominations in bulk")
        django(dev, "migrate", "--noinput", "-v0", cwd=args.code)
        django(dev, "createcachetable", cwd=args.code)
        django(dev, "seed_demo", "--nominations", str(args.nominations), "--bulk", cwd=args.code, stdout=subprocess.DEVNULL)
    state = arrive(dev, 0, args.code)
    port = free_port()
    static = Path(tempfile.mkdtemp(prefix="proud-door-phone-")) / "static"  # the server's log beside it
    prod = {
        **os.environ, "DEBUG": "0", "SECRET_KEY": "door-phone-" + secrets.token_urlsafe(32), "ALLOWED_HOSTS": "localhost,127.0.0.1",
        "SECURE_SSL_REDIRECT": "0", "SECURE_HSTS_SECONDS": "0", "STATIC_ROOT": str(static), "DEMO_PASSWORD": password,
        "PROUD_LOGIN_RATE": "1000/min",
    }
    server = serve(prod, args.code, port)
    try:
        say(f"measuring the door of event {state['event']} ({state['guests']:,} guests) at http://localhost:{port}")
        results = measure(f"http://localhost:{port}", "door", password, state["event"], dev, args.code, args.arrivals)
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=30)
    results = {
        "label": args.label, "date": datetime.now(UTC).strftime("%Y-%m-%d"), "machine": f"{os.cpu_count()} cores",
        "guests": state["guests"], "profile": {"cpu_slowdown": CPU_SLOWDOWN, **SLOW_3G, "viewport": "390x844"}, **results,
    }
    previous = json.loads(args.out.read_text()) if args.out.exists() else {}
    previous[args.label or "now"] = results
    args.out.write_text(json.dumps(previous, indent=2, ensure_ascii=False) + "\n")
    first = results["first_open"]
    print(json.dumps(results, indent=2, ensure_ascii=False))
    say(
        f"{args.label or 'now'}: searchable after {first['searchable_ms'] / 1000:.2f} s ({first['how']}), "
        f"{first['bytes_until_searchable'] / 1024:.0f} KB until then, {first['bytes_in_all'] / 1024:.0f} KB in all; "
        f"keystroke median {results['keystroke_ms']['median']} ms, max {results['keystroke_ms']['max']} ms; "
        f"poll after {args.arrivals:,} arrivals {results['poll_bytes']['bitmap'] / 1024:.1f} KB "
        f"(old {results['poll_bytes']['ids (old)'] / 1024:.1f} KB); second opening searchable after "
        f"{results['second_open'].get('searchable_ms', float('nan')) / 1000:.2f} s"
    )


if __name__ == "__main__":
    main()
