import csv
import datetime as dt
import io
import re
import tracemalloc
import zipfile

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from awards.enums import Cohort, NomineeKind
from nominations.importers import ImportFileError, ImportFileTooLarge, import_nominations
from nominations.models import Nomination, NominationHistory, NominationSequence, Nominee
from nominations.services import NominationError, NotAllowed, bulk
from tests.factories import CategoryFactory, NominationFactory, NomineeFactory

pytestmark = pytest.mark.django_db

HEADERS = [
    "Young person's first name",
    "Young person's last name",
    "Date of birth",
    "In care or care leaver",
    "Category",
    "Nominator name",
    "Nominator email",
    "Relationship",
    "Known in last 12 months",
    "What did they achieve",
    "Why does it matter",
]


def row(**changes) -> dict:
    values = {
        "Young person's first name": "Kai",
        "Young person's last name": "Brennan",
        "Date of birth": "2012-06-01",
        "In care or care leaver": "Child in care",
        "Category": "positive-choices",
        "Nominator name": "Pat Carer",
        "Nominator email": "pat@example.org",
        "Relationship": "Foster carer",
        "Known in last 12 months": "Yes",
        "What did they achieve": "Started a football club.",
        "Why does it matter": "Other children joined in.",
    }
    values.update(changes)
    return values


def second_row(**changes) -> dict:
    return row(**{"Young person's first name": "Amara", "Young person's last name": "Okafor", **changes})


def csv_bytes(rows, headers=HEADERS, delimiter=",") -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(headers)
    for values in rows:
        writer.writerow([values.get(h, "") for h in headers])
    # surrogatepass: lets a test write the lone surrogate a careless exporter would.
    return out.getvalue().encode("utf-8", "surrogatepass")


def xlsx_bytes(rows, headers=HEADERS) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for values in rows:
        sheet.append([values.get(h) for h in headers])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def run(content: bytes, programme, user, filename="nominations.csv", **kwargs):
    return import_nominations(file=io.BytesIO(content), filename=filename, programme=programme, user=user, **kwargs)


@pytest.fixture
def leaving_care(programme):
    return CategoryFactory(
        programme=programme, name="Leaving Care Achievement", slug="leaving-care", min_age=16, cohort=Cohort.CARE_LEAVER
    )


# --- importing --------------------------------------------------------------------


def test_import_commit_writes_every_row_as_imported_without_email(
    category, organiser, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        report = run(csv_bytes([row(), second_row()]), category.programme, organiser, dry_run=False)

    nominations = list(Nomination.objects.order_by("reference"))
    assert report.committed is True
    assert (report.accepted, report.refused) == (2, 0)
    assert [r.reference for r in report.rows] == [n.reference for n in nominations]
    assert [r.row for r in report.rows] == [2, 3]
    assert [(n.source, n.status, n.nominee.legal_first_name) for n in nominations] == [
        ("import", "submitted", "Kai"),
        ("import", "submitted", "Amara"),
    ]
    assert list(
        NominationHistory.objects.filter(nomination=nominations[0]).order_by("id").values_list("action", "actor__username")
    ) == [("nominations.nomination.created", "organiser"), ("nominations.nomination.submitted", "organiser")]
    assert report.message == "Imported 2 nominations."
    assert mailoutbox == []


def test_import_dry_run_reports_every_row_and_writes_nothing(category, organiser):
    report = run(csv_bytes([row(), second_row()]), category.programme, organiser)

    assert report.as_dict() == {
        "message": "Dry run: all 2 rows can be imported. Nothing has been written yet.",
        "dry_run": True,
        "committed": False,
        "total": 2,
        "accepted": 2,
        "refused": 0,
        # How the file was read: every header to its field (here, each one's own label).
        "columns": [{"header": header, "field": field, "label": header} for header, field in zip(HEADERS, [
            "legal_first_name", "legal_last_name", "date_of_birth", "cohort", "category", "nominator_name",
            "nominator_email", "nominator_relationship", "nominator_known_recently", "achievement", "why_it_matters",
        ])],
        "ignored_columns": [],
        "values": [],
        "categories": [],
        "rows": [
            {"row": 2, "accepted": True, "reference": None, "problems": []},
            {"row": 3, "accepted": True, "reference": None, "problems": []},
        ],
    }
    assert Nomination.objects.count() == 0
    assert Nominee.objects.count() == 0
    assert NominationSequence.objects.count() == 0


def test_import_ignores_the_nomination_window(category, organiser):
    programme = category.programme
    programme.nominations_close_at = programme.nominations_open_at + dt.timedelta(days=1)
    programme.save()

    report = run(csv_bytes([row()]), programme, organiser, dry_run=False)

    assert report.committed is True
    assert Nomination.objects.get().reference == report.rows[0].reference


@pytest.mark.parametrize(
    ("changes", "column", "fragment"),
    [
        ({"Category": "leaving-care"}, "Date of birth", "is for young people aged 16 or over"),
        ({"Category": "Star of the Year"}, "Category", "'Star of the Year' is not a category of"),
        ({"Date of birth": "31/02/2012"}, "Date of birth", "'31/02/2012' is not a date"),
        ({"Nominator email": ""}, "Nominator email", "may not be blank"),
        ({"Nominator email": "pat at example"}, "Nominator email", "Enter a valid email address."),
        ({"Known in last 12 months": "maybe"}, "Known in last 12 months", "'maybe' is not yes or no."),
        ({"Known in last 12 months": "No"}, "Known in last 12 months", "in the last 12 months"),
        ({"Relationship": "Aunt"}, "Relationship", "'Aunt' is not one of: Foster carer,"),
        ({"Young person's first name": "Kai\x07"}, "Young person's first name", "control character (U+0007)"),
        ({"Young person's last name": "Bren\ud800nan"}, "Young person's last name", "unpaired surrogate"),
        ({"What did they achieve": "x" * 3001}, "What did they achieve", "no more than 3000 characters"),
    ],
)
def test_import_one_refused_row_writes_nothing_and_names_row_and_reason(
    category, leaving_care, organiser, changes, column, fragment
):
    report = run(csv_bytes([row(), second_row(**changes)]), category.programme, organiser, dry_run=False)

    assert report.committed is False
    assert (report.accepted, report.refused) == (1, 1)
    refused = report.as_dict()["rows"][1]
    assert (refused["row"], refused["accepted"], refused["reference"]) == (3, False, None)
    assert [problem["column"] for problem in refused["problems"]] == [column]
    assert fragment in refused["problems"][0]["message"]
    assert report.message == "1 of 2 rows were refused, so nothing was imported. Correct those rows and try again."
    assert report.rows[0].reference == ""
    assert Nomination.objects.count() == 0
    assert Nominee.objects.count() == 0


def test_import_duplicate_rows_refuse_the_second(category, organiser):
    report = run(csv_bytes([row(), row()]), category.programme, organiser, dry_run=False)

    assert [r.accepted for r in report.rows] == [True, False]
    assert report.rows[1].problems[0][1].startswith("You have already nominated this young person for Positive Choices")
    assert Nomination.objects.count() == 0


def test_import_conflicting_with_a_nomination_stored_while_it_ran_writes_nothing(category, organiser, monkeypatch):
    """The duplicates are looked up before writing; a nomination stored after that (a form sent while
    the import ran) makes the bulk insert fail: the file is refused as a whole, nothing written."""
    programme = category.programme
    kai = NomineeFactory(programme=programme, legal_first_name="Kai", legal_last_name="Brennan", date_of_birth=dt.date(2012, 6, 1))
    counts = (Nomination.objects.count(), Nominee.objects.count(), NominationHistory.objects.count())
    real_new_nomination = bulk._new_nomination
    stored_meanwhile = []

    def new_nomination_while_pat_sends_the_form(**kwargs):
        if not stored_meanwhile:  # after the duplicates were looked up, before anything is written
            stored_meanwhile.append(
                NominationFactory(programme=programme, category=category, nominee=kai, nominator_email="PAT@example.org")
            )
        return real_new_nomination(**kwargs)

    monkeypatch.setattr(bulk, "_new_nomination", new_nomination_while_pat_sends_the_form)

    with pytest.raises(ImportFileError) as failed:
        run(csv_bytes([second_row(), row()]), programme, organiser, dry_run=False)

    assert stored_meanwhile
    assert failed.value.message == (
        "These rows conflict with a nomination stored while the import ran, so nothing was imported. Try again."
    )
    assert (Nomination.objects.count(), Nominee.objects.count(), NominationHistory.objects.count()) == counts
    assert not NominationSequence.objects.filter(programme=programme, last_number__gt=0).exists()


def test_import_refuses_a_reference_already_in_use_and_writes_nothing(category, organiser):
    programme = category.programme
    NominationFactory(programme=programme, category=category, reference=f"{programme.reference_prefix}-0001")
    counts = (Nomination.objects.count(), Nominee.objects.count(), NominationHistory.objects.count())

    with pytest.raises(NominationError) as failed:
        run(csv_bytes([row(), second_row()]), programme, organiser, dry_run=False)

    assert failed.value.message == (
        f"Reference {programme.reference_prefix}-0001 is already in use: the nomination sequence needs repair."
    )
    assert (Nomination.objects.count(), Nominee.objects.count(), NominationHistory.objects.count()) == counts
    assert not NominationSequence.objects.filter(programme=programme, last_number__gt=0).exists()


def test_import_group_category_row_refused(category, organiser):
    CategoryFactory(programme=category.programme, name="Team Spirit", slug="team-spirit", nominee_kind=NomineeKind.GROUP)

    report = run(csv_bytes([row(Category="Team Spirit")]), category.programme, organiser)

    assert report.rows[0].problems == [("Category", "Team Spirit is for groups, which cannot be imported from a spreadsheet.")]


def test_import_reads_labels_names_and_custom_headers_through_a_mapping(category, organiser):
    headers = ["Forename", "Surname", "DOB", "Cohort", "Award", "Your name", "Email", "Relationship",
               "Known in the last 12 months?", "Achievement", "Why it matters", "Timestamp"]
    values = {
        "Forename": "Kai", "Surname": "Brennan", "DOB": "01/06/2012", "Cohort": "in care", "Award": "Positive Choices",
        "Your name": "Pat Carer", "Email": "pat@example.org", "Relationship": "social_worker",
        "Known in the last 12 months?": "TRUE", "Achievement": "Ran a 10k.", "Why it matters": "Confidence.",
        "Timestamp": "2026-03-01 10:00",
    }

    report = run(
        csv_bytes([values], headers=headers), category.programme, organiser,
        mapping={"Forename": "legal_first_name", "cohort": "In care or care leaver"}, dry_run=False,
    )

    nomination = Nomination.objects.select_related("nominee").get()
    assert report.ignored_columns == ["Timestamp"]
    assert (nomination.nominee.legal_first_name, nomination.nominee.date_of_birth, nomination.nominee.cohort) == (
        "Kai", dt.date(2012, 6, 1), "child_in_care"
    )
    assert (nomination.category, nomination.nominator_relationship, nomination.nominator_known_recently) == (
        category, "social_worker", True
    )


def test_import_csv_with_bom_and_semicolons(category, organiser):
    content = b"\xef\xbb\xbf" + csv_bytes([row()], delimiter=";")

    report = run(content, category.programme, organiser)

    assert (report.accepted, report.refused) == (1, 0)


def test_import_skips_blank_rows_and_keeps_spreadsheet_row_numbers(category, organiser):
    content = csv_bytes([row(), {}, second_row(**{"Date of birth": "soon"}), {}])

    report = run(content, category.programme, organiser)

    assert [(r.row, r.accepted) for r in report.rows] == [(2, True), (4, False)]


def test_import_keeps_formula_looking_text_as_text(category, organiser):
    formula = '=HYPERLINK("http://example.org","Kai")'

    run(csv_bytes([row(**{"Young person's first name": formula, "What did they achieve": "+1 on the team"})]),
        category.programme, organiser, dry_run=False)

    nomination = Nomination.objects.select_related("nominee").get()
    assert (nomination.nominee.legal_first_name, nomination.achievement) == (formula, "+1 on the team")


@pytest.mark.parametrize("make", [csv_bytes, xlsx_bytes], ids=["csv", "xlsx"])
@pytest.mark.parametrize(
    "first_name",
    ["Zoe\u0308", "Zo\u00eb", "\u0644\u064a\u0644\u0649", "\u05e0\u05d5\u05e2\u05d4", "Kai \U0001F31F",
     "\U0001F468\u200d\U0001F469\u200d\U0001F467", "\u674e\u534e"],
    ids=["combining", "precomposed", "arabic", "hebrew", "emoji", "zwj-emoji", "chinese"],
)
def test_import_keeps_names_exactly_as_typed(category, organiser, make, first_name):
    filename = "n.csv" if make is csv_bytes else "n.xlsx"

    report = run(make([row(**{"Young person's first name": first_name})]), category.programme, organiser,
                 filename=filename, dry_run=False)

    assert report.committed is True
    assert Nominee.objects.get().legal_first_name == first_name


def test_import_xlsx_reads_excel_date_cells_and_yes_no_cells(category, organiser):
    content = xlsx_bytes([
        row(**{"Date of birth": dt.datetime(2012, 6, 1), "Known in last 12 months": True}),
        second_row(**{"Date of birth": dt.date(2011, 2, 3), "Known in last 12 months": 1}),
    ])

    run(content, category.programme, organiser, filename="form.xlsx", dry_run=False)

    assert sorted(Nominee.objects.values_list("date_of_birth", flat=True)) == [dt.date(2011, 2, 3), dt.date(2012, 6, 1)]


def test_import_xlsx_number_in_date_column_refused(category, organiser):
    content = xlsx_bytes([row(**{"Date of birth": 41061})])

    report = run(content, category.programme, organiser, filename="form.xlsx")

    assert report.rows[0].problems == [
        ("Date of birth", "41061 is a number, not a date; format the column as a date or write 2012-06-01.")
    ]


def _with_cached_formula_results(content: bytes, results: dict[bytes, bytes]) -> bytes:
    """What Excel saves: a formula cell holds its formula and its last result (openpyxl writes no result)."""
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            data = source.read(member)
            if member.filename == "xl/worksheets/sheet1.xml":
                for formula, result in results.items():
                    # An empty result is "<v />" or "<v></v>", depending on openpyxl's XML writer.
                    for empty in (b"<v />", b"<v></v>"):
                        data = data.replace(b"><f>" + formula + b"</f>" + empty, b' t="str"><f>' + formula + b"</f><v>" + result + b"</v>")
            target.writestr(member, data)
    return out.getvalue()


def test_import_xlsx_formula_cells_read_as_their_results(category, organiser):
    content = xlsx_bytes([row(**{"Young person's first name": '=CONCAT("Ka","i")', "Category": '=LOWER("POSITIVE-CHOICES")'})])
    content = _with_cached_formula_results(
        content, {b'CONCAT("Ka","i")': b"Kai", b'LOWER("POSITIVE-CHOICES")': b"positive-choices"}
    )

    run(content, category.programme, organiser, filename="form.xlsx", dry_run=False)

    assert Nominee.objects.get().legal_first_name == "Kai"


# --- refusing the file ------------------------------------------------------------


def test_import_missing_columns_are_all_named(category, organiser):
    headers = [h for h in HEADERS if h not in ("Category", "Nominator email")]

    with pytest.raises(ImportFileError) as refused:
        run(csv_bytes([row()], headers=headers), category.programme, organiser)

    assert refused.value.message == (
        "The file has no column for: Category, Nominator email. Rename those headers, or map your own "
        'headers to them (for example "First name=legal_first_name"), or give a value for every row.'
    )
    assert refused.value.status_code == 400


def test_import_mapping_to_an_unknown_field_refused(category, organiser):
    with pytest.raises(ImportFileError) as refused:
        run(csv_bytes([row()]), category.programme, organiser, mapping={"Category": "award_name"})

    assert refused.value.message.startswith("'award_name' is not a field to import into; use one of: legal_first_name,")


def test_import_mapping_a_header_the_file_lacks_refused(category, organiser):
    with pytest.raises(ImportFileError) as refused:
        run(csv_bytes([row()]), category.programme, organiser, mapping={"Forename": "legal_first_name"})

    assert refused.value.message == "The mapping names columns the file does not have: 'Forename'."


def test_import_two_columns_for_one_field_the_more_specific_fills_it_unless_mapped(category, organiser):
    """"Nominator email" says more than "Email": it fills the field, and "Email" is ignored; a
    mapping still decides."""
    headers = [*HEADERS, "Email"]
    content = csv_bytes([row(Email="other@example.org")], headers=headers)

    report = run(content, category.programme, organiser, dry_run=False)
    mapped = run(content, category.programme, organiser, mapping={"Email": "nominator_email", "Nominator email": ""})

    assert (report.accepted, report.ignored_columns) == (1, ["Email"])
    assert Nomination.objects.get().nominator_email == "pat@example.org"
    assert mapped.columns["nominator_email"] == "Email" and mapped.ignored_columns == ["Nominator email"]


@pytest.mark.parametrize(
    ("content", "filename", "fragment"),
    [
        (bytes(range(256)) * 8, "form.xlsx", "The file is not an Excel workbook (.xlsx)."),
        (b"PK\x03\x04" + b"\x00garbage" * 100, "form.xlsx", "The file is not an Excel workbook (.xlsx)."),
        (b"%PDF-1.7\n1 0 obj\n", "form.pdf", "'form.pdf' is not a spreadsheet this import reads"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "form.xls", "Old-style .xls workbooks cannot be read"),
        (bytes(range(256)) * 8, "form.csv", "The file is not a CSV text file (it contains binary data)."),
        ("Name,Café\n".encode("cp1252"), "form.csv", "The file is not UTF-8 text (the first problem is on line 1)."),
        (b"", "form.csv", "The file is empty."),
    ],
    ids=["random-xlsx", "broken-zip", "pdf", "xls", "random-csv", "cp1252-csv", "empty"],
)
def test_import_file_that_is_not_a_spreadsheet_refused(category, organiser, content, filename, fragment):
    with pytest.raises(ImportFileError) as refused:
        run(content, category.programme, organiser, filename=filename)

    assert fragment in refused.value.message
    assert Nomination.objects.count() == 0


def test_import_zip_that_is_not_a_workbook_refused(category, organiser):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", "<document/>")

    with pytest.raises(ImportFileError) as refused:
        run(out.getvalue(), category.programme, organiser, filename="letter.xlsx")

    assert refused.value.message.startswith("The file is not an Excel workbook (.xlsx).")


def test_import_header_only_file_refused(category, organiser):
    with pytest.raises(ImportFileError) as refused:
        run(csv_bytes([]), category.programme, organiser)

    assert refused.value.message == "The file has a header row but no nominations under it."


def test_import_header_with_control_character_refused(category, organiser):
    with pytest.raises(ImportFileError) as refused:
        run(csv_bytes([row()], headers=[*HEADERS, "Notes\x1b"]), category.programme, organiser)

    assert refused.value.message == (
        "The header of column 12 contains a control character (U+001B) that cannot be stored; please remove it."
    )


def test_import_oversized_file_refused(category, organiser, settings):
    settings.PROUD_IMPORT_MAX_BYTES = 1024

    with pytest.raises(ImportFileTooLarge) as refused:
        run(csv_bytes([row(**{"What did they achieve": "A long story. " * 100})]), category.programme, organiser)

    assert refused.value.message == "The file is larger than 1 KB, the most one import takes; split it into smaller files."
    assert refused.value.status_code == 413


def test_import_too_many_rows_refused_and_nothing_written(category, organiser, settings):
    settings.PROUD_IMPORT_MAX_ROWS = 2
    rows = [row(**{"Young person's first name": name}) for name in ("Ana", "Ben", "Cal")]

    with pytest.raises(ImportFileTooLarge) as refused:
        run(csv_bytes(rows), category.programme, organiser, dry_run=False)

    assert refused.value.message == "The file has more than 2 nominations, the most one import takes; split it into smaller files."
    assert Nomination.objects.count() == 0


def _zip_with_member(name: str, size: int) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        with archive.open(name, "w") as member:
            chunk = b"\x00" * (1024 * 1024)
            for _ in range(size // len(chunk)):
                member.write(chunk)
    return out.getvalue()


def test_import_zip_bomb_refused_before_it_is_expanded(category, organiser, settings):
    settings.PROUD_IMPORT_MAX_BYTES = 128 * 1024
    bomb = _zip_with_member("xl/worksheets/sheet1.xml", 64 * 1024 * 1024)
    assert len(bomb) < settings.PROUD_IMPORT_MAX_BYTES

    tracemalloc.start()
    try:
        with pytest.raises(ImportFileTooLarge) as refused:
            run(bomb, category.programme, organiser, filename="bomb.xlsx")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert "the workbook expands to 64 MB when opened, far more than its data needs" in refused.value.message
    assert peak < 4 * 1024 * 1024


def test_import_absurdly_compressed_member_refused(category, organiser):
    bomb = _zip_with_member("xl/sharedStrings.xml", 16 * 1024 * 1024)

    with pytest.raises(ImportFileTooLarge) as refused:
        run(bomb, category.programme, organiser, filename="bomb.xlsx")

    assert "the workbook expands to 16 MB when opened" in refused.value.message


def test_import_by_non_organiser_refused_before_reading(category, staff_user):
    with pytest.raises(NotAllowed) as refused:
        run(b"not even read", category.programme, staff_user)

    assert refused.value.message == "Only organisers of this programme can import nominations."


# --- the command ------------------------------------------------------------------


@pytest.fixture
def sheet_path(tmp_path):
    def write(rows, name="form.xlsx"):
        path = tmp_path / name
        path.write_bytes(xlsx_bytes(rows) if name.endswith(".xlsx") else csv_bytes(rows))
        return str(path)

    return write


def test_a_dry_run_only_reads_so_the_public_form_never_waits_for_it(category, organiser):
    """Not even a write rolled back: no sequence row taken, no lock, no insert."""
    run(csv_bytes([row()]), category.programme, organiser, dry_run=False)  # stored: the run matches against it
    before = NominationSequence.objects.values_list("last_number", flat=True).get(programme=category.programme)

    with CaptureQueriesContext(connection) as queries:
        report = run(csv_bytes([row(), second_row(), second_row()]), category.programme, organiser)

    statements = [q["sql"] for q in queries.captured_queries]
    assert [sql for sql in statements if re.match(r"\s*(INSERT|UPDATE|DELETE)", sql, re.I) or "FOR UPDATE" in sql] == []
    # The same findings as a real run: the stored young person repeated, and the repeated row.
    assert [r["accepted"] for r in report.as_dict()["rows"]] == [False, True, False]
    assert NominationSequence.objects.values_list("last_number", flat=True).get(programme=category.programme) == before
    real = run(csv_bytes([row(), second_row(), second_row()]), category.programme, organiser, dry_run=False)
    assert [r["accepted"] for r in real.as_dict()["rows"]] == [False, True, False]


def test_a_dry_run_is_not_upset_by_a_reference_used_while_it_ran(category, organiser):
    """Its references are placeholders: a nomination from the form may take the next one meanwhile
    (made here without moving the sequence, as if it came between the dry run's reads)."""
    run(csv_bytes([row()]), category.programme, organiser, dry_run=False)
    NominationFactory(programme=category.programme, category=category, reference=f"{category.programme.reference_prefix}-0002")

    dry = run(csv_bytes([second_row()]), category.programme, organiser)

    assert dry.as_dict()["accepted"] == 1
    with pytest.raises(NominationError, match="already in use: the nomination sequence needs repair"):
        run(csv_bytes([second_row()]), category.programme, organiser, dry_run=False)


def test_command_without_commit_is_a_dry_run(category, organiser, sheet_path):
    out = io.StringIO()

    call_command("import_nominations", sheet_path([row()]), "--programme", category.programme.slug,
                 "--user", "organiser", stdout=out)

    assert out.getvalue() == (
        "Columns read:\n"
        + "".join(f"  {header}  ->  {header}\n" for header in HEADERS)
        + "Dry run: all 1 row can be imported. Nothing has been written yet.\nRun again with --commit to import them.\n"
    )
    assert Nomination.objects.count() == 0


def test_command_with_commit_imports(category, organiser, sheet_path):
    out = io.StringIO()

    call_command("import_nominations", sheet_path([row(), second_row()]), "--programme", category.programme.slug,
                 "--user", "organiser", "--commit", stdout=out)

    assert out.getvalue() == "Imported 2 nominations.\n"
    assert list(Nomination.objects.values_list("source", flat=True)) == ["import", "import"]


def test_command_map_option_reads_own_headers(category, organiser, tmp_path):
    headers = ["Forename" if h == "Young person's first name" else h for h in HEADERS]
    path = tmp_path / "form.csv"
    path.write_bytes(csv_bytes([{**row(), "Forename": "Kai"}], headers=headers))

    call_command("import_nominations", str(path), "--programme", category.programme.slug, "--user", "organiser",
                 "--map", "Forename=legal_first_name", "--commit", stdout=io.StringIO())

    assert Nominee.objects.get().legal_first_name == "Kai"


def test_command_refused_row_prints_table_and_fails_on_commit(category, organiser, sheet_path):
    out = io.StringIO()
    path = sheet_path([row(), second_row(**{"Date of birth": "next week"})], name="form.csv")

    with pytest.raises(CommandError) as failed:
        call_command("import_nominations", path, "--programme", category.programme.slug, "--user", "organiser",
                     "--commit", stdout=out)

    assert out.getvalue() == (
        "  Row  Column         Problem\n"
        "    3  Date of birth  'next week' is not a date; write it as 2012-06-01 or 01/06/2012 (day first).\n"
    )
    assert str(failed.value) == "1 of 2 rows were refused, so nothing was imported. Correct those rows and try again."
    assert Nomination.objects.count() == 0


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--user", "staffer"], "Only organisers of this programme can import nominations."),
        (["--user", "nobody"], "There is no user 'nobody'."),
    ],
)
def test_command_refuses_users_who_may_not_import(category, organiser, staff_user, sheet_path, arguments, message):
    with pytest.raises(CommandError) as failed:
        call_command("import_nominations", sheet_path([row()]), "--programme", category.programme.slug, *arguments)

    assert str(failed.value) == message


def test_command_refuses_a_bad_file(category, organiser, tmp_path):
    path = tmp_path / "form.xlsx"
    path.write_bytes(b"this is not a workbook")

    with pytest.raises(CommandError) as failed:
        call_command("import_nominations", str(path), "--programme", category.programme.slug, "--user", "organiser")

    assert str(failed.value).startswith("The file is not an Excel workbook (.xlsx).")


# --- cost -----------------------------------------------------------------------


@pytest.mark.parametrize("size", [3, 40])
def test_import_query_count_does_not_grow_with_rows(category, organiser, size, django_assert_num_queries):
    """Rows are checked in memory and written in bulk: the same queries for 3 rows as for 40 (up to a
    thousand; then a few more per thousand), with rows that match stored records and each other."""
    programme = category.programme
    kai = NomineeFactory(programme=programme, legal_first_name="Kai", legal_last_name="Brennan", date_of_birth=dt.date(2012, 6, 1))
    NominationFactory(programme=programme, category=category, nominee=kai, nominator_email="someone@example.org")
    NomineeFactory.create_batch(5, programme=programme)
    rows = [
        row(),  # the stored Kai Brennan, another nominator
        second_row(),  # new
        second_row(**{"Date of birth": "2013-01-01"}),  # new, looks like the row before
    ]
    for n in range(3, size):
        rows.append(second_row(**{"Young person's last name": f"Okafor{n % 7}", "Nominator email": f"n{n}@example.org"}))

    with django_assert_num_queries(19):
        report = run(csv_bytes(rows), programme, organiser, dry_run=False)

    assert (report.committed, report.accepted) == (True, size)
    assert Nomination.objects.filter(source="import").count() == size
    assert NominationHistory.objects.filter(nomination__source="import").count() == 2 * size
    assert Nomination.objects.filter(nominee=kai).count() == 2


def test_import_matches_stored_records_and_earlier_rows(category, organiser):
    programme = category.programme
    stored = NomineeFactory(programme=programme, legal_first_name="Alfred", legal_last_name="Okafor", date_of_birth=dt.date(2012, 6, 1))
    rows = [
        row(),  # Kai Brennan, new
        row(**{"Nominator email": "lee@example.org"}),  # Kai Brennan again: the same record
        row(**{"Date of birth": "2013-01-01", "Nominator email": "lee@example.org"}),  # looks like the first
        second_row(**{"Young person's first name": "Alfie"}),  # looks like the stored Alfred Okafor
    ]

    report = run(csv_bytes(rows), programme, organiser, dry_run=False)

    assert report.committed is True
    nominees = [Nomination.objects.get(reference=r.reference).nominee for r in report.rows]
    assert nominees[0] == nominees[1]
    assert nominees[2].possible_duplicate_of == nominees[0]
    assert nominees[3].possible_duplicate_of == stored
    assert Nominee.objects.filter(programme=programme).count() == 4


# --- the spreadsheets councils really have (issue 16) ------------------------------------------

# An online form's export: its own metadata columns first ("Email" and "Name" are "anonymous" on a
# form that does not sign people in), then the questions as the form asked them.
FORM_HEADERS = [
    "ID", "Start time", "Completion time", "Email", "Name",
    "Young person's first name", "Young person's last name", "Date of birth", "In care or care leaver",
    "Award", "Your name", "Your email address", "Your relationship to the young person",
    "What did they achieve", "Why does it matter",
]


def form_row(**changes) -> dict:
    values = {
        "ID": "17", "Start time": "2026-03-02 09:14", "Completion time": "2026-03-02 09:31", "Email": "anonymous",
        "Name": "anonymous", "Young person's first name": "Kai", "Young person's last name": "Brennan",
        "Date of birth": "2012-06-01", "In care or care leaver": "Child in care", "Award": "positive-choices",
        "Your name": "Pat Carer", "Your email address": "pat@example.org", "Your relationship to the young person": "Foster carer",
        "What did they achieve": "Started a football club.", "Why does it matter": "Other children joined in.",
    }
    values.update(changes)
    return values


def test_import_prefers_the_most_specific_header_and_shows_the_mapping(category, organiser):
    report = run(
        csv_bytes([form_row()], headers=FORM_HEADERS), category.programme, organiser,
        values={"known in the last 12 months": "yes"}, dry_run=False,
    )

    assert (report.accepted, report.committed) == (1, True)
    assert Nomination.objects.get().nominator_email == "pat@example.org"  # not the form's "anonymous"
    shown = report.as_dict()
    assert {c["header"]: c["field"] for c in shown["columns"]}["Your email address"] == "nominator_email"
    assert "Email" not in {c["header"] for c in shown["columns"]}
    assert shown["ignored_columns"] == ["ID", "Start time", "Completion time", "Email", "Name"]
    assert shown["values"] == [{"field": "nominator_known_recently", "label": "Known in last 12 months", "value": "yes"}]


def test_import_two_columns_equally_specific_for_one_field_are_still_refused(category, organiser):
    headers = [*HEADERS, "Nominator e-mail"]
    content = csv_bytes([row(**{"Nominator e-mail": "other@example.org"})], headers=headers)

    with pytest.raises(ImportFileError) as refused:
        run(content, category.programme, organiser)

    assert refused.value.message == (
        "Two columns would fill 'Nominator email': 'Nominator email' and 'Nominator e-mail'. "
        "Map one of them to another field, or to nothing."
    )


def test_import_gives_a_value_to_every_row_for_a_column_the_form_lacks(category, organiser):
    headers = [h for h in HEADERS if h != "Known in last 12 months"]
    content = csv_bytes([row(), second_row()], headers=headers)

    without = None
    with pytest.raises(ImportFileError) as without:
        run(content, category.programme, organiser)
    report = run(content, category.programme, organiser, values={"Known in the last 12 months": "Yes"}, dry_run=False)

    assert "The file has no column for: Known in last 12 months." in without.value.message
    assert report.committed
    assert list(Nomination.objects.values_list("nominator_known_recently", flat=True)) == [True, True]


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"shoe size": "9"}, "'shoe size' is not a field to give a value to; use one of:"),
        ({"Known in the last 12 months": "perhaps"}, "The value for Known in last 12 months: 'perhaps' is not yes or no."),
        ({"Nominator email": "x@example.org"}, "Nominator email has a column in the file ('Nominator email') and a value"),
    ],
    ids=["unknown field", "bad value", "a column too"],
)
def test_import_a_value_that_cannot_be_given_is_refused(category, organiser, values, message):
    headers = [h for h in HEADERS if h != "Known in last 12 months"]
    with pytest.raises(ImportFileError) as refused:
        run(csv_bytes([row()], headers=headers), category.programme, organiser, values=values)
    assert message in refused.value.message


def test_import_maps_award_names_by_value(category, organiser):
    plus = CategoryFactory(programme=category.programme, name="PROUD+", slug="proud-plus", nominee_kind=NomineeKind.ADULT)
    adult = {"Date of birth": "", "In care or care leaver": "", "Relationship": "A young person in care or care-experienced"}
    rows = [
        row(Category="PROUD Plus", **adult),  # the form's own spelling of PROUD+
        second_row(Category="Carer of the year", **adult),  # a name only the organiser can tell us
    ]

    unmapped = run(csv_bytes(rows), category.programme, organiser)
    report = run(csv_bytes(rows), category.programme, organiser, categories={"Carer of the year": "PROUD+"}, dry_run=False)

    assert [r.problems for r in unmapped.rows][0] == []
    assert unmapped.rows[1].problems == [("Category", f"'Carer of the year' is not a category of {category.programme.name}.")]
    assert report.committed
    assert list(Nomination.objects.values_list("category", flat=True)) == [plus.pk, plus.pk]
    assert report.as_dict()["categories"] == [{"value": "Carer of the year", "category": "proud-plus"}]


def test_import_an_award_mapped_to_no_category_is_refused(category, organiser):
    with pytest.raises(ImportFileError) as refused:
        run(csv_bytes([row()]), category.programme, organiser, categories={"Carer of the year": "Best Boss"})
    assert refused.value.message.startswith("'Best Boss' is not a category of ")


def test_the_cohort_rule_reads_as_english(programme, organiser, leaving_care):
    report = run(csv_bytes([row(Category="leaving-care", **{"Date of birth": "2008-01-01"})]), programme, organiser)
    in_care = CategoryFactory(programme=programme, name="Young Achiever", slug="young-achiever", cohort=Cohort.CHILD_IN_CARE)
    other = run(csv_bytes([row(Category=in_care.slug, **{"In care or care leaver": "Care leaver", "Date of birth": "2008-01-01"})]), programme, organiser)

    assert report.rows[0].problems == [
        ("In care or care leaver", "Leaving Care Achievement is for care leavers only; this young person is recorded as a child in care.")
    ]
    assert other.rows[0].problems == [
        ("In care or care leaver", "Young Achiever is for children in care only; this young person is recorded as a care leaver.")
    ]


def test_import_a_zip_bomb_is_refused_in_plain_words(category, organiser, settings):
    settings.PROUD_IMPORT_MAX_BYTES = 128 * 1024
    with pytest.raises(ImportFileTooLarge) as refused:
        run(_zip_with_member("xl/worksheets/sheet1.xml", 64 * 1024 * 1024), category.programme, organiser, filename="bomb.xlsx")
    assert refused.value.message.startswith("This file was refused, and nothing in it was read or imported: ")


def test_command_dry_run_shows_the_mapping_values_and_awards(category, organiser, tmp_path):
    plus = CategoryFactory(programme=category.programme, name="PROUD+", slug="proud-plus", nominee_kind=NomineeKind.ADULT)
    path = tmp_path / "form.csv"
    adult = {"Date of birth": "", "In care or care leaver": "", "Your relationship to the young person": "A young person in care or care-experienced"}
    path.write_bytes(csv_bytes([form_row(Award="Carer of the year", **adult)], headers=FORM_HEADERS))
    out = io.StringIO()

    call_command("import_nominations", str(path), "--programme", category.programme.slug, "--user", "organiser",
                 "--value", "known in the last 12 months=yes", "--category", "Carer of the year=proud-plus", stdout=out)

    printed = out.getvalue()
    assert "Columns read:\n" in printed
    assert "  Your email address  ->  Nominator email\n" in printed
    assert "  Award  ->  Category\n" in printed
    assert "Value for every row: Known in last 12 months = yes\n" in printed
    assert "Award 'Carer of the year' -> PROUD+\n" in printed
    assert "Columns not imported: ID, Start time, Completion time, Email, Name.\n" in printed
    assert printed.endswith("Dry run: all 1 row can be imported. Nothing has been written yet.\nRun again with --commit to import them.\n")
    assert plus.nominations.count() == 0
