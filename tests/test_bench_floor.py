"""The benchmark's floors do the work of what they are compared with: the event-night workbook's
floor (benchmarks.floors) writes the workbook's own cells, sheet for sheet, and the door list's
floor reads the API's own page: a ratio to a floor that wrote fewer or other cells, or read another
page, would measure nothing."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from openpyxl import load_workbook
from rest_framework.test import APIClient

from benchmarks.floors import floor_cells, floor_workbook
from benchmarks.suite import GUEST_FLOOR_SQL
from events.models import Event
from night.exporters import EventNightWorkbook
from nominations.spreadsheets import safe_cell_value

pytestmark = pytest.mark.django_db


@pytest.fixture
def night(settings):
    settings.DEBUG = True  # seed_demo only runs with DEBUG on
    call_command("seed_demo", "--nominations", "1000", "--bulk", stdout=StringIO())
    return Event.objects.get(programme__slug="proud-2026")


def _cells(rows) -> list[list]:
    return [[safe_cell_value(value) for value in row] for row in rows]


def test_the_floor_writes_the_workbooks_cells_sheet_for_sheet(night):
    ours = [(title, [column[0] for column in columns], _cells(rows)) for title, columns, rows in EventNightWorkbook(night).sheets()]
    floor = [(title, headers, _cells(rows)) for title, headers, rows in floor_cells(night)]

    assert [title for title, _, _ in floor] == [title for title, _, _ in ours]
    for (title, headers, rows), (_, our_headers, our_rows) in zip(floor, ours):
        assert headers == our_headers, title
        assert rows == our_rows, title
    assert sum(len(rows) for _, _, rows in ours) > 60  # an event with guests, tables and finalists to compare


def test_the_floor_workbook_holds_those_cells(night, tmp_path):
    path = tmp_path / "floor.xlsx"
    with open(path, "wb") as handle:
        cells = floor_workbook(night, handle)

    book = load_workbook(path)
    assert cells == sum(sheet.max_row * sheet.max_column for sheet in book.worksheets)
    assert [sheet.title for sheet in book.worksheets][:2] == ["Running order", "Compere script"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the bench and its floor SQL run on PostgreSQL")
def test_the_door_lists_floor_is_the_api_page_in_its_order(night):
    """The door's list floor (benchmarks.suite.GUEST_FLOOR_SQL) reads the same 50 guests in the same
    order as `GET /api/v1/guests/?event=` gives the door, with the same names for all but the
    neutral labels (to which the API adds the table and a companion)."""
    client = APIClient()
    client.force_authenticate(get_user_model().objects.get(username="door"))
    page = client.get("/api/v1/guests/", {"event": night.pk}).json()["results"]
    with connection.cursor() as cursor:
        cursor.execute(GUEST_FLOOR_SQL, [night.pk])
        floor = cursor.fetchall()

    assert [row[0] for row in floor] == [guest["id"] for guest in page] and len(page) > 20
    shown = [(row[1], guest["name"]) for row, guest in zip(floor, page, strict=True)]
    assert all(api == name or (name.startswith("Finalist no. ") and api.startswith(name + ",")) for name, api in shown)
    assert any(" " in name and name.endswith(".") for name, _ in shown)  # finalists named from their record
