"""Show mode with the production app server: two gunicorn processes (two sync workers each) on
one database. A press on one process reaches a view polling the other within a second, and both
give the same ETag for the same show, so a view whose polls land on different workers still gets
304s. PostgreSQL only: the test database of SQLite lives in this process's memory."""

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from django.conf import settings
from django.db import connection
from django.test import Client

from events.enums import ItemKind
from night.services import running_order_generate
from tests.worlds import cleared_nominee, confirmed_finalists

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the app servers need a database they can share: PostgreSQL"),
]
ROOT = Path(__file__).resolve().parents[2]
GUNICORN = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or shutil.which("gunicorn")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def two_app_servers():
    env = {**os.environ, "DATABASE_URL": database_url(), "DEBUG": "1", "PYTHONPATH": str(ROOT)}
    servers, urls = [], []
    for _ in range(2):
        port = free_port()
        servers.append(subprocess.Popen(
            [GUNICORN, "config.wsgi", "-b", f"127.0.0.1:{port}", "-w", "2", "--log-level", "warning"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        ))
        urls.append(f"http://127.0.0.1:{port}")
    try:
        for url in urls:
            for _ in range(100):
                try:
                    requests.get(url + "/", timeout=5)
                    break
                except requests.RequestException:
                    time.sleep(0.1)
            else:
                pytest.fail(f"gunicorn did not start at {url}")
        yield urls
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=10)


def test_a_press_on_one_app_process_reaches_a_view_polling_another_within_a_second(two_app_servers, event, category, organiser):
    confirmed_finalists(event.programme, category, [cleared_nominee(event.programme) for _ in range(2)])
    items = running_order_generate(event=event, actor=organiser)
    assert any(i.kind == ItemKind.AWARD for i in items)
    signed_in = Client()
    signed_in.force_login(organiser)
    session = requests.Session()
    session.cookies.set(settings.SESSION_COOKIE_NAME, signed_in.cookies[settings.SESSION_COOKIE_NAME].value)
    first, second = two_app_servers
    screen = f"/event/{event.pk}/screen/state/"

    for server in (first, second):  # each worker loads its templates once, before the timing
        for _ in range(4):
            session.get(server + f"/event/{event.pk}/show/", timeout=5)
            session.get(server + screen, timeout=5)

    # The same show gives the same ETag on either process: a 304 from the other one.
    etag = session.get(first + screen, timeout=5).headers["ETag"]
    assert session.get(second + screen, headers={"If-None-Match": etag}, timeout=5).status_code == 304

    follow_times = []
    for cue in range(4):
        session.get(first + f"/event/{event.pk}/show/", timeout=5)  # the CSRF cookie
        pressed_at = time.monotonic()
        answer = session.post(
            first + f"/event/{event.pk}/show/press/",
            data={"action": "next", "cue": cue, "rehearsal": "0", "csrfmiddlewaretoken": session.cookies["csrftoken"]},
            headers={"X-Requested-With": "show.js", "Referer": first + "/"}, timeout=5,
        )
        assert (answer.status_code, answer.json()["cue"]) == (200, cue + 1)
        while True:
            polled = session.get(second + screen, headers={"If-None-Match": etag}, timeout=5)
            if polled.status_code == 200:
                break
            assert time.monotonic() - pressed_at < 1.0, "the other process still shows the old state"
            time.sleep(0.05)
        follow_times.append(time.monotonic() - pressed_at)
        etag = polled.headers["ETag"]
        assert f'data-cue="{cue + 1}"' in polled.text
    print(f"\ntwo gunicorn processes: a press on one seen by a poll of the other in at most {max(follow_times):.3f}s")
    assert max(follow_times) < 1.0
