"""The safe cell writer and the exporter base classes (no database needed)."""

import re
import tracemalloc
import zipfile
from datetime import UTC, date, datetime, time
from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import load_workbook

from nominations.spreadsheets import (
    Column,
    ListExporter,
    MultiSheetExporter,
    SheetSpec,
    safe_cell_value,
    safe_filename,
    safe_sheet_title,
)

FORMULA_LOOKING = ["=SUM(A1)", "+1", "-2", "@x", "\tfoo", "\rbar"]
KEPT_TEXT = ["🎉", "e\u0301", "مريم", "שלום", "你好世界", "Zoë Ødegård"]


class _TinyExporter(ListExporter):
    identifier = "tiny"
    verbose_name = "Tiny export"
    columns = [Column("Name", 30), Column("Score", 10), Column("Note", 45)]

    def __init__(self, rows):
        self._rows = rows

    def rows(self):
        yield from self._rows


def _export(rows, exporter_class=_TinyExporter):
    return exporter_class(rows).export_to_bytes()


def _load(data):
    return load_workbook(BytesIO(data))


def _sheet_xml(data, number=1):
    with zipfile.ZipFile(BytesIO(data)) as archive:
        return archive.read(f"xl/worksheets/sheet{number}.xml").decode()


def test_write_cell_formula_looking_text_is_stored_as_quoted_text():
    data = _export([[text, 1, "n"] for text in FORMULA_LOOKING])

    ws = _load(data).active
    cells = [row[0] for row in ws.iter_rows(min_row=2)]
    assert [cell.data_type for cell in cells] == ["s"] * 6
    assert [cell.quotePrefix for cell in cells] == [True] * 6
    # openpyxl's lxml writer escapes CR as "&#13;", so "\rbar" reads back exactly (a raw CR
    # would come back as LF, XML 1.0 §2.11); what matters is that it is text, not a formula.
    assert [cell.value for cell in cells] == ["=SUM(A1)", "+1", "-2", "@x", "\tfoo", "\rbar"]


def test_write_cell_quote_prefix_reaches_the_saved_styles():
    data = _export([["=1+1", 1, "plain"]])

    with zipfile.ZipFile(BytesIO(data)) as archive:
        styles = archive.read("xl/styles.xml").decode()
    assert 'quotePrefix="1"' in re.search(r"<cellXfs.*?</cellXfs>", styles).group(0)
    assert "<f>" not in _sheet_xml(data)


def test_write_cell_plain_text_has_no_quote_prefix():
    ws = _load(_export([["Ruby", 1, "a-b=c"]])).active

    assert [(cell.value, cell.quotePrefix) for cell in ws[2]] == [("Ruby", False), (1, False), ("a-b=c", False)]


def test_write_cell_no_cell_is_ever_a_formula_or_error():
    rows = [[text, "#N/A", "#REF!"] for text in FORMULA_LOOKING] + [["\x00=cmd|' /C calc'!A0", "=HYPERLINK(\"x\")", None]]

    wb = _load(_export(rows))

    data_types = {cell.data_type for ws in wb.worksheets for row in ws.iter_rows() for cell in row if cell.value is not None}
    assert data_types == {"s"}
    assert wb.active["B2"].value == "#N/A"


def test_write_cell_text_becoming_formula_after_cleaning_is_quoted():
    ws = _load(_export([["\x00=1+1", 1, None]])).active

    assert (ws["A2"].value, ws["A2"].data_type, ws["A2"].quotePrefix) == ("=1+1", "s", True)


def test_safe_cell_value_drops_characters_a_workbook_cannot_hold():
    rows = [["a\x00b\x07c\x1bd", 1, "x\ud800y"], ["\udfff", 2, "\ufffeok\uffff"]]

    ws = _load(_export(rows)).active

    assert [[cell.value for cell in row] for row in ws.iter_rows(min_row=2)] == [["abcd", 1, "xy"], [None, 2, "ok"]]


def test_safe_cell_value_keeps_tab_newline_and_carriage_return():
    assert safe_cell_value("a\tb\nc\rd") == "a\tb\nc\rd"


def test_safe_cell_value_joins_a_valid_surrogate_pair():
    assert safe_cell_value("party \ud83c\udf89") == "party 🎉"


@pytest.mark.parametrize("text", KEPT_TEXT)
def test_safe_cell_value_keeps_any_script_exactly(text):
    ws = _load(_export([[text, 1, f"{text} and more"]])).active

    assert (ws["A2"].value, ws["C2"].value) == (text, f"{text} and more")


def test_safe_cell_value_caps_text_at_excel_limit():
    ws = _load(_export([["x" * 40_000, 1, "🎉" * 20_000]])).active

    assert len(ws["A2"].value) == 32_767
    # Excel counts UTF-16 units: an emoji is two, and is never cut in half.
    assert ws["C2"].value == "🎉" * 16_383


def test_safe_cell_value_keeps_numbers_and_dates_typed():
    moment = datetime(2026, 7, 1, 18, 30)
    ws = _load(_export([[7, Decimal("2.50"), date(2026, 7, 1)], [1.5, True, moment]])).active

    assert [[(cell.value, cell.data_type) for cell in row] for row in ws.iter_rows(min_row=2)] == [
        [(7, "n"), (2.5, "n"), (datetime(2026, 7, 1), "d")],
        [(1.5, "n"), (True, "b"), (moment, "d")],
    ]
    assert type(ws["A2"].value) is int
    assert ws["C2"].is_date


def test_safe_cell_value_aware_datetime_becomes_london_wall_time():
    summer = datetime(2026, 7, 1, 17, 30, tzinfo=UTC)

    assert safe_cell_value(summer) == datetime(2026, 7, 1, 18, 30)
    assert safe_cell_value(datetime(2026, 1, 15, 17, 30, tzinfo=UTC)) == datetime(2026, 1, 15, 17, 30)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, None),
        (["Positive Choices", 3, date(2026, 7, 1)], "Positive Choices, 3, 2026-07-01"),
        (("a\x00", None, "b"), "a, , b"),
        (float("nan"), None),
        (Decimal("Infinity"), None),
        (time(19, 0, tzinfo=UTC), time(19, 0)),
        (b"caf\xc3\xa9", "café"),
    ],
)
def test_safe_cell_value_converts_other_values(value, expected):
    assert safe_cell_value(value) == expected


def test_export_header_is_bold_frozen_and_filtered():
    ws = _load(_export([["Ruby", 3, "x"], ["Jaz", 4, "y"], ["Sam", 5, "z"]])).active

    assert [cell.value for cell in ws[1]] == ["Name", "Score", "Note"]
    assert [cell.font.b for cell in ws[1]] == [True, True, True]
    assert [cell.font.b for cell in ws[2]] == [False, False, False]
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:C4"


def test_export_page_setup_prints_landscape_one_page_wide_with_header():
    ws = _load(_export([["Ruby", 3, "x"]])).active

    assert ws.print_title_rows == "$1:$1"
    assert ws.page_setup.orientation == "landscape"
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True
    assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0)


def test_export_column_widths_follow_the_columns():
    ws = _load(_export([])).active

    assert [ws.column_dimensions[letter].width for letter in "ABC"] == [30, 10, 45]


def test_export_without_rows_still_has_header_and_filter():
    data = _export([])

    ws = _load(data).active
    assert [[cell.value for cell in row] for row in ws.iter_rows()] == [["Name", "Score", "Note"]]
    assert ws.auto_filter.ref == "A1:C1"
    assert ws.title == "Tiny export"


def test_export_writes_an_autofilter_element_and_filter_database_name():
    data = _export([["Ruby", 3, "x"], ["Jaz", 4, "y"]])

    with zipfile.ZipFile(BytesIO(data)) as archive:
        workbook_xml = archive.read("xl/workbook.xml").decode()
    assert '<autoFilter ref="A1:C3"' in _sheet_xml(data)
    assert "_xlnm._FilterDatabase" in workbook_xml


class _TwoSheetExporter(MultiSheetExporter):
    identifier = "event night/"
    verbose_name = "Event night"

    def sheets(self):
        yield SheetSpec("Running order: [Act 1]", [("Time", 12), ("Who", 40)], iter([[time(19, 0), "Jaz"]]))
        yield ("Running order: [Act 1]", ["Guest"], [])


def test_multi_sheet_export_writes_each_sheet_styled_with_unique_titles():
    wb = _load(_TwoSheetExporter().export_to_bytes())

    assert wb.sheetnames == ["Running order Act 1", "Running order Act 1 (2)"]
    first, second = wb.worksheets
    assert [[cell.value for cell in row] for row in first.iter_rows()] == [["Time", "Who"], [time(19, 0), "Jaz"]]
    assert (first.auto_filter.ref, second.auto_filter.ref) == ("A1:B2", "A1:A1")
    assert (second.freeze_panes, second["A1"].font.b) == ("A2", True)
    assert first.column_dimensions["B"].width == 40


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Nominations [2026]: a/b\\c*d?", "Nominations 2026 abcd"),
        ("A" * 40, "A" * 31),
        ("'Quoted'", "Quoted"),
        ("", "Sheet"),
        ("History", "History sheet"),
        ("Bad\x00name", "Badname"),
    ],
)
def test_safe_sheet_title_meets_excel_rules(title, expected):
    assert safe_sheet_title(title) == expected


def test_safe_sheet_title_avoids_taken_titles_within_31_characters():
    title = safe_sheet_title("B" * 40, taken=["b" * 31])

    assert (title, len(title)) == ("B" * 27 + " (2)", 31)


def test_filename_is_identifier_and_date():
    assert _TinyExporter([]).filename(on=date(2026, 7, 1)) == "tiny-2026-07-01.xlsx"
    assert _TwoSheetExporter().filename(on=date(2026, 7, 1)) == "event-night-2026-07-01.xlsx"
    assert safe_filename("../../etc/passwd ", on=date(2026, 7, 1)) == "etc-passwd-2026-07-01.xlsx"


def _peak_memory_for(row_count, tmp_path):
    def rows():
        for index in range(row_count):
            yield [f"Nominee {index}", index, "A fairly ordinary sentence of notes."]

    tracemalloc.start()
    try:
        with open(tmp_path / f"{row_count}.xlsx", "wb") as fileobj:
            _TinyExporter(rows()).write(fileobj)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_export_streams_memory_does_not_grow_with_rows(tmp_path):
    small = _peak_memory_for(500, tmp_path)
    large = _peak_memory_for(5_000, tmp_path)

    # Streaming keeps the peak flat; holding the 5,000 rows in memory adds ~600 KB.
    assert large - small < 256 * 1024
