"""Importing nominations collected elsewhere (an online form's XLSX or CSV export).

Every row goes through the same input serializer and the same rules as a nomination
made through the API, with `source=import`: the rows that pass the serializer go, in order,
through nominations_create_many (beside nomination_create, sharing its checks and nominee
matching), which writes them in a few bulk queries. A run is all or nothing: everything
happens inside one transaction, rolled back when it is a dry run or any row is refused, so
a dry run reports exactly what the real import would do.

Text is kept exactly as typed (any script, right-to-left, combining marks, emoji).
Text that looks like a formula ("=HYPERLINK(...)" in a name) is stored as plain text:
nothing here evaluates it, and the exports' safe cell writer neutralises it when it
goes back into a workbook. Workbooks are read with `data_only=True`, so a formula cell
gives its saved result, never the formula.
"""

import csv
import io
import re
import warnings
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import PurePath

import openpyxl
from django.conf import settings
from django.db import IntegrityError, transaction
from rest_framework.exceptions import ValidationError

from awards.enums import Cohort, NomineeKind
from awards.models import Programme
from awards.rules import is_organiser
from mail.errors import NotAllowed, ServiceError

from .api.serializers import NominationCreateSerializer
from .enums import Relationship, Source
from .services import NominationDraft, NominationError, nominations_create_many
from .validation import text_problem

_MEGABYTE = 1024 * 1024
# openpyxl only reads what a zip member declares (a member that lies fails its CRC), so
# checking the declared sizes before opening the workbook bounds what it can expand to.
_EXPANSION_FACTOR = 20
_SUSPICIOUS_RATIO = 100
_SUSPICIOUS_MEMBER_BYTES = 10 * _MEGABYTE


class ImportFileError(NominationError):
    """The file as a whole cannot be imported: the message names the problem."""


class ImportFileTooLarge(ImportFileError):
    status_code = 413


class _CellProblem(Exception):
    pass


# --- reading --------------------------------------------------------------------


@dataclass
class Sheet:
    """The header row and the data rows of a file. `rows` yields (spreadsheet row number,
    {header: value}); `total` is how many rows the file says it has, for a progress bar."""

    headers: list[str]
    rows: Iterator[tuple[int, dict]]
    total: int | None


def read_rows(file, *, filename: str) -> Sheet:
    """Read an .xlsx or .csv upload, refusing anything else with ImportFileError."""
    suffix = PurePath(filename).suffix.lower()
    if suffix == ".xls":
        raise ImportFileError("Old-style .xls workbooks cannot be read: save it as .xlsx or as CSV UTF-8 and upload that.")
    if suffix not in (".xlsx", ".csv"):
        raise ImportFileError(
            f"'{_shown(PurePath(filename).name)}' is not a spreadsheet this import reads: upload an .xlsx workbook or a .csv file."
        )
    max_bytes = settings.PROUD_IMPORT_MAX_BYTES
    data = file.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise ImportFileTooLarge(
            f"The file is larger than {_size(max_bytes)}, the most one import takes; split it into smaller files."
        )
    if not data:
        raise ImportFileError("The file is empty.")
    return _read_xlsx(data) if suffix == ".xlsx" else _read_csv(data)


def _read_csv(data: bytes) -> Sheet:
    if b"\x00" in data:
        raise ImportFileError("The file is not a CSV text file (it contains binary data). Save it as CSV UTF-8 or upload the .xlsx.")
    try:
        # surrogatepass: a lone surrogate written by a careless exporter reaches the row
        # checks, which refuse that row naming the column, rather than the whole file.
        text = data.decode("utf-8-sig", errors="surrogatepass")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ImportFileError(
            f"The file is not UTF-8 text (the first problem is on line {line}). In Excel choose "
            "'Save as: CSV UTF-8', or upload the .xlsx."
        ) from exc
    first_line = text.split("\n", 1)[0]
    # The header row decides the delimiter: Excel in many locales writes ';', some exports tabs.
    delimiter = max((",", ";", "\t"), key=first_line.count)
    records = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        rows = list(records)
    except csv.Error as exc:
        raise ImportFileError(f"The CSV file cannot be read at line {records.line_num}: {exc}.") from exc
    if not rows:
        raise ImportFileError("The file is empty.")
    headers = _headers(rows[0])
    body = ((number, dict(zip(headers, values))) for number, values in enumerate(rows[1:], start=2))
    return Sheet(headers=headers, rows=body, total=len(rows) - 1)


def _read_xlsx(data: bytes) -> Sheet:
    not_a_workbook = (
        "The file is not an Excel workbook (.xlsx). If it is password-protected, remove the password; "
        "otherwise save it again as .xlsx or as CSV UTF-8."
    )
    if not data.startswith(b"PK\x03\x04"):
        raise ImportFileError(not_a_workbook)
    try:
        members = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except zipfile.BadZipFile as exc:
        raise ImportFileError(not_a_workbook) from exc
    limit = _EXPANSION_FACTOR * settings.PROUD_IMPORT_MAX_BYTES
    expanded = sum(member.file_size for member in members)
    suspicious = any(
        m.file_size > _SUSPICIOUS_MEMBER_BYTES and m.file_size > _SUSPICIOUS_RATIO * max(m.compress_size, 1) for m in members
    )
    if expanded > limit or suspicious:
        raise ImportFileTooLarge(
            f"This file was refused, and nothing in it was read or imported: the workbook expands to "
            f"{_size(expanded)} when opened, far more than its data needs (at most {_size(limit)} is read), "
            "as a damaged or deliberately inflated file does. Save only the nominations sheet as CSV UTF-8 and upload that."
        )
    try:
        with warnings.catch_warnings():
            # openpyxl warns about features it drops (styles, data validation); values are all we read.
            warnings.simplefilter("ignore")
            workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types on a damaged or foreign file
        raise ImportFileError(not_a_workbook) from exc
    try:
        sheet = workbook.worksheets[0]
        values = sheet.iter_rows(values_only=True)
        header_row = next(values, None)
        if header_row is None:
            raise ImportFileError("The file is empty.")
        headers = _headers(header_row)
        total = sheet.max_row - 1 if sheet.max_row else None
    except Exception as exc:
        workbook.close()
        if isinstance(exc, ImportFileError):
            raise
        raise ImportFileError(not_a_workbook) from exc

    def body():
        try:
            for number, row in enumerate(values, start=2):
                yield number, dict(zip(headers, row))
        except Exception as exc:  # a damaged sheet can fail part-way; the import is rolled back
            raise ImportFileError(not_a_workbook) from exc
        finally:
            workbook.close()

    return Sheet(headers=headers, rows=body(), total=total)


def _headers(row: Iterable) -> list[str]:
    headers = [_text(value).strip() for value in row]
    for position, header in enumerate(headers, start=1):
        problem = text_problem(header)
        if problem:
            raise ImportFileError(f"The header of column {position} {problem}")
    return headers


# --- columns --------------------------------------------------------------------


def _norm(text: str) -> str:
    """Headers and answers compared without case, curly quotes, underscores or trailing '?:*'."""
    text = text.replace("\u2019", "'").replace("\u2018", "'")
    return re.sub(r"[\s_]+", " ", text).strip(" ?:*").casefold()


def _award_key(text: str) -> str:
    """An award's name or slug as a form's answer may spell it: "PROUD+" and "PROUD Plus",
    "Arts & Culture" and "arts-and-culture" are the same award."""
    text = _norm(text).replace("+", " plus ").replace("&", " and ")
    return " ".join(re.sub(r"[^\w]+", " ", text).split())


def _shown(value, limit: int = 40) -> str:
    """A cell value safe to quote in a message: short, with invisible characters spelt out."""
    text = _text(value)
    shown = "".join(ch if ch.isprintable() else f"\\u{ord(ch):04x}" for ch in text[:limit])
    return shown + ("…" if len(text) > limit else "")


def _size(n: int) -> str:
    if n >= _MEGABYTE:
        return f"{n / _MEGABYTE:.0f} MB"
    return f"{n // 1024} KB" if n >= 1024 else f"{n} bytes"


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a whole number saved as 7.0 reads as 7
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _date(value) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value).strip()
    if not text:
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise _CellProblem(f"{text} is a number, not a date; format the column as a date or write 2012-06-01.")
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise _CellProblem(f"'{_shown(text)}' is not a date; write it as 2012-06-01 or 01/06/2012 (day first).")


def _choice(words: dict[str, str], labels: list[str], *, required: bool) -> Callable:
    def parse(value) -> str:
        text = _norm(_text(value))
        if text in words:
            return words[text]
        if not text and not required:
            return ""
        given = f"'{_shown(value)}' is not" if text else "Give"
        raise _CellProblem(f"{given} one of: {', '.join(labels)}.")

    return parse


_COHORT_WORDS = {
    **{_norm(c.value): c.value for c in (Cohort.CHILD_IN_CARE, Cohort.CARE_LEAVER)},
    **{_norm(c.label): c.value for c in (Cohort.CHILD_IN_CARE, Cohort.CARE_LEAVER)},
    "in care": Cohort.CHILD_IN_CARE.value,
    "looked after": Cohort.CHILD_IN_CARE.value,
    "leaving care": Cohort.CARE_LEAVER.value,
}
_RELATIONSHIP_WORDS = {_norm(r.value): r.value for r in Relationship} | {_norm(r.label): r.value for r in Relationship}
_YES_NO = {"yes": True, "y": True, "true": True, "1": True, "no": False, "n": False, "false": False, "0": False}


def _yes_no(value) -> bool:
    if isinstance(value, bool):
        return value
    text = _norm(_text(value))
    if text not in _YES_NO:
        raise _CellProblem(f"'{_shown(value)}' is not yes or no." if text else "Answer yes or no.")
    return _YES_NO[text]


@dataclass(frozen=True)
class Column:
    """A field an import can fill: its name (the serializer's), the header it has by
    default, how a cell becomes its value, and other headers that mean the same."""

    field: str
    label: str
    parse: Callable
    required: bool = False
    aliases: tuple[str, ...] = ()


NOMINEE_FIELDS = frozenset(
    {"legal_first_name", "legal_last_name", "preferred_name", "say_first_name", "say_last_name", "date_of_birth", "cohort", "area"}
)

COLUMNS = (
    Column("legal_first_name", "Young person's first name", _text, True, ("first name", "nominee first name")),
    Column("legal_last_name", "Young person's last name", _text, True, ("last name", "surname", "young person's surname")),
    Column("preferred_name", "Preferred name", _text, aliases=("known as",)),
    Column("say_first_name", "How to say their first name", _text, aliases=("pronunciation", "how to say their name")),
    Column("say_last_name", "How to say their surname", _text, aliases=("how to say their last name",)),
    Column("date_of_birth", "Date of birth", _date, aliases=("young person's date of birth", "dob")),
    Column(
        "cohort",
        "In care or care leaver",
        _choice(_COHORT_WORDS, [Cohort.CHILD_IN_CARE.label, Cohort.CARE_LEAVER.label], required=False),
        aliases=("child in care or care leaver",),
    ),
    Column("area", "Area", _text, aliases=("area of the county",)),
    Column("category", "Category", _text, True, ("award", "award category")),
    Column("nominator_name", "Nominator name", _text, True, ("your name",)),
    Column("nominator_email", "Nominator email", _text, True, ("nominator e-mail", "your email", "email", "email address")),
    Column("nominator_phone", "Phone", _text, aliases=("nominator phone", "telephone", "phone number")),
    Column("nominator_organisation", "Organisation", _text, aliases=("nominator organisation", "organization")),
    Column(
        "nominator_relationship",
        "Relationship",
        _choice(_RELATIONSHIP_WORDS, [r.label for r in Relationship], required=True),
        True,
        ("relationship to the young person",),
    ),
    Column("nominator_known_recently", "Known in last 12 months", _yes_no, True, ("known in the last 12 months",)),
    Column("achievement", "What did they achieve", _text, True),
    Column("why_it_matters", "Why does it matter", _text, True),
    Column("anything_else", "Anything else", _text),
)
_BY_FIELD = {c.field: c for c in COLUMNS}
# A header, a field name or a column's label all name the column ("legal_first_name" reads as "legal first name").
_BY_HEADER = {_norm(name): c for c in COLUMNS for name in (c.label, c.field, *c.aliases)}


@dataclass(frozen=True)
class ColumnMap:
    headers: dict[str, str]  # field -> the file's header for it
    ignored: list[str]
    values: dict[str, tuple[str, object]] = field(default_factory=dict)  # field -> (as given, as read): for every row

    def label(self, field_name: str | None) -> str:
        """What to call a field in a message: the file's own header where it has one."""
        if field_name in self.headers:
            return self.headers[field_name]
        column = _BY_FIELD.get(field_name or "")
        return column.label if column else ""


def _header_match(header: str) -> tuple[Column, float] | None:
    """The column a header names, and how specifically: the number of words of the name it matched,
    a little more for the whole header than for a name within it. "Your email address" holds
    "email address" (2 words) and so says more than a header that is only "Email" (1): an online
    form's own "Email" column (often "anonymous") loses to the question that asked for it. A name
    is looked for within a header only when it has two words or more, so "Email consent" is not an
    e-mail address."""
    key = _norm(header)
    exact = _BY_HEADER.get(key)
    if exact is not None:
        return exact, len(key.split()) + 0.5
    words = f" {' '.join(key.split())} "
    found = [(len(name.split()), column) for name, column in _BY_HEADER.items() if len(name.split()) >= 2 and f" {name} " in words]
    if not found:
        return None
    best = max(size for size, _ in found)
    columns = {column for size, column in found if size == best}
    return (columns.pop(), best) if len(columns) == 1 else None  # two fields equally named: neither


def map_columns(headers: list[str], mapping: dict[str, str] | None = None, values: dict[str, str] | None = None) -> ColumnMap:
    """Match the file's headers to fields. `mapping` ({header: field}) overrides the
    defaults for the headers it names; mapping a header to "" ignores that column. Where several
    headers name one field, the most specific fills it (_header_match) and the others are ignored;
    two as specific are refused. `values` ({field: value}) gives every row a value for a field the
    file has no column for (e.g. {"known in the last 12 months": "yes"})."""
    overrides: dict[str, Column | None] = {}
    for header, target in (mapping or {}).items():
        if target:
            column = _BY_HEADER.get(_norm(target))
            if column is None:
                raise ImportFileError(
                    f"'{_shown(target)}' is not a field to import into; use one of: {', '.join(c.field for c in COLUMNS)}."
                )
        else:
            column = None
        overrides[_norm(header)] = column
    present = {_norm(h) for h in headers if h}
    absent = [h for h in (mapping or {}) if _norm(h) not in present]
    if absent:
        raise ImportFileError(f"The mapping names columns the file does not have: {', '.join(repr(_shown(h)) for h in absent)}.")
    candidates: dict[str, list[tuple[float, str]]] = {}
    ignored: list[str] = []
    for header in headers:
        if not header:
            continue
        key = _norm(header)
        if key in overrides:
            match = (overrides[key], float("inf")) if overrides[key] is not None else None
        else:
            match = _header_match(header)
        if match is None:
            ignored.append(header)
            continue
        column, specificity = match
        candidates.setdefault(column.field, []).append((specificity, header))
    chosen: dict[str, str] = {}
    for field_name, found in candidates.items():
        best = max(specificity for specificity, _ in found)
        winners = [header for specificity, header in found if specificity == best]
        if len(winners) > 1:
            raise ImportFileError(
                f"Two columns would fill '{_BY_FIELD[field_name].label}': '{winners[0]}' and '{winners[1]}'. "
                "Map one of them to another field, or to nothing."
            )
        chosen[field_name] = winners[0]
        ignored.extend(header for specificity, header in found if specificity != best)
    given = _values_for_every_row(values or {}, chosen)
    missing = [c.label for c in COLUMNS if c.required and c.field not in chosen and c.field not in given]
    if missing:
        raise ImportFileError(
            f"The file has no column for: {', '.join(missing)}. Rename those headers, or map your own "
            "headers to them (for example \"First name=legal_first_name\"), or give a value for every row."
        )
    order = {header: position for position, header in enumerate(headers)}
    return ColumnMap(
        headers=dict(sorted(chosen.items(), key=lambda item: order[item[1]])),
        ignored=sorted(ignored, key=order.__getitem__),
        values=given,
    )


def _values_for_every_row(values: dict[str, str], chosen: dict[str, str]) -> dict[str, tuple[str, object]]:
    """The values given for every row, each read as a cell of its column would be."""
    given: dict[str, tuple[str, object]] = {}
    for name, text in values.items():
        column = _BY_HEADER.get(_norm(name))
        if column is None:
            raise ImportFileError(
                f"'{_shown(name)}' is not a field to give a value to; use one of: {', '.join(c.field for c in COLUMNS)}."
            )
        if column.field in chosen:
            raise ImportFileError(
                f"{column.label} has a column in the file ('{chosen[column.field]}') and a value for every row: "
                "give one or the other (map the column to nothing to use the value)."
            )
        try:
            given[column.field] = (text, column.parse(text))
        except _CellProblem as problem:
            raise ImportFileError(f"The value for {column.label}: {problem}") from None
    return given


# --- the report -----------------------------------------------------------------


@dataclass
class RowResult:
    row: int
    reference: str = ""
    problems: list[tuple[str, str]] = field(default_factory=list)  # (column, message)

    @property
    def accepted(self) -> bool:
        return not self.problems

    @property
    def reason(self) -> str:
        return "; ".join(f"{column}: {message}" if column else message for column, message in self.problems)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


@dataclass
class ImportReport:
    dry_run: bool
    ignored_columns: list[str]
    rows: list[RowResult] = field(default_factory=list)
    committed: bool = False
    # How the file was read, shown with every report (a dry run above all): field -> the file's
    # header, the values given for every row, and the awards named by the form's own words.
    columns: dict[str, str] = field(default_factory=dict)
    values: dict[str, str] = field(default_factory=dict)
    awards: dict[str, str] = field(default_factory=dict)  # the form's answer -> the category's slug

    @property
    def accepted(self) -> int:
        return sum(1 for r in self.rows if r.accepted)

    @property
    def refused(self) -> int:
        return len(self.rows) - self.accepted

    @property
    def message(self) -> str:
        if self.committed:
            return f"Imported {_count(self.accepted, 'nomination')}."
        if self.refused:
            would = "would be" if self.dry_run else "were"
            return (
                f"{self.refused} of {_count(len(self.rows), 'row')} {would} refused, so nothing "
                f"{'would be' if self.dry_run else 'was'} imported. Correct those rows and try again."
            )
        return f"Dry run: all {_count(len(self.rows), 'row')} can be imported. Nothing has been written yet."

    def as_dict(self) -> dict:
        return {
            "message": self.message,
            "dry_run": self.dry_run,
            "committed": self.committed,
            "total": len(self.rows),
            "accepted": self.accepted,
            "refused": self.refused,
            "columns": [
                {"header": header, "field": field_name, "label": _BY_FIELD[field_name].label}
                for field_name, header in self.columns.items()
            ],
            "ignored_columns": self.ignored_columns,
            "values": [
                {"field": field_name, "label": _BY_FIELD[field_name].label, "value": value} for field_name, value in self.values.items()
            ],
            "categories": [{"value": value, "category": slug} for value, slug in self.awards.items()],
            "rows": [
                {
                    "row": r.row,
                    "accepted": r.accepted,
                    "reference": r.reference or None,
                    "problems": [{"column": column, "message": message} for column, message in r.problems],
                }
                for r in self.rows
            ],
        }


class _RollBack(Exception):
    pass


# --- the import -----------------------------------------------------------------


def import_nominations(
    *,
    file,
    filename: str,
    programme: Programme,
    user,
    mapping: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    categories: dict[str, str] | None = None,
    dry_run: bool = True,
    progress: Callable[[Iterator, int | None], Iterable] | None = None,
) -> ImportReport:
    """Check every row of a spreadsheet and, unless it is a dry run, import them all.

    Guarantees: only organisers of the programme; a file that cannot be read is refused
    whole (ImportFileError); every row is reported as accepted (with its reference once
    committed) or refused (naming the column and the rule); nothing is written unless
    this is not a dry run and every row was accepted. Imported nominations are submitted,
    ignore the nomination window (they were collected while it was open) and e-mail no one.
    `progress(rows, total)` may wrap the rows, e.g. in a progress bar. Columns are matched as
    map_columns says (`mapping` overriding it, `values` filling fields the file lacks); a row's award
    is a category's name or slug however spelt ("PROUD Plus" for "PROUD+"), or a form's own wording
    that `categories` ({answer: category name or slug}) names.
    """
    if not is_organiser(user, programme):
        raise NotAllowed("Only organisers of this programme can import nominations.")
    sheet = read_rows(file, filename=filename)
    columns = map_columns(sheet.headers, mapping, values)
    awards, named = _awards(programme, categories or {})
    report = ImportReport(
        dry_run=dry_run,
        ignored_columns=columns.ignored,
        columns=dict(columns.headers),
        values={field_name: text for field_name, (text, _) in columns.values.items()},
        awards=named,
    )
    rows = sheet.rows if progress is None else progress(sheet.rows, sheet.total)
    max_rows = settings.PROUD_IMPORT_MAX_ROWS
    # One serializer checks every row (its fields are set up once, as a ListSerializer's child is).
    serializer = NominationCreateSerializer()
    try:
        with transaction.atomic():
            checked: list[tuple[RowResult, NominationDraft]] = []
            for number, cells in rows:
                if all(not _text(value).strip() for value in cells.values()):
                    continue  # blank rows, e.g. formatted but empty ones at the end of a sheet
                if len(report.rows) == max_rows:
                    raise ImportFileTooLarge(
                        f"The file has more than {max_rows} nominations, the most one import takes; split it into smaller files."
                    )
                result, draft = _check_row(number, cells, columns, programme, awards, serializer)
                report.rows.append(result)
                if draft is not None:
                    checked.append((result, draft))
            if not report.rows:
                raise ImportFileError("The file has a header row but no nominations under it.")
            # The rows that passed the serializer go through the service together: the same rules,
            # row by row in order, written in a few bulk queries (nothing when any is refused).
            created = nominations_create_many(
                programme=programme,
                drafts=[draft for _, draft in checked],
                user=user,
                source=Source.IMPORT,
                enforce_window=False,
                write=not dry_run,  # a dry run reads only: the public form does not wait for it
            )
            for (result, _), outcome in zip(checked, created, strict=True):
                if isinstance(outcome, ServiceError):
                    result.problems.append((columns.label(outcome.field), outcome.message))
                else:
                    result.reference = outcome.reference
            if dry_run or report.refused:
                raise _RollBack
            report.committed = True
    except _RollBack:
        for result in report.rows:
            result.reference = ""  # handed out inside the rolled-back transaction: never real
    except IntegrityError as exc:
        # The service checks duplicates before writing; only a change made while it ran gets here.
        raise ImportFileError(
            "These rows conflict with a nomination stored while the import ran, so nothing was imported. Try again."
        ) from exc
    return report


def _awards(programme: Programme, named: dict[str, str]) -> tuple[dict, dict[str, str]]:
    """The programme's categories by every way a form may write them (_award_key of the name and
    slug), and the answers the organiser named: ({key: category}, {answer: slug})."""
    awards = {}
    for category in programme.categories.all():
        awards.setdefault(_award_key(category.slug), category)
        awards.setdefault(_award_key(category.name), category)
    shown = {}
    for answer, target in named.items():
        category = awards.get(_award_key(target))
        if category is None:
            raise ImportFileError(
                f"'{_shown(target)}' is not a category of {programme.name}, so the award '{_shown(answer)}' cannot be read as it; "
                f"use one of: {', '.join(c.name for c in programme.categories.all())}."
            )
        awards[_award_key(answer)] = category
        shown[answer] = category.slug
    return awards, shown


def _check_row(
    number: int, cells: dict, columns: ColumnMap, programme: Programme, categories: dict, serializer
) -> tuple[RowResult, NominationDraft | None]:
    """Read one row and check it with the input serializer: its result, and the draft for the
    service when the row got that far."""
    result = RowResult(row=number)
    values = {field_name: value for field_name, (_, value) in columns.values.items()}
    for field_name, header in columns.headers.items():
        try:
            values[field_name] = _BY_FIELD[field_name].parse(cells.get(header))
        except _CellProblem as problem:
            result.problems.append((header, str(problem)))
    category = None
    if "category" in values:
        category = categories.get(_award_key(_text(values["category"])))
        if category is None:
            shown = _shown(values["category"])
            result.problems.append(
                (
                    columns.label("category"),
                    f"'{shown}' is not a category of {programme.name}." if shown else "Give the category.",
                )
            )
        elif category.nominee_kind == NomineeKind.GROUP:
            result.problems.append(
                (columns.label("category"), f"{category.name} is for groups, which cannot be imported from a spreadsheet.")
            )
    if result.problems:
        return result, None

    payload = {name: value for name, value in values.items() if name not in NOMINEE_FIELDS}
    payload |= {"programme": programme.slug, "category": category.slug}
    payload["nominee"] = {name: value for name, value in values.items() if name in NOMINEE_FIELDS}
    try:
        data = serializer.run_validation(payload)
    except ValidationError as exc:
        result.problems.extend((columns.label(name), message) for name, message in _flatten(exc.detail))
        return result, None
    return result, NominationDraft(category=category, data=data)


def _flatten(errors) -> Iterator[tuple[str, str]]:
    """Serializer errors as (field, message), nested nominee errors under their own field name.
    One message per field: DRF and our text checks can both refuse the same character."""
    for name, value in errors.items():
        if isinstance(value, dict):
            yield from _flatten(value)
        else:
            yield name, str(value[0])
