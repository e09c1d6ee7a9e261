"""The event-night workbook and the certificates list, opened with openpyxl."""

from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from events.enums import InvitationStatus
from events.models import Guest, Invitation
from events.services import GuestInput, RsvpAnswer, finalist_invitations_create, quote_approve, rsvp_respond
from night.exporters import CertificatesExporter, EventNightWorkbook
from night.services import guest_check_in, running_order_generate, seating_assign, tables_set, winner_set
from nominations.enums import NominationStatus, PublicityLevel
from tests.factories import CategoryFactory, EventFactory, NominationFactory
from tests.worlds import cleared_nominee, confirmed_finalists

pytestmark = pytest.mark.django_db

SHEETS = [
    "Running order", "Compere script", "Finalists by category", "Guest list", "Table plan",
    "Dietary and access", "Photography", "Presenters",
]
SURNAMES = ("Featherstonehaugh", "Quillfeather")


def open_workbook(exporter):
    return load_workbook(BytesIO(exporter.export_to_bytes()))


def all_cells(workbook):
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            yield from row


def data_rows(sheet) -> list[tuple]:
    return [row for row in sheet.iter_rows(min_row=2, values_only=True)]


@pytest.fixture
def full_night(event, category, organiser):
    """Finalists with a first-name-only and an anonymous nominee, guests with needs and awkward
    names, a running order, tables, seating and some arrivals."""
    talent = CategoryFactory(programme=event.programme, name="Talent", display_order=5, description="For a gift shared.")
    rowan = cleared_nominee(event.programme, legal_first_name="Rowan", legal_last_name="Featherstonehaugh", say_first_name="ROH-an", photography_allowed=True)
    hidden = cleared_nominee(event.programme, legal_first_name="Ash", legal_last_name="Quillfeather", publicity_level=PublicityLevel.ANONYMOUS, say_first_name="ASH", photography_allowed=True)
    other = cleared_nominee(event.programme, photography_allowed=False)
    first = confirmed_finalists(event.programme, category, [rowan, hidden])
    second = confirmed_finalists(event.programme, talent, [other])
    finalist_invitations_create(event=event, actor=organiser)
    parties = {
        first[0].pk: [GuestInput(name="", dietary=("vegan",)), GuestInput(name="=HYPERLINK(\"http://x\")", relationship="family", photography_consent=True)],
        first[1].pk: [GuestInput(name="", photography_consent=True), GuestInput(name="مريم 🎉 " + "x" * 120, relationship="friend", access_needs=("wheelchair",))],
        second[0].pk: [GuestInput(name="", photography_consent=True, access_needs=("bsl",))],
    }
    for invitation in Invitation.objects.filter(event=event):
        invitation.status = InvitationStatus.SENT
        invitation.save()
        rsvp_respond(invitation=invitation, answer=RsvpAnswer(attending=True, party=tuple(parties[invitation.nomination_id])))
    quote_approve(invitation=Invitation.objects.get(nomination=first[0]), actor=organiser, quote="Rowan never gave up.")
    items = running_order_generate(event=event, actor=organiser)
    winner_set(item=items[1], actor=organiser, nomination=first[0])
    tables_set(event=event, actor=organiser, tables=[(1, 4, True), (2, 4, False)])
    seating_assign(event=event, actor=organiser)
    guest_check_in(guest=Guest.objects.get(invitation__nomination=first[0], position=0), actor=organiser)
    return {"first": first, "second": second, "items": items}


def test_the_workbook_has_every_sheet_styled_for_print(event, full_night):
    workbook = open_workbook(EventNightWorkbook(event))

    assert workbook.sheetnames == SHEETS
    for sheet in workbook.worksheets:
        header = next(sheet.iter_rows(max_row=1))
        assert all(cell.font.bold for cell in header), sheet.title
        assert sheet.freeze_panes == "A2"
        assert sheet.auto_filter.ref and sheet.auto_filter.ref.startswith("A1:")
        assert sheet.print_title_rows == "$1:$1"
        assert sheet.page_setup.orientation == "landscape"
        assert sheet.page_setup.fitToWidth == 1 and sheet.sheet_properties.pageSetUpPr.fitToPage
        assert all(sheet.column_dimensions[cell.column_letter].width for cell in header)


def test_row_counts_match_the_database(event, full_night):
    workbook = open_workbook(EventNightWorkbook(event))
    guests = Guest.objects.filter(event=event)

    assert len(data_rows(workbook["Guest list"])) == guests.count() == 5
    assert len(data_rows(workbook["Finalists by category"])) == 3
    assert len(data_rows(workbook["Running order"])) == len(full_night["items"])
    assert len(data_rows(workbook["Compere script"])) == 2
    assert [row[0] for row in data_rows(workbook["Table plan"])] == [1, 2]
    assert sum(row[3] for row in data_rows(workbook["Table plan"])) == guests.count()
    totals = data_rows(workbook["Dietary and access"])[0]
    assert totals[:2] == ("All tables", 5)


def test_no_formula_is_written_and_awkward_names_survive(event, full_night):
    workbook = open_workbook(EventNightWorkbook(event))
    cells = list(all_cells(workbook))

    assert not [c.coordinate for c in cells if c.data_type == "f"]
    names = [row[0] for row in data_rows(workbook["Guest list"])]
    assert '=HYPERLINK("http://x")' in names
    assert any(name.startswith("مريم 🎉") for name in names)


def test_no_legal_surname_of_a_first_name_only_or_anonymous_finalist_in_any_cell(event, full_night):
    workbook = open_workbook(EventNightWorkbook(event))
    text = "\n".join(str(c.value) for c in all_cells(workbook) if c.value is not None)

    assert not [s for s in SURNAMES if s in text]
    assert "Rowan" in text and "A young person from our care" in text
    assert "ROH-an" in text and "ASH" not in text  # no pronunciation for an anonymous finalist


def test_the_winner_stays_sealed_until_revealed_and_who_is_in_the_room_shows(event, full_night, organiser):
    from night.services import winner_reveal

    rows = data_rows(open_workbook(EventNightWorkbook(event))["Running order"])
    award = next(r for r in rows if r[2] == "Positive Choices")
    assert award[10] == "sealed"
    # The same words as the running order page: "in the room", "not yet arrived", "not coming".
    assert "Rowan: in the room (" in award[9] and "A young person from our care: not yet arrived" in award[9]

    winner_reveal(item=full_night["items"][1], actor=organiser)
    award = next(r for r in data_rows(open_workbook(EventNightWorkbook(event))["Running order"]) if r[2] == "Positive Choices")
    assert award[10] == "Rowan"


def test_the_compere_script_quotes_only_approved_words(event, full_night):
    rows = data_rows(open_workbook(EventNightWorkbook(event))["Compere script"])
    positive = next(r for r in rows if r[1] == "Positive Choices")
    assert positive[5] == "Rowan: “Rowan never gave up.”"
    talent = next(r for r in rows if r[1] == "Talent")
    assert talent[2] == "For a gift shared." and talent[5] is None


def test_the_photographer_sheet_lists_who_must_not_be_photographed(event, full_night):
    rows = data_rows(open_workbook(EventNightWorkbook(event))["Photography"])
    by_why = {row[3]: row for row in rows}

    assert len(rows) == 3
    assert by_why["safeguarding: no photographs"][2] == "Finalist, Talent"  # said yes, but the check says no
    assert by_why["safeguarding: no photographs"][1] in (1, 2)
    # The photographer is one of the event team: first name and surname initial (nominations.naming).
    refused = {row[0]: row[2] for row in rows if row[3] == "no consent to photographs"}
    assert refused["Rowan F."] == "Finalist, Positive Choices"
    assert [who for name, who in refused.items() if name != "Rowan F."] == ["Friend, with Ash Q."]


def test_an_event_with_no_finalists_gives_headers_not_an_error():
    workbook = open_workbook(EventNightWorkbook(EventFactory()))
    assert workbook.sheetnames == SHEETS
    assert all(sheet.max_row == 1 for sheet in workbook.worksheets)


def test_the_workbook_reads_a_fixed_number_of_queries_whatever_the_size(event, category, organiser):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            EventNightWorkbook(event).export_to_bytes()
        return len(captured)

    def add_finalists(count: int):
        nominees = [cleared_nominee(event.programme) for _ in range(count)]
        new = confirmed_finalists(event.programme, CategoryFactory(programme=event.programme), nominees)
        finalist_invitations_create(event=event, actor=organiser)
        for invitation in Invitation.objects.filter(nomination__in=new):
            invitation.status = InvitationStatus.SENT
            invitation.save()
            rsvp_respond(invitation=invitation, answer=RsvpAnswer(attending=True, party=(GuestInput(name=""), GuestInput(name="G", relationship="family"))))

    add_finalists(2)
    running_order_generate(event=event, actor=organiser)
    small = queries()
    add_finalists(12)
    running_order_generate(event=event, actor=organiser, replace=True)
    tables_set(event=event, actor=organiser, tables=[(n, 8, n == 1) for n in range(1, 6)])
    seating_assign(event=event, actor=organiser)
    assert queries() == small


def test_certificates_cover_every_eligible_nomination_by_the_young_persons_own_name(event, full_night, category):
    NominationFactory(programme=event.programme, category=category, status=NominationStatus.ELIGIBLE,
                      nominee=cleared_nominee(event.programme, legal_last_name="Quillfeather", publicity_level=PublicityLevel.FIRST_NAME))
    NominationFactory(programme=event.programme, category=category, status=NominationStatus.SUBMITTED)
    NominationFactory(programme=event.programme, category=category, status=NominationStatus.WITHDRAWN)

    workbook = open_workbook(CertificatesExporter(event.programme))
    rows = data_rows(workbook.active)

    assert len(rows) == 4  # three finalists and the eligible one; not the submitted or withdrawn
    # A certificate is the young person's own: their chosen name, by default first name and surname,
    # whatever the publicity level (nominations.naming); never "A young person from our care".
    names = {row[0] for row in rows}
    assert {"Rowan Featherstonehaugh", "Ash Quillfeather"} <= names
    assert not any("young person from our care" in name for name in names)
    assert {row[2] for row in rows} == {"Shortlisted", "Nominated"}


def test_a_young_persons_own_asks_reach_the_access_sheet_at_their_table(event, full_night):
    """Arriving early and a familiar adult close by, from their own link (issue 22): beside the
    access needs of their table, by the name the event team knows them by; a quiet space is
    already an access need."""
    from django.utils import timezone

    from events.models import CelebrationChoices

    rowan = Invitation.objects.get(event=event, nomination__nominee__legal_first_name="Rowan")
    ash = Invitation.objects.get(event=event, nomination__nominee__legal_first_name="Ash")
    CelebrationChoices.objects.create(invitation=rowan, answered_at=timezone.now(), easier=["arrive_early", "familiar_adult"])
    CelebrationChoices.objects.create(invitation=ash, answered_at=timezone.now(), easier=["quiet_space"])
    third = Invitation.objects.filter(event=event, kind="finalist").exclude(pk__in=[rowan.pk, ash.pk]).get()
    CelebrationChoices.objects.create(invitation=third, answered_at=None, easier=["arrive_early"])  # never saved by them
    sheet = open_workbook(EventNightWorkbook(event))["Dietary and access"]
    header = next(sheet.iter_rows(max_row=1, values_only=True))
    rows = {row[0]: row[header.index("Young people's own asks")] for row in data_rows(sheet)}
    table = Guest.objects.get(invitation=rowan, position=0).table.number

    assert header[-1] == "Young people's own asks"
    assert rows["All tables"] == rows[f"Table {table}"] == "Rowan F.: Arriving early, A familiar adult close by"
    assert [label for label, asks in rows.items() if asks] == ["All tables", f"Table {table}"]
