"""Two walk-ins added at the same moment for the last seat, on a SQLite database in a file as the
demo runs it (run by tests/night/test_sqlite_writers.py in a process of its own, since the test
run's SQLite database lives in memory, where SQLite locks differently).

Usage: python -m tests.night.sqlite_race   (DATABASE_URL names the file; prints the outcome as JSON)"""

import json
import os
import threading
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, connections  # noqa: E402
from django.test import Client  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402

from awards.enums import Role  # noqa: E402
from events.models import Event, Guest  # noqa: E402
from tests.factories import EventFactory, ProgrammeFactory, ProgrammeRoleFactory, UserFactory  # noqa: E402

# Each request holds its transaction a moment after reading the event, so the two overlap as
# two phones at the door would: both have read before either writes.
HOLD_SECONDS = 0.4


def hold_after_reading_the_event(execute, sql, params, many, context):
    result = execute(sql, params, many, context)
    if connection.in_atomic_block and sql.startswith("SELECT") and '"events_event"' in sql:
        time.sleep(HOLD_SECONDS)
    return result


def main() -> None:
    call_command("migrate", verbosity=0)
    programme = ProgrammeFactory()
    event = EventFactory(programme=programme, capacity=1)
    door = UserFactory(username="door")
    ProgrammeRoleFactory(programme=programme, user=door, role=Role.EVENT_STAFF)
    token = Token.objects.create(user=door).key
    connections.close_all()

    barrier = threading.Barrier(2)
    answers: list = [None, None]

    def walk_in(index: int) -> None:
        try:
            client = Client(HTTP_AUTHORIZATION=f"Token {token}", raise_request_exception=False)
            with connection.execute_wrapper(hold_after_reading_the_event):
                barrier.wait(timeout=30)
                response = client.post(
                    f"/api/v1/events/{event.pk}/walk-ins/", {"name": f"Walk-in {index}"}, content_type="application/json"
                )
            answers[index] = {"status": response.status_code, "body": response.json()}
        finally:
            connections.close_all()

    threads = [threading.Thread(target=walk_in, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    seats_taken = Event.objects.get(pk=event.pk).seats_taken
    print(json.dumps({"answers": answers, "seats_taken": seats_taken, "walk_ins": Guest.objects.filter(event=event).count()}))


if __name__ == "__main__":
    main()
