import io
import json
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from awards.enums import ProgrammeStatus, Role
from nominations.models import Nomination, Nominee
from tests.conftest import client_for, user_with_role
from tests.factories import ProgrammeFactory

from ..test_import import HEADERS, csv_bytes, row, second_row, xlsx_bytes

pytestmark = pytest.mark.django_db

URL = "/api/v1/nominations/import/"


def upload(client, content: bytes, programme, name="form.csv", **fields):
    body = {"file": SimpleUploadedFile(name, content), "programme": programme.slug, **fields}
    return client.post(URL, body, format="multipart")


def test_import_upload_is_a_dry_run_unless_asked(category, organiser):
    response = upload(client_for(organiser), csv_bytes([row(), second_row()]), category.programme)

    assert response.status_code == 200
    assert response.json() == {
        "message": "Dry run: all 2 rows can be imported. Nothing has been written yet.",
        "dry_run": True,
        "committed": False,
        "total": 2,
        "accepted": 2,
        "refused": 0,
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


def test_import_upload_commit_writes_and_returns_references(category, organiser, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(
            client_for(organiser), xlsx_bytes([row(), second_row()]), category.programme, name="form.xlsx", dry_run="false"
        )

    body = response.json()
    assert response.status_code == 200
    assert (body["committed"], body["message"]) == (True, "Imported 2 nominations.")
    assert [r["reference"] for r in body["rows"]] == list(Nomination.objects.order_by("reference").values_list("reference", flat=True))
    assert set(Nomination.objects.values_list("source", flat=True)) == {"import"}
    assert mailoutbox == []


def test_import_upload_with_refused_row_is_400_and_writes_nothing(category, organiser):
    content = csv_bytes([row(), second_row(**{"Nominator email": "pat at example"})])

    response = upload(client_for(organiser), content, category.programme, dry_run="false")

    body = response.json()
    assert response.status_code == 400
    assert (body["committed"], body["accepted"], body["refused"]) == (False, 1, 1)
    assert body["rows"][1] == {
        "row": 3,
        "accepted": False,
        "reference": None,
        "problems": [{"column": "Nominator email", "message": "Enter a valid email address."}],
    }
    assert Nomination.objects.count() == 0


def test_import_upload_reads_a_mapping(category, organiser):
    headers = ["Forename" if h == "Young person's first name" else h for h in HEADERS]
    content = csv_bytes([{**row(), "Forename": "Kai"}], headers=headers)

    response = upload(
        client_for(organiser), content, category.programme, dry_run="false",
        mapping=json.dumps({"Forename": "legal_first_name"}),
    )

    assert response.status_code == 200
    assert Nominee.objects.get().legal_first_name == "Kai"


def test_import_upload_mapping_must_be_an_object(category, organiser):
    response = upload(client_for(organiser), csv_bytes([row()]), category.programme, mapping="[1, 2]")

    assert response.status_code == 400
    assert response.json() == {
        "mapping": ['Give the mapping as a JSON object of headers to fields, e.g. {"DOB": "date_of_birth"}.']
    }


@pytest.mark.parametrize(
    ("content", "name", "detail"),
    [
        (b"%PDF-1.7\n", "form.pdf", "'form.pdf' is not a spreadsheet this import reads: upload an .xlsx workbook or a .csv file."),
        (b"\x89PNG\r\n\x1a\n" * 10, "form.xlsx", "The file is not an Excel workbook (.xlsx). If it is password-protected, "
         "remove the password; otherwise save it again as .xlsx or as CSV UTF-8."),
    ],
)
def test_import_upload_not_a_spreadsheet_is_400_naming_the_problem(category, organiser, content, name, detail):
    response = upload(client_for(organiser), content, category.programme, name=name)

    assert response.status_code == 400
    assert response.json() == {"detail": detail, "code": "importfileerror"}


def test_import_upload_missing_columns_is_400_naming_them(category, organiser):
    response = upload(client_for(organiser), b"Category,Nominator name\nx,y\n", category.programme)

    assert response.status_code == 400
    assert response.json()["detail"].startswith(
        "The file has no column for: Young person's first name, Young person's last name, Nominator email, Relationship, "
        "Known in last 12 months, What did they achieve, Why does it matter."
    )


def test_import_upload_too_large_is_413(category, organiser, settings):
    settings.PROUD_IMPORT_MAX_BYTES = 1024

    response = upload(client_for(organiser), csv_bytes([row(**{"Why does it matter": "Because. " * 200})]), category.programme)

    assert response.status_code == 413
    assert response.json() == {
        "detail": "The file is larger than 1 KB, the most one import takes; split it into smaller files.",
        "code": "importfiletoolarge",
    }


def test_import_upload_zip_bomb_is_413(category, organiser):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\x00" * (16 * 1024 * 1024))

    response = upload(client_for(organiser), out.getvalue(), category.programme, name="bomb.xlsx")

    assert response.status_code == 413
    assert response.json()["detail"].startswith("This file was refused, and nothing in it was read or imported: the workbook expands to 16 MB when opened")


def test_import_upload_names_with_any_script_kept_exactly(category, organiser):
    names = ["\u0644\u064a\u0644\u0649", "Zoe\u0308 \U0001F31F"]
    content = csv_bytes([row(**{"Young person's first name": names[0]}), second_row(**{"Young person's first name": names[1]})])

    response = upload(client_for(organiser), content, category.programme, dry_run="false")

    assert response.status_code == 200
    assert sorted(Nominee.objects.values_list("legal_first_name", flat=True)) == sorted(names)


def test_import_upload_lone_surrogate_row_is_400_naming_the_column(category, organiser):
    content = csv_bytes([row(**{"Nominator name": "Pat \ud83d Carer"})])

    response = upload(client_for(organiser), content, category.programme)

    assert response.status_code == 400
    assert response.json()["rows"][0]["problems"] == [
        {"column": "Nominator name", "message": "This text contains a broken character (an unpaired surrogate); please retype it."}
    ]


def test_import_upload_by_non_organiser_is_403(category, staff_user):
    response = upload(client_for(staff_user), csv_bytes([row()]), category.programme)

    assert response.status_code == 403
    assert response.json() == {"detail": "Only organisers of this programme can import nominations."}
    assert Nomination.objects.count() == 0


def test_import_upload_to_another_programme_is_404(category, organiser):
    hidden = ProgrammeFactory(status=ProgrammeStatus.DRAFT)

    response = upload(client_for(organiser), csv_bytes([row()]), hidden)

    assert response.status_code == 404
    assert response.json() == {"detail": f"There is no programme '{hidden.slug}'."}


def test_import_upload_by_organiser_of_another_programme_is_403(category):
    other = user_with_role(ProgrammeFactory(), Role.ORGANISER, "other-organiser")

    response = upload(client_for(other), csv_bytes([row()]), category.programme)

    assert response.status_code == 403


def test_import_upload_anonymous_is_401(category, api):
    response = upload(api, csv_bytes([row()]), category.programme)

    assert response.status_code == 401
    assert response.json() == {"detail": "Authentication credentials were not provided."}


def test_import_upload_takes_values_for_every_row_and_award_names(category, organiser):
    headers = [h for h in HEADERS if h != "Known in last 12 months"]
    content = csv_bytes([row(Category="Positive Choices Award")], headers=headers)

    response = upload(
        client_for(organiser), content, category.programme, dry_run="false",
        values=json.dumps({"known in the last 12 months": "yes"}), categories=json.dumps({"Positive Choices Award": "positive-choices"}),
    )

    body = response.json()
    assert response.status_code == 200, body
    assert body["values"] == [{"field": "nominator_known_recently", "label": "Known in last 12 months", "value": "yes"}]
    assert body["categories"] == [{"value": "Positive Choices Award", "category": "positive-choices"}]
    assert Nomination.objects.get().nominator_known_recently is True


@pytest.mark.parametrize("name", ["values", "categories"])
def test_import_upload_values_or_award_names_not_an_object_are_400(category, organiser, name):
    response = upload(client_for(organiser), csv_bytes([row()]), category.programme, **{name: json.dumps(["yes"])})

    assert response.status_code == 400
    assert list(response.json()) == [name]
    assert Nomination.objects.count() == 0
