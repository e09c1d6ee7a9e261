"""The documents page and every PDF it offers ask the database a fixed number of times, whatever
the size of the night: one query for each kind of thing, not one for each nominee or guest."""

import pytest
from django.core.signals import request_finished
from django.db import close_old_connections, connection
from django.test.utils import CaptureQueriesContext

from night.letters import letter_approve
from nominations.models import Nomination
from tests.night.test_pages import populate

pytestmark = pytest.mark.django_db

# What each asks for, how (GET or POST), and the queries it makes at any size.
DOCUMENTS = {
    "documents page": ("get", "documents/", None, 20),  # ... with what must be printed again
    "certificates": ("get", "documents/certificates.pdf", None, 6),
    "letters": ("get", "documents/letters.pdf", None, 5),
    # ... and the print run remembered: the run, then its cards in one statement.
    "badges": ("post", "documents/badges.pdf", {"only_changes": "0"}, 14),
    "place cards": ("post", "documents/place-cards.pdf", {"only_changes": "0"}, 14),
    "photographer's sheet": ("get", "documents/photographer-sheet.pdf", None, 10),
}


def _close(response) -> None:
    """Close a file response's file, as the test client does: without closing the database
    connection (request_finished would, and the test's transaction is on it)."""
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)


def counts(client, event) -> dict[str, int]:
    made = {}
    for name, (method, path, data, _) in DOCUMENTS.items():
        send = getattr(client, method)
        _close(send(f"/event/{event.pk}/{path}", data))  # warm: the session, the site's settings
        with CaptureQueriesContext(connection) as queries:
            response = send(f"/event/{event.pk}/{path}", data)
            if hasattr(response, "streaming_content"):
                b"".join(response.streaming_content)
                _close(response)
        assert response.status_code == 200, (name, response.status_code)
        made[name] = len(queries)
    return made


@pytest.mark.parametrize("size", [1, 4])
def test_the_documents_ask_the_database_a_fixed_number_of_times(client, event, organiser, size):
    populate(event, organiser, size)
    for nomination in Nomination.objects.filter(programme=event.programme):
        letter_approve(nomination=nomination, actor=organiser, quote="They never gave up.", nominator_named=False)
    client.force_login(organiser)

    assert counts(client, event) == {name: expected for name, (*_, expected) in DOCUMENTS.items()}
