"""The benchmark's floor of the event-night workbook (benchmarks.floors) writes the workbook's own
cells, sheet for sheet: a ratio to a floor that wrote fewer or other cells would measure nothing."""

from io import StringIO

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from benchmarks.floors import floor_cells, floor_workbook
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
