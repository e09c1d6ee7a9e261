"""The measurements made inside one seeded database (python -m benchmarks.suite PART ...).

Each part prints one JSON object on stdout; the runner (benchmarks.__main__) starts one process
per database, so every process measures with a warm, private connection.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


# --- the event-night workbook -------------------------------------------------------------------


def part_workbook(args) -> dict:
    """The whole workbook against its floor (benchmarks.floors: the same cells from values_list rows,
    openpyxl write-only, no styling), and the guest list sheet alone against django-import-export's
    XLSX of the same cells (the peer), per cell written. Measured in rounds, each side once a round
    in turn, so a busy spell of the shared machine slows each alike; best of the rounds."""
    import gc

    from events.models import Event
    from night.exporters import EventNightWorkbook

    from .floors import floor_cells, floor_workbook
    from .measure import peak_memory, query_count
    from .peers import GuestListOnly, coming, peer_guest_list

    event = Event.objects.get(programme__slug="proud-2026")
    guests = coming(event).count()
    sheets = floor_cells(event)
    cells = sum(len(headers) * (len(rows) + 1) for _, headers, rows in sheets)
    guest_list_cells = next(len(headers) * (len(rows) + 1) for title, headers, rows in sheets if title == "Guest list")

    def spooled(write):
        def run():
            with tempfile.TemporaryFile() as spool:
                write(spool)
        return run

    sides = {
        "workbook": spooled(lambda spool: EventNightWorkbook(event).write(spool)),
        "floor": spooled(lambda spool: floor_workbook(event, spool)),
        "workbook_guest_list_only": spooled(lambda spool: GuestListOnly(event).write(spool)),
        "peer_import_export": spooled(lambda spool: peer_guest_list(event, spool)),
    }
    for run in sides.values():  # warm: imports, the connection, the caches of the naming rules
        run()
    rounds: dict[str, list[float]] = {name: [] for name in sides}
    for _ in range(max(3, args.repeat)):
        for name, run in sides.items():
            gc.collect()
            start = time.perf_counter()
            run()
            rounds[name].append(time.perf_counter() - start)
    out = {
        "guests": guests,
        "finalists": event.invitations.filter(kind="finalist").count(),
        "cells": cells,
        "guest_list_cells": guest_list_cells,
        "rounds": {name: [round(t, 4) for t in times] for name, times in rounds.items()},
        "ratio_to_floor_by_round": [round(o / f, 3) for o, f in zip(rounds["workbook"], rounds["floor"])],
    }
    for name, run in sides.items():
        queries = []
        peak = peak_memory(lambda run=run: queries.append(query_count(run)))
        out[name] = {"seconds": min(rounds[name]), "peak_bytes": peak, "queries": queries[0]}
    return out


# --- the organisers' nominations export ---------------------------------------------------------


def part_export(args) -> dict:
    from django.contrib.auth import get_user_model
    from rest_framework.test import APIClient

    from nominations.models import Nomination

    from .measure import query_count, timed_with_peak_rss

    organiser = get_user_model().objects.get(username="organiser")
    client = APIClient()
    client.force_authenticate(organiser)
    rows = Nomination.objects.filter(programme__slug="proud-2026").count()

    def export():
        response = client.get("/api/v1/nominations/export/", {"programme": "proud-2026"})
        assert response.status_code == 200, response.status_code
        size = 0
        for chunk in response.streaming_content:  # read as a browser would, never held whole
            size += len(chunk)
        for close in response._resource_closers:  # not close(): that would close the database connection too
            close()
        return size

    # Peak memory as the growth of resident memory in the timed runs themselves (tracemalloc
    # would double the time at 100,000 rows); queries counted in a run of their own below 50,000.
    # Warm up with the list (connection, imports), not an export: the first export's growth of
    # resident memory is the export's own peak, later ones reuse what the first freed.
    client.get("/api/v1/nominations/", {"programme": "proud-2026"})
    runs = [timed_with_peak_rss(export) for _ in range(args.repeat if rows < 50_000 else 1)]
    seconds = min(run[0] for run in runs)
    peak = max((run[1] for run in runs if run[1] is not None), default=None)
    queries = query_count(export) if rows < 50_000 else None
    return {"rows": rows, "seconds": seconds, "peak_rss_bytes": peak, "queries": queries, "memory_measure": "peak RSS growth"}


# --- API lists ----------------------------------------------------------------------------------

# The floor of each list (issue 20): the same required work with nothing in between. The count and
# the page as two raw queries, one multi-row insert of the access-log rows where the list shows
# identity (the nominees on the page, and the members of a group on it), and json.dumps of the rows.

NOMINATION_COUNT_SQL = "SELECT COUNT(*) FROM nominations_nomination n WHERE n.programme_id = %s"

NOMINATION_FLOOR_SQL = """
SELECT n.id, n.reference, p.slug, c.slug, c.name, n.status, n.source, n.nominator_name, n.nominator_email,
       n.nominator_phone, n.nominator_organisation, n.nominator_relationship, n.nominator_known_recently,
       n.achievement, n.why_it_matters, n.anything_else, n.submitted_at, n.created_at, n.updated_at,
       e.id, e.kind, e.legal_first_name, e.legal_last_name, e.preferred_name, e.say_first_name, e.say_last_name, e.chosen_name,
       e.date_of_birth, e.cohort, e.named_to_event_staff, e.contact_allowed,
       e.area, w.username, e.allocated_worker_name, e.publicity_level, e.photography_allowed, e.attendance_safe,
       e.safeguarding_checked_at, s.username, e.safeguarding_notes, e.possible_duplicate_of_id, e.merged_into_id,
       g.id, g.name,
       (SELECT json_agg(json_build_array(m.id, m.kind, m.legal_first_name, m.legal_last_name, m.preferred_name,
                        m.say_first_name, m.say_last_name, m.chosen_name, m.date_of_birth, m.cohort, m.area,
                        m.allocated_worker_name, m.publicity_level, m.photography_allowed, m.named_to_event_staff,
                        m.contact_allowed, m.attendance_safe, m.safeguarding_checked_at, m.safeguarding_notes,
                        m.possible_duplicate_of_id, m.merged_into_id))
        FROM nominations_nomineegroup_members gm JOIN nominations_nominee m ON m.id = gm.nominee_id
        WHERE gm.nomineegroup_id = n.group_id)
FROM nominations_nomination n
JOIN awards_programme p ON p.id = n.programme_id
JOIN awards_category c ON c.id = n.category_id
LEFT JOIN nominations_nominee e ON e.id = n.nominee_id
LEFT JOIN auth_user w ON w.id = e.allocated_worker_id
LEFT JOIN auth_user s ON s.id = e.safeguarding_checked_by_id
LEFT JOIN nominations_nomineegroup g ON g.id = n.group_id
WHERE n.programme_id = %s
ORDER BY n.submitted_at DESC NULLS FIRST, n.id DESC
LIMIT 50
"""


def _nomination_log_ids(rows) -> list[int]:
    """The nominees whose identity a page of the nominations list shows: each row's, or its group's members'."""
    ids = []
    for row in rows:
        ids += [row[19]] if row[19] is not None else [member[0] for member in row[-1] or []]
    return list(dict.fromkeys(ids))


# A member's queue: their assignments of nominations still under review, without those of a young
# person (or a group with a young person) they declared a conflict with, as the API reads them.
_QUEUE_WHERE = """
WHERE m.user_id = %s AND n.status IN ('eligible', 'shortlisted', 'not_shortlisted')
  AND NOT EXISTS (
      SELECT 1 FROM shortlisting_conflict x
      LEFT JOIN nominations_nomineegroup_members xm ON xm.nominee_id = x.nominee_id
      WHERE x.member_id = a.member_id AND (x.nominee_id = n.nominee_id OR xm.nomineegroup_id = n.group_id)
  )
"""

_ASSIGNMENT_COUNT_FROM = """
SELECT COUNT(*)
FROM shortlisting_assignment a
JOIN shortlisting_panelmember m ON m.id = a.member_id
JOIN nominations_nomination n ON n.id = a.nomination_id
"""
ASSIGNMENT_COUNT_SQL = _ASSIGNMENT_COUNT_FROM + _QUEUE_WHERE  # nosec B608 - constant SQL text; values are parameters

# Everything a card shows or redaction reads: the statement, the names and places to hide (the
# nominee's, or each group member's), the category's rubric, the member's review and its scores.
_ASSIGNMENT_FLOOR_FROM = """
SELECT a.id, p.name, p.programme_id, c.slug, c.name, n.id, n.reference, n.achievement, n.why_it_matters,
       n.nominator_name, n.nominator_organisation, e.kind, e.legal_first_name, e.legal_last_name, e.preferred_name,
       e.chosen_name, e.area, e.publicity_level, e.own_publicity_level, g.name,
       (SELECT json_agg(json_build_array(gm.legal_first_name, gm.legal_last_name, gm.preferred_name, gm.chosen_name, gm.area))
        FROM nominations_nomineegroup_members gl JOIN nominations_nominee gm ON gm.id = gl.nominee_id
        WHERE gl.nomineegroup_id = n.group_id),
       (SELECT json_agg(json_build_array(k.id, k.name, k.guidance, k.weight, k.max_score) ORDER BY k.display_order, k.id)
        FROM awards_criterion k WHERE k.category_id = n.category_id),
       r.status, r.comment, r.submitted_at,
       (SELECT json_agg(json_build_array(s.criterion_id, s.value)) FROM shortlisting_score s WHERE s.review_id = r.id)
FROM shortlisting_assignment a
JOIN shortlisting_panelmember m ON m.id = a.member_id
JOIN shortlisting_panel p ON p.id = a.panel_id
JOIN nominations_nomination n ON n.id = a.nomination_id
JOIN awards_category c ON c.id = n.category_id
LEFT JOIN nominations_nominee e ON e.id = n.nominee_id
LEFT JOIN nominations_nomineegroup g ON g.id = n.group_id
LEFT JOIN shortlisting_review r ON r.assignment_id = a.id
"""
_ASSIGNMENT_FLOOR_ORDER = """
ORDER BY c.display_order, a.nomination_id
LIMIT 50
"""
ASSIGNMENT_FLOOR_SQL = _ASSIGNMENT_FLOOR_FROM + _QUEUE_WHERE + _ASSIGNMENT_FLOOR_ORDER  # nosec B608 - constant SQL text

GUEST_COUNT_SQL = """
SELECT COUNT(*)
FROM events_guest g
LEFT JOIN events_invitation i ON i.id = g.invitation_id
WHERE g.event_id = %s AND (i.status = 'accepted' OR g.invitation_id IS NULL)
"""

# The page of guests the door's list shows, in its order: by the name the event team sees, composed
# from the young person's record as events.selectors.guest_name_expression composes it (the guest
# row's stored name is only for adults: a copy of a child's name would go stale when their naming
# changes, so sorting by it would be another page). tests/test_bench_floor.py holds the two pages equal.
GUEST_FLOOR_SQL = r"""
SELECT g.id, shown, t.number, g.access_needs, g.access_other, g.checked_in_at
FROM events_guest g
LEFT JOIN events_invitation i ON i.id = g.invitation_id
LEFT JOIN nominations_nomination n ON n.id = i.nomination_id
LEFT JOIN nominations_nominee e ON e.id = n.nominee_id
LEFT JOIN nominations_nomineegroup grp ON grp.id = n.group_id
LEFT JOIN events_table t ON t.id = g.table_id
CROSS JOIN LATERAL (SELECT CASE
    WHEN g.position = 0 AND i.kind = 'finalist' AND n.group_id IS NOT NULL THEN grp.name
    WHEN g.position = 0 AND i.kind = 'finalist' AND e.named_to_event_staff AND NOT (e.legal_last_name ~ '\S')
        THEN COALESCE(NULLIF(TRIM(e.preferred_name), ''), TRIM(e.legal_first_name))
    WHEN g.position = 0 AND i.kind = 'finalist' AND e.named_to_event_staff
        THEN COALESCE(NULLIF(TRIM(e.preferred_name), ''), TRIM(e.legal_first_name)) || ' ' || SUBSTR(TRIM(e.legal_last_name), 1, 1) || '.'
    WHEN g.position = 0 AND i.kind = 'finalist' THEN 'Finalist no. ' || g.invitation_id::text
    ELSE g.name END AS shown) named
WHERE g.event_id = %s AND (i.status = 'accepted' OR g.invitation_id IS NULL)
ORDER BY LOWER(shown), g.id
LIMIT 50
"""


def _floor(count_sql: str, sql: str, params: list, *, log_ids=None, user=None, context: str = ""):
    """The floor of a list: count, page, one multi-row insert into the access log where `log_ids`
    picks the nominees whose identity the page shows, json.dumps."""
    from django.core.serializers.json import DjangoJSONEncoder
    from django.db import connection
    from django.utils import timezone

    def run():
        with connection.cursor() as cursor:
            cursor.execute(count_sql, params)
            count = cursor.fetchone()[0]
            cursor.execute(sql, params)
            names = [f"c{i}" for i in range(len(cursor.description))]
            fetched = cursor.fetchall()
            if log_ids is not None:
                ids = log_ids(fetched)
                if ids:
                    now = timezone.now()
                    cursor.execute(
                        "INSERT INTO nominations_identityaccess (user_id, username, nominee_id, context, at) VALUES "  # nosec B608 - placeholders only
                        + ", ".join(["(%s, %s, %s, %s, %s)"] * len(ids)),
                        [value for pk in ids for value in (user.pk, user.username, pk, context, now)],
                    )
            rows = [dict(zip(names, row)) for row in fetched]
        return json.dumps({"count": count, "results": rows}, cls=DjangoJSONEncoder)

    return run


def part_lists(args) -> dict:
    from django.contrib.auth import get_user_model
    from rest_framework.test import APIClient

    from awards.models import Programme
    from events.models import Event
    from nominations.models import Nomination
    from shortlisting.selectors import assignments_for_member

    from .measure import interleaved, query_count
    from .peers import coming

    users = {u.username: u for u in get_user_model().objects.filter(username__in=["organiser", "panel", "door"])}
    programme = Programme.objects.get(slug="proud-2026")
    event = Event.objects.get(programme=programme)
    lists = {
        "nominations": (
            "organiser", "/api/v1/nominations/", {"programme": "proud-2026"},
            Nomination.objects.filter(programme=programme).count(),
            _floor(NOMINATION_COUNT_SQL, NOMINATION_FLOOR_SQL, [programme.pk], log_ids=_nomination_log_ids,
                   user=users["organiser"], context="bench.floor"),
        ),
        "panel_queue": (
            "panel", "/api/v1/assignments/", {},
            assignments_for_member(users["panel"]).count(),
            _floor(ASSIGNMENT_COUNT_SQL, ASSIGNMENT_FLOOR_SQL, [users["panel"].pk]),
        ),
        "guests": (
            "door", "/api/v1/guests/", {"event": event.pk},
            coming(event).count(),
            _floor(GUEST_COUNT_SQL, GUEST_FLOOR_SQL, [event.pk]),
        ),
    }
    out = {}
    for name, (username, url, params, rows, floor) in lists.items():
        client = APIClient()
        client.force_authenticate(users[username])

        def get(client=client, url=url, params=params):
            response = client.get(url, params)
            assert response.status_code == 200, (url, response.status_code)
            return response

        cold = None
        if name == "panel_queue":
            # The first read of a page in a fresh process redacts every statement on it (the cache
            # of redacted statements is empty): measured apart from the warm median below.
            from shortlisting.cards import REDACTED_STATEMENTS

            samples = []
            for _ in range(3):
                REDACTED_STATEMENTS.clear()
                start = time.perf_counter()
                get()
                samples.append(time.perf_counter() - start)
            cold = round(sorted(samples)[1] * 1000, 2)
        body = get().json()
        out[name] = {
            "cold_median_ms": cold,
            "rows": rows,
            "count_in_response": body.get("count"),
            "queries": query_count(get),
            **interleaved({"api": get, "floor": floor}, requests=args.requests),
        }
    return out


# --- ranking --------------------------------------------------------------------------------------


def part_ranking(args) -> dict:
    from django.db import transaction

    from shortlisting.selectors import category_ranking

    from .fixtures import ranking_fixture
    from .measure import measure

    with transaction.atomic():
        panel, category, counts = ranking_fixture(nominations=args.rank_nominations)
    raw = measure(lambda: category_ranking(panel=panel, category=category), repeat=args.repeat)
    normalised = measure(lambda: category_ranking(panel=panel, category=category, normalise=True), repeat=args.repeat)
    rows = category_ranking(panel=panel, category=category)
    return {**counts, "ranked": len(rows), "weighted": raw.__dict__, "normalised": normalised.__dict__}


# --- import ----------------------------------------------------------------------------------------


def part_import(args) -> dict:
    from django.contrib.auth import get_user_model

    from awards.models import Programme
    from nominations.importers import import_nominations
    from nominations.models import Nomination

    from .fixtures import import_workbook
    from .measure import stopwatch

    programme = Programme.objects.get(slug="proud-2026")
    organiser = get_user_model().objects.get(username="organiser")
    before = Nomination.objects.filter(programme=programme).count()
    path = import_workbook(rows=args.import_rows, programme=programme)
    out = {"rows": args.import_rows, "file_bytes": os.path.getsize(path)}
    for name, dry_run in (("dry_run", True), ("commit", False)):
        with open(path, "rb") as handle, stopwatch() as clock:
            report = import_nominations(
                file=handle, filename="nominations.xlsx", programme=programme, user=organiser, dry_run=dry_run
            )
        assert report.refused == 0, report.rows[0].problems if report.rows else report.message
        out[name] = {"seconds": clock["seconds"], "accepted": report.accepted}
    out["imported"] = Nomination.objects.filter(programme=programme).count() - before
    os.unlink(path)
    return out


# --- documents: certificates and the night's print pack (PDF) -------------------------------------


def _layout_peak() -> int:
    """The largest peak resident memory of any layout process so far (night.pdf lays out long
    documents in processes of their own; the kernel keeps the high-water mark of each)."""
    import resource

    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024


def part_documents(args) -> dict:
    from events.models import Event
    from night.certificates import certificate_nominations, certificates_title, certificates_write
    from night.models import PrintKind
    from night.print_pack import pack_cards, pack_write
    from night.selectors import NightData

    from .measure import timed_with_peak_rss

    event = Event.objects.select_related("programme").get(programme__slug="proud-2026")
    ids = list(certificate_nominations(event).values_list("pk", flat=True)[: args.certificates])
    from night.pdf import processes

    out: dict = {"certificates": {}, "pack": {}, "processes": processes()}
    for count in (args.certificates // 4, args.certificates):
        nominations = certificate_nominations(event).filter(pk__in=ids[:count])
        pages = []

        def certificates(nominations=nominations, pages=pages):
            with tempfile.TemporaryFile() as spool:
                pages.append(certificates_write(spool, event=event, nominations=nominations.iterator(chunk_size=200),
                                                title=certificates_title(event)))
                pages.append(spool.tell())

        seconds, peak = timed_with_peak_rss(certificates)
        out["certificates"][count] = {"seconds": seconds, "peak_rss_bytes": peak, "pages": pages[0], "bytes": pages[1],
                                      "layout_peak_rss_bytes": _layout_peak()}

    data = NightData.load(event)
    out["guests"] = len(data.guests)
    out["tables"] = len(data.tables)
    # Memory against the count: a quarter of the badges first, then all of them (below), as the
    # certificates are measured small first: a high-water mark is measured from where it stands.
    quarter = pack_cards(event=event, kind=PrintKind.BADGES, data=data)
    quarter.cards = quarter.cards[: len(quarter.cards) // 4]

    def write_quarter():
        with tempfile.TemporaryFile() as spool:
            pack_write(spool, quarter, event)

    seconds, peak = timed_with_peak_rss(write_quarter)
    out["pack"]["badges_quarter"] = {"cards": len(quarter.cards), "seconds": seconds, "peak_rss_bytes": peak,
                                     "layout_peak_rss_bytes": _layout_peak()}
    for kind in (PrintKind.BADGES, PrintKind.PLACE_CARDS, PrintKind.TABLE_CARDS):
        pack = pack_cards(event=event, kind=kind, data=data)
        made = []

        def write(pack=pack, made=made):
            with tempfile.TemporaryFile() as spool:
                made.append(pack_write(spool, pack, event))
                made.append(spool.tell())

        seconds, peak = timed_with_peak_rss(write)
        out["pack"][kind] = {"cards": len(pack.cards), "seconds": seconds, "peak_rss_bytes": peak, "pages": made[0], "bytes": made[1],
                             "layout_peak_rss_bytes": _layout_peak()}
    return out


PARTS = {
    "documents": part_documents,
    "workbook": part_workbook,
    "export": part_export,
    "lists": part_lists,
    "ranking": part_ranking,
    "import": part_import,
}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("parts", nargs="+", choices=sorted(PARTS))
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--rank-nominations", type=int, default=10_000)
    parser.add_argument("--import-rows", type=int, default=10_000)
    parser.add_argument("--certificates", type=int, default=1_000)
    args = parser.parse_args(argv)
    _setup()
    random.seed(2026)
    result = {part: PARTS[part](args) for part in args.parts}
    json.dump(result, sys.stdout, default=str)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()

