"""Query budgets: every list endpoint and export asks the database the same number of times at
two sizes of the same programme (the demo seeded in bulk at 100 and at 1,500 nominations, so the
event grows from 6 finalists to 15, their guests with them). The performance benchmark
(`make bench`, benchmarks/) measures the time; these keep the query counts from creeping."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from awards.models import Programme
from events.models import Event, Guest
from nominations.models import Nomination
from shortlisting.models import Assignment, Panel

pytestmark = pytest.mark.django_db

SMALL, LARGE = 100, 1500

# (who asks, what, the queries it takes at every size). Counts are measured with the user already
# authenticated. A list reads what its page may hold in one query even when the page holds none of
# it (no group nomination, no review yet): a prefetch Django skips then would make the count differ
# from one size to another.
BUDGETS = {
    # One of them finds the programme by its slug, so the count reads one index, not a join.
    "nominations list": ("organiser", "/api/v1/nominations/?programme=proud-2026", 5),
    "nominees list": ("organiser", "/api/v1/nominees/?programme=proud-2026", 3),
    "panels list (organiser)": ("organiser", "/api/v1/panels/", 5),
    "panels list (member)": ("panel", "/api/v1/panels/", 5),
    "panel queue": ("panel", "/api/v1/assignments/", 5),
    "events list": ("organiser", "/api/v1/events/", 2),
    "invitations list": ("organiser", "/api/v1/invitations/?event={event}", 6),
    # ... and the first guest each finalist on the page brings (the event team's neutral label).
    "guest list (door)": ("door", "/api/v1/guests/?event={event}", 5),
    # Organisers: the event comes from the filter that already checked it.
    "guest list (organiser)": ("organiser", "/api/v1/guests/?event={event}", 4),
    "score sheet": ("organiser", "/api/v1/panels/{panel}/score-sheet/", 23),
    # ... with what the young people asked for through their own links (the access sheet).
    "event-night workbook": ("organiser", "/api/v1/events/{event}/workbook/", 8),
    "certificates": ("organiser", "/api/v1/events/{event}/certificates/", 2),
    # Streamed in chunks of nominations.exporters._CHUNK rows so memory stays flat: a fixed
    # number of queries per chunk (rows, group members, the identity-access log), checked below.
    "nominations export": ("organiser", "/api/v1/nominations/export/?programme=proud-2026", None),
}
# Rows, group members, and the identity-access log (filled per _CHUNK nominees, so more often
# when groups bring several young people): at most four queries a chunk, and three to start
# (one finds the programme by its slug).
EXPORT_BASE, EXPORT_PER_CHUNK = 3, 4


@pytest.fixture(autouse=True)
def _debug_on(settings):
    settings.DEBUG = True  # seed_demo only runs with DEBUG on


def _done(response) -> None:
    """Read a download to the end and close its file (not response.close(): that signals the
    request's end, which closes the database connection inside the test's transaction)."""
    if hasattr(response, "streaming_content"):
        b"".join(response.streaming_content)
        for close in response._resource_closers:
            close()
        stream = getattr(response, "file_to_stream", None)
        if stream is not None:
            stream.close()


def _counts() -> dict[str, int]:
    users = {u.username: u for u in get_user_model().objects.filter(username__in=["organiser", "panel", "door"])}
    event = Event.objects.get(programme__slug="proud-2026")
    panel = Panel.objects.filter(programme__slug="proud-2026").order_by("pk").first()
    counts = {}
    for name, (username, url, _) in BUDGETS.items():
        client = APIClient()
        client.force_authenticate(users[username])
        path = url.format(event=event.pk, panel=panel.pk)
        _done(client.get(path))  # warm: content types, permissions
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
            _done(response)
        assert response.status_code == 200, (name, response.status_code)
        counts[name] = len(queries.captured_queries)
    return counts


def _seeded(nominations: int) -> tuple[dict[str, int], dict[str, int]]:
    with transaction.atomic():
        call_command("seed_demo", "--nominations", str(nominations), "--bulk", stdout=StringIO())
        programme = Programme.objects.get(slug="proud-2026")
        sizes = {
            "nominations": Nomination.objects.filter(programme=programme).count(),
            "assignments": Assignment.objects.filter(panel__programme=programme).count(),
            "guests": Guest.objects.filter(event__programme=programme).count(),
        }
        counts = _counts()
        transaction.set_rollback(True)
    return sizes, counts


def test_list_and_export_query_counts_do_not_grow_with_the_programme():
    from nominations.exporters import _CHUNK

    small_sizes, small = _seeded(SMALL)
    large_sizes, large = _seeded(LARGE)

    assert large_sizes["nominations"] == 15 * small_sizes["nominations"]
    assert large_sizes["assignments"] > 5 * small_sizes["assignments"]
    assert large_sizes["guests"] > 2 * small_sizes["guests"]
    for name, (_, _, budget) in BUDGETS.items():
        if budget is None:
            continue
        assert (name, small[name]) == (name, budget)
        assert (name, large[name]) == (name, small[name])
    for sizes, counts in ((small_sizes, small), (large_sizes, large)):
        chunks = -(-sizes["nominations"] // _CHUNK)
        assert counts["nominations export"] <= EXPORT_BASE + EXPORT_PER_CHUNK * chunks
