"""Where the time of one request of each capacity journey goes (`make capacity` reports the totals):
each step run in process through Django's full stack (middleware, sessions, templates), against the
seeded demo in DATABASE_URL, under cProfile; prints the wall time per request, the queries and the
functions that take the most time.

    python -m benchmarks.profile_journeys [--repeat 20]        (after seed_demo --bulk, DEBUG=0)
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import re
import time

import django


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--top", type=int, default=14)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    # Imported once Django is set up (this is a script, not a module of the app).
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from events.links import link_create
    from events.models import Event, Invitation
    from events.selectors import guests_coming

    settings.ALLOWED_HOSTS = ["*"]
    settings.PROUD_REQUIRE_2FA = False
    settings.RATELIMIT_ENABLE = False
    event = Event.objects.get(programme__slug="proud-2026")
    invitations = list(Invitation.objects.filter(event=event, kind="finalist", status="accepted").order_by("pk")[: args.repeat])
    guests = list(guests_coming(event).filter(checked_in_at__isnull=True).order_by("pk").values_list("pk", "name")[: args.repeat])
    door = Client(HTTP_X_FORWARDED_PROTO="https")
    door.force_login(get_user_model().objects.get(username="door"))

    def rsvp_open(n):
        client = Client(HTTP_X_FORWARDED_PROTO="https")
        client.get(f"/rsvp/{link_create(invitations[n])}/")
        return client

    clients = [rsvp_open(n) for n in range(args.repeat)]
    pages = {}

    def read(n):
        pages[n] = clients[n].get("/rsvp/")

    def answer(n):
        html = pages[n].content.decode()
        fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html))
        fields.update({"rsvp-attending": "yes", "invitee-photography_consent": "no"})
        clients[n].post("/rsvp/", fields)

    def search(n):
        door.get(f"/event/{event.pk}/door/", {"q": guests[n][1].split()[0][:4]})

    def arrived(n):
        door.post(f"/event/{event.pk}/door/arrivals/", {"arrivals": [{"guest": guests[n][0], "at": None}]},
                  content_type="application/json")

    for name, step in [("RSVP: read the page", read), ("RSVP: send the answer", answer),
                       ("Door: search", search), ("Door: arrived", arrived)]:
        profile = cProfile.Profile()
        reset_queries()
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            profile.enable()
            for n in range(args.repeat):
                step(n)
            profile.disable()
            elapsed = (time.perf_counter() - started) / args.repeat * 1000
        out = io.StringIO()
        pstats.Stats(profile, stream=out).sort_stats("cumulative").print_stats(args.top)
        print(f"\n=== {name}: {elapsed:.1f} ms a request, {len(queries) / args.repeat:.1f} queries a request ===")
        print("\n".join(line for line in out.getvalue().splitlines() if line.strip())[:6000])


if __name__ == "__main__":
    main()
