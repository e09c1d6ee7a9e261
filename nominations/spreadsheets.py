"""Spreadsheet exports: one safe cell writer and the exporter base classes.

Pure Python and openpyxl (no Django imports), so any app, management command or task
can build a workbook. Apps subclass `ListExporter` (one sheet) or `MultiSheetExporter`
(several sheets) and register the classes in their own plain dict.

Every value goes through `safe_cell_value` / `write_cell`:

- openpyxl stores any string starting with ``=`` as a formula, and reads "#N/A" and
  friends as error cells; every string is forced to text, and text starting with
  ``=``, ``+``, ``-``, ``@``, tab or CR also gets Excel's quote-prefix style so editing
  the cell in Excel cannot turn it into a formula either;
- characters a workbook cannot hold (control characters, lone surrogates, U+FFFE/FFFF)
  are dropped instead of raising `IllegalCharacterError` or writing a corrupt file.

Styling (bold frozen header, autofilter, widths, print titles, landscape, fit to one
page wide) is applied once, in `Exporter.write`. Workbooks are written with
``Workbook(write_only=True)``: rows stream to a temporary file, so memory does not grow
with the number of rows.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime, time
from decimal import Decimal
from io import BytesIO
from typing import IO, Any, ClassVar, NamedTuple
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

__all__ = [
    "EXCEL_CELL_MAX_CHARS",
    "EXCEL_SHEET_TITLE_MAX_CHARS",
    "Column",
    "Exporter",
    "ListExporter",
    "MultiSheetExporter",
    "SheetSpec",
    "safe_cell_value",
    "safe_filename",
    "safe_sheet_title",
    "write_cell",
]

EXCEL_CELL_MAX_CHARS = 32_767
EXCEL_SHEET_TITLE_MAX_CHARS = 31
DEFAULT_COLUMN_WIDTH = 15.0

# Excel shows local times; our programmes run in the UK (settings.TIME_ZONE).
EXPORT_TIMEZONE = ZoneInfo("Europe/London")

# Text Excel would treat as a formula (or DDE payload) if typed into a cell.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

# Not allowed in XML 1.0 at all, on top of openpyxl's ILLEGAL_CHARACTERS_RE: lone
# surrogates make the XML writer crash on encoding, U+FFFE/U+FFFF make a file Excel
# refuses to open.
_XML_UNSAFE_RE = re.compile("[\ud800-\udfff\ufffe\uffff]")
_SURROGATE_RE = re.compile("[\ud800-\udfff]")
_SHEET_TITLE_FORBIDDEN_RE = re.compile(r"[\[\]:*?/\\]")
_FILENAME_UNSAFE_RE = re.compile(r"[^A-Za-z0-9_-]+")

_BOLD = Font(bold=True)

CellValue = str | int | float | Decimal | bool | date | datetime | time | None


class Column(NamedTuple):
    """A column of a sheet: its header title and width in Excel character units
    (None keeps Excel's default width). Plain ``(title, width)`` tuples and bare
    titles work too."""

    title: str
    width: float | None = DEFAULT_COLUMN_WIDTH


class SheetSpec(NamedTuple):
    """One sheet to write: title, columns, and an iterable of rows (each an iterable
    of values, in column order). Plain ``(title, columns, rows)`` tuples work too."""

    title: str
    columns: Sequence[Column | tuple[str, float | None] | str]
    rows: Iterable[Iterable[Any]]


def _clean_text(text: str) -> str:
    """Drop characters a workbook cannot hold; keep everything else exactly."""
    if _SURROGATE_RE.search(text):
        # A valid high+low pair (e.g. from JSON "\\ud83c\\udf89") becomes the real
        # character; a lone surrogate cannot be encoded and is dropped.
        text = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "ignore")
    text = ILLEGAL_CHARACTERS_RE.sub("", text)
    return _XML_UNSAFE_RE.sub("", text)


def _truncate_utf16(text: str, limit: int) -> str:
    """Cut `text` to `limit` UTF-16 code units (how Excel counts), never splitting a
    character outside the Basic Multilingual Plane (emoji count as two)."""
    if len(text) * 2 <= limit:  # fast path: cannot be over the limit
        return text
    units = 0
    for index, char in enumerate(text):
        units += 2 if ord(char) > 0xFFFF else 1
        if units > limit:
            return text[:index]
    return text


def _as_text(value: Any) -> str:
    if isinstance(value, str):
        # str.__str__ gives the plain text of str subclasses (TextChoices, StrEnum)
        # rather than an enum's "Class.MEMBER" repr.
        return str.__str__(value)
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).decode("utf-8", errors="replace")
    return str(value)


def _join_item(item: Any) -> str:
    value = safe_cell_value(item)
    if value is None:
        return ""
    if isinstance(value, (date, time)):  # datetime is a date
        return value.isoformat(sep=" ") if isinstance(value, datetime) else value.isoformat()
    return str(value)


def safe_cell_value(value: Any) -> CellValue:
    """Return `value` in a form openpyxl can always store, never raising.

    Numbers, booleans, dates and times keep their type; aware datetimes become
    Europe/London wall time without tzinfo (Excel cannot store a zone); NaN and
    infinity become empty cells; lists and tuples are joined with ", "; anything else
    becomes text. Text loses only characters a workbook cannot hold and is capped at
    Excel's 32,767 characters. Formula protection is `write_cell`'s job.
    """
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int):
        return int(value)  # IntEnum/IntegerChoices → plain int
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    if isinstance(value, datetime):
        if value.tzinfo is not None and value.utcoffset() is not None:
            return value.astimezone(EXPORT_TIMEZONE).replace(tzinfo=None)
        return value.replace(tzinfo=None)
    if isinstance(value, date):
        return value
    if isinstance(value, time):
        # A time alone cannot be converted between zones; keep the wall time.
        return value.replace(tzinfo=None)
    if isinstance(value, (list, tuple)):
        value = ", ".join(_join_item(item) for item in value)
    return _truncate_utf16(_clean_text(_as_text(value)), EXCEL_CELL_MAX_CHARS)


def write_cell(ws: WriteOnlyWorksheet, value: Any, *, bold: bool = False) -> WriteOnlyCell:
    """Return a `WriteOnlyCell` for `ws` holding `safe_cell_value(value)`.

    Strings are always stored as text (never a formula or an error value); text that
    starts with ``=``, ``+``, ``-``, ``@``, tab or CR also carries Excel's quote-prefix
    style, so it stays text when someone edits the cell in Excel.
    """
    safe = safe_cell_value(value)
    cell = WriteOnlyCell(ws, safe)
    if isinstance(safe, str):
        # Assigning the value made "=..." a formula and "#N/A" an error: undo that.
        cell.data_type = "s"
        if safe.startswith(FORMULA_TRIGGERS):
            cell.quotePrefix = True
    if bold:
        cell.font = _BOLD
    return cell


def _data_value(ws: WriteOnlyWorksheet, value: Any) -> CellValue | WriteOnlyCell:
    """`write_cell` for a data row, without building a cell where the plain value is stored
    exactly as `write_cell` would store it (openpyxl then reuses one cell for the row): text
    that could be taken for a formula or an error value ("=...", "#N/A") still gets its own cell."""
    safe = safe_cell_value(value)
    if isinstance(safe, str) and safe.startswith(_NEEDS_A_CELL):
        return write_cell(ws, safe)
    return safe


# openpyxl reads text starting with "=" as a formula and "#..." error codes as errors.
_NEEDS_A_CELL = (*FORMULA_TRIGGERS, "#")


def safe_sheet_title(title: str, *, taken: Iterable[str] = ()) -> str:
    """Return a sheet title Excel accepts: characters a workbook cannot hold and
    ``[]:*?/\\`` dropped, no leading or trailing apostrophe, at most 31 characters,
    not "History" (reserved by Excel), and distinct (case-insensitively) from `taken`,
    by adding " (2)", " (3)"… within the 31 characters."""
    cleaned = _SHEET_TITLE_FORBIDDEN_RE.sub("", _clean_text(_as_text(title)))
    cleaned = _trim_sheet_title(cleaned, EXCEL_SHEET_TITLE_MAX_CHARS) or "Sheet"
    if cleaned.casefold() == "history":
        cleaned = "History sheet"
    used = {name.casefold() for name in taken}
    candidate, number = cleaned, 1
    while candidate.casefold() in used:
        number += 1
        suffix = f" ({number})"
        candidate = _trim_sheet_title(cleaned, EXCEL_SHEET_TITLE_MAX_CHARS - len(suffix)) + suffix
    return candidate


def _trim_sheet_title(title: str, limit: int) -> str:
    # Excel refuses titles that start or end with an apostrophe; cutting can expose one.
    return _truncate_utf16(title.strip().strip("'").strip(), limit).strip().strip("'").strip()


def safe_filename(stem: str, *, on: date | None = None, extension: str = "xlsx") -> str:
    """Return ``"<stem>-<YYYY-MM-DD>.<extension>"`` using only letters, digits, ``-``
    and ``_`` in the stem (safe in a Content-Disposition header and on any disk).
    `on` defaults to today in Europe/London."""
    day = on or datetime.now(EXPORT_TIMEZONE).date()
    clean_stem = _FILENAME_UNSAFE_RE.sub("-", _as_text(stem)).strip("-_") or "export"
    return f"{clean_stem}-{day.isoformat()}.{extension}"


class Exporter:
    """Base of all spreadsheet exporters (pretix style): subclasses set `identifier`
    and `verbose_name` and implement `sheets()`; `write()` does the rest.

    An exporter instance writes once: `sheets()` may hand out one-shot generators.
    """

    identifier: ClassVar[str]
    verbose_name: ClassVar[str]

    def sheets(self) -> Iterable[SheetSpec | tuple[str, Sequence[Any], Iterable[Iterable[Any]]]]:
        """Yield one `SheetSpec` (title, columns, rows) per sheet, in order."""
        raise NotImplementedError

    def filename(self, *, on: date | None = None) -> str:
        """The download name, e.g. ``"event-night-2026-05-09.xlsx"``."""
        return safe_filename(self.identifier, on=on)

    def write(self, fileobj: IO[bytes]) -> None:
        """Write the workbook as xlsx to the binary file object `fileobj`."""
        workbook = Workbook(write_only=True)
        titles: list[str] = []
        for title, columns, rows in self.sheets():
            sheet_title = safe_sheet_title(title, taken=titles)
            titles.append(sheet_title)
            ws = workbook.create_sheet(title=sheet_title)
            _write_sheet(ws, [_as_column(column) for column in columns], rows)
        if not titles:
            # A workbook needs at least one sheet to be a valid file.
            workbook.create_sheet(title=safe_sheet_title(self.verbose_name))
        workbook.save(fileobj)

    def export_to_bytes(self) -> bytes:
        """Return the workbook as xlsx bytes (for small exports and tests; stream large
        ones with `write()` to a temporary file)."""
        buffer = BytesIO()
        self.write(buffer)
        return buffer.getvalue()


class ListExporter(Exporter):
    """An exporter with a single sheet: set `columns` (or override `headers()`) and
    implement `rows()`, yielding one iterable of values per row in column order."""

    columns: ClassVar[Sequence[Column | tuple[str, float | None] | str]] = ()

    def sheet_title(self) -> str:
        """The sheet's title; `verbose_name` unless overridden."""
        return self.verbose_name

    def headers(self) -> Sequence[Column | tuple[str, float | None] | str]:
        """The sheet's columns; `columns` unless overridden."""
        return self.columns

    def rows(self) -> Iterable[Iterable[Any]]:
        """Yield the data rows (not the header)."""
        raise NotImplementedError

    def sheets(self) -> Iterator[SheetSpec]:
        yield SheetSpec(self.sheet_title(), self.headers(), self.rows())


class MultiSheetExporter(Exporter):
    """An exporter with several sheets: implement `sheets()`, yielding
    `SheetSpec(title, columns, rows)` for each sheet in order."""


def _as_column(column: Column | tuple[str, float | None] | str) -> Column:
    if isinstance(column, str):
        return Column(column)
    return Column(*column)


def _write_sheet(ws: WriteOnlyWorksheet, columns: Sequence[Column], rows: Iterable[Iterable[Any]]) -> None:
    if not columns:
        raise ValueError(f"Sheet {ws.title!r} has no columns.")
    last_column = get_column_letter(len(columns))

    # Write-only sheets emit views, widths and page setup with the first row, so all
    # of it must be set before anything is appended.
    ws.freeze_panes = "A2"
    for index, column in enumerate(columns, start=1):
        if column.width is not None:
            ws.column_dimensions[get_column_letter(index)].width = column.width
    ws.print_title_rows = "1:1"
    ws.page_setup.orientation = "landscape"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages tall as needed

    ws.append([write_cell(ws, column.title, bold=True) for column in columns])
    last_row = 1
    for row in rows:
        ws.append([_data_value(ws, value) for value in row])
        last_row += 1

    # The autoFilter element is written after the rows, when the workbook is saved,
    # so the range can be set now that the row count is known.
    ws.auto_filter.ref = f"A1:{last_column}{last_row}"
