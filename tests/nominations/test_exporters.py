import io

import pytest
from openpyxl import load_workbook

from awards.enums import Role
from nominations.enums import NominationStatus, PublicityLevel
from nominations.exporters import NominationsExporter
from nominations.models import IdentityAccess, Nomination
from tests.conftest import client_for, user_with_role
from tests.factories import CategoryFactory, NominationFactory, NomineeFactory, NomineeGroupFactory, ProgrammeFactory, UserFactory

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def open_workbook(content: bytes):
    return load_workbook(io.BytesIO(content))


def test_export_has_header_rows_and_identity(programme, organiser):
    nominee = NomineeFactory(
        programme=programme, legal_first_name="Ayla", legal_last_name="Fenwick", publicity_level=PublicityLevel.FIRST_NAME
    )
    nomination = NominationFactory(programme=programme, nominee=nominee, nominator_name="Pat Carer")

    sheet = open_workbook(NominationsExporter(Nomination.objects.all(), user=organiser).export_to_bytes()).active

    header = [c.value for c in sheet[1]]
    row = dict(zip(header, [c.value for c in sheet[2]]))
    assert header[:3] == ["Reference", "Status", "Category"]
    assert sheet.max_row == 2
    assert (row["Reference"], row["Legal last name"], row["Announce name"], row["Nominator"]) == (
        nomination.reference,
        "Fenwick",
        "Ayla",
        "Pat Carer",
    )
    assert row["Age on reference date"] == 16
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:{sheet.cell(1, len(header)).column_letter}2"
    assert sheet.cell(1, 1).font.b is True


def test_export_never_writes_a_formula(programme, organiser):
    hostile = ["=HYPERLINK(\"http://evil.example\",\"click\")", "+44 1234", "-1", "@SUM(A1)", "\tTabbed", "ok\x07bell"]
    for text in hostile:
        NominationFactory(programme=programme, nominator_name=text, achievement=text)

    sheet = open_workbook(NominationsExporter(Nomination.objects.all(), user=organiser).export_to_bytes()).active

    cells = [cell for row in sheet.iter_rows(min_row=2) for cell in row]
    assert all(cell.data_type != "f" for cell in cells)
    names = sorted(row[18].value for row in sheet.iter_rows(min_row=2))
    assert "okbell" in names
    assert "=HYPERLINK(\"http://evil.example\",\"click\")" in names
    formula_like = [row[18] for row in sheet.iter_rows(min_row=2) if row[18].value.startswith(("=", "+", "-", "@"))]
    assert len(formula_like) == 4
    assert all(cell.quotePrefix for cell in formula_like)


def test_export_lists_group_members(programme, organiser):
    group = NomineeGroupFactory(programme=programme, name="Film crew")
    group.members.set([NomineeFactory(programme=programme, legal_first_name="Ava", legal_last_name="Reed")])
    NominationFactory(programme=programme, nominee=None, group=group)

    sheet = open_workbook(NominationsExporter(Nomination.objects.all(), user=organiser).export_to_bytes()).active

    assert sheet.cell(2, 13).value == "Film crew: Ava Reed"
    assert IdentityAccess.objects.get().nominee == group.members.get()


def test_export_logs_every_identity_read(programme, organiser):
    nominations = [NominationFactory(programme=programme) for _ in range(3)]

    NominationsExporter(Nomination.objects.all(), user=organiser, context="test").export_to_bytes()

    assert sorted(IdentityAccess.objects.values_list("nominee_id", flat=True)) == sorted(n.nominee_id for n in nominations)


@pytest.mark.parametrize("size", [1, 3, 10])
def test_export_query_count_is_fixed(programme, organiser, size, django_assert_num_queries):
    for _ in range(size):
        NominationFactory(programme=programme)
    group = NomineeGroupFactory(programme=programme)
    group.members.set([NomineeFactory(programme=programme) for _ in range(size)])
    NominationFactory(programme=programme, nominee=None, group=group)
    client = client_for(organiser)

    # roles, nominations, group members, one access-log insert.
    with django_assert_num_queries(4):
        response = client.get("/api/v1/nominations/export/")
    sheet = open_workbook(b"".join(response.streaming_content)).active
    assert sheet.max_row == size + 2


def test_export_endpoint_honours_filters_and_programme(programme, organiser):
    talent = CategoryFactory(programme=programme, slug="talent")
    wanted = NominationFactory(programme=programme, category=talent)
    NominationFactory(programme=programme, status=NominationStatus.ELIGIBLE)
    NominationFactory(programme=ProgrammeFactory(), category=CategoryFactory(slug="talent"))

    response = client_for(organiser).get("/api/v1/nominations/export/?category=talent")

    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"].startswith('attachment; filename="nominations-')
    sheet = open_workbook(b"".join(response.streaming_content)).active
    assert [row[0].value for row in sheet.iter_rows(min_row=2)] == [wanted.reference]


def test_empty_export_is_a_workbook_with_headers(organiser):
    response = client_for(organiser).get("/api/v1/nominations/export/")
    sheet = open_workbook(b"".join(response.streaming_content)).active
    assert sheet.max_row == 1
    assert sheet.cell(1, 1).value == "Reference"


@pytest.mark.parametrize("role", [Role.STAFF, Role.EVENT_STAFF, None])
def test_export_refused_to_everyone_but_organisers(programme, role):
    user = user_with_role(programme, role) if role else UserFactory()
    NominationFactory(programme=programme, nominee=NomineeFactory(programme=programme, allocated_worker=user))

    response = client_for(user).get("/api/v1/nominations/export/")

    assert response.status_code == 403
    assert IdentityAccess.objects.count() == 0


def test_export_refused_to_anonymous(api):
    assert api.get("/api/v1/nominations/export/").status_code in (401, 403)
