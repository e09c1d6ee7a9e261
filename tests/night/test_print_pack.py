"""The night's print pack: badges, place cards and table cards from the seating plan, names as the
room reads them, the no-photographs mark and its sheet, access needs where agreed, and printing
again only what was added or changed."""

import pytest

from awards.enums import Role
from events.enums import InvitationStatus
from events.models import Guest, Table
from events.services import GuestInput, RsvpAnswer, finalist_invitations_create, rsvp_respond
from nominations.enums import PublicityLevel
from night.models import PrintRun
from night.services import guest_move, seating_assign, tables_set
from tests.conftest import user_with_role
from tests.night.pdfs import alts, body, pages, squash
from tests.worlds import cleared_nominee, confirmed_finalists

pytestmark = pytest.mark.django_db
MARK = "Marked: no photographs"


@pytest.fixture
def seated(event, category, organiser):
    """Rowan (first name only, no photographs by the safeguarding check) with Jo, a carer sharing
    the surname who uses a wheelchair and agreed to have it on the place card; Kian Brown (full
    name) with Sam, who said no to photographs and did not agree to access marks."""
    rowan = cleared_nominee(event.programme, legal_first_name="Rowan", legal_last_name="Featherstonehaugh",
                            publicity_level=PublicityLevel.FIRST_NAME, photography_allowed=False)
    kian = cleared_nominee(event.programme, legal_first_name="Kian", legal_last_name="Brown",
                           publicity_level=PublicityLevel.FULL_NAME, photography_allowed=True)
    confirmed_finalists(event.programme, category, [rowan, kian])
    finalist_invitations_create(event=event, actor=organiser)
    parties = {
        rowan.pk: (GuestInput(name="", photography_consent=True),
                   GuestInput(name="Jo Featherstonehaugh", relationship="carer", photography_consent=True,
                              access_needs=("wheelchair",), access_on_place_card=True)),
        kian.pk: (GuestInput(name="", photography_consent=True),
                  GuestInput(name="Sam Murray", relationship="friend", photography_consent=False,
                             access_needs=("bsl",), access_other="Sits next to Kian Brown")),
    }
    for invitation in event.invitations.all():
        invitation.status = InvitationStatus.SENT
        invitation.save()
        rsvp_respond(invitation=invitation, answer=RsvpAnswer(attending=True, party=parties[invitation.nomination.nominee_id]))
    tables_set(event=event, actor=organiser, tables=[(1, 10, True), (2, 10, True)])
    seating_assign(event=event, actor=organiser)
    return event


def test_badges_name_everyone_as_the_room_may_and_mark_who_must_not_be_photographed(as_user, organiser, seated):
    response = as_user(organiser).post(f"/event/{seated.pk}/documents/badges.pdf", {"only_changes": "0"})

    assert response["Content-Type"] == "application/pdf" and response["Cache-Control"] == "private, no-store"
    content = body(response)
    (page,) = pages(content)
    for name in ("Rowan", "Jo", "KianBrown", "SamMurray"):
        assert name in page
    assert "Featherstonehaugh" not in page  # Rowan's surname, not even on the carer's badge
    assert alts(content).count(MARK) == 2  # Rowan (safeguarding) and Sam (said no)


def test_place_cards_carry_access_needs_only_where_agreed_and_never_the_typed_words(as_user, organiser, seated):
    content = body(as_user(organiser).post(f"/event/{seated.pk}/documents/place-cards.pdf", {"only_changes": "0"}))

    text = "".join(pages(content))
    assert "Wheelchairspace" in text
    assert "BSL" not in text and "Sitsnextto" not in text
    assert "Featherstonehaugh" not in text
    assert alts(content).count(MARK) == 2
    assert text.count("Table1") == 4


def test_table_cards_one_a_table(as_user, organiser, seated):
    content = body(as_user(organiser).post(f"/event/{seated.pk}/documents/table-cards.pdf", {"only_changes": "0"}))

    assert [("Table1" in p, "Table2" in p) for p in pages(content)] == [(True, False), (False, True)]


def test_the_photographers_sheet_explains_the_mark_and_counts_it_by_table(as_user, organiser, seated):
    response = as_user(organiser).get(f"/event/{seated.pk}/documents/photographer-sheet.pdf")

    content = body(response)
    (page,) = pages(content)
    assert squash("carries this mark must not be photographed or filmed") in page
    assert squash("2 in all.") in page and squash("Table 1: 2") in page
    assert "Rowan" not in page and "Sam" not in page  # the mark tells them, not a list of names
    assert alts(content)[1] == "The mark: a small teal circle with a white line across it"


def test_printing_again_prints_only_the_guests_added_or_moved_since(as_user, organiser, seated):
    client = as_user(organiser)
    body(client.post(f"/event/{seated.pk}/documents/badges.pdf", {"only_changes": "0"}))
    assert as_user(organiser).post(f"/event/{seated.pk}/documents/badges.pdf", {"only_changes": "1"}, follow=True).redirect_chain == [
        (f"/event/{seated.pk}/documents/", 302)
    ]
    sam = next(g for g in Guest.objects.filter(event=seated) if g.name == "Sam Murray")
    guest_move(guest=sam, actor=organiser, table=Table.objects.get(event=seated, number=2))

    page = client.get(f"/event/{seated.pk}/documents/").content.decode()
    assert "4 cards; last printed" in page and "1 added or changed since" in page
    content = body(client.post(f"/event/{seated.pk}/documents/badges.pdf", {"only_changes": "1"}))

    (text,) = pages(content)
    assert "SamMurray" in text and "Table2" in text and "Rowan" not in text and "KianBrown" not in text
    assert list(PrintRun.objects.values_list("kind", "only_changes", "cards")) == [("badges", True, 1), ("badges", False, 4)]


def test_the_print_pack_is_the_organisers_only(client, seated, programme):
    client.force_login(user_with_role(programme, Role.EVENT_STAFF, "door"))

    assert client.post(f"/event/{seated.pk}/documents/badges.pdf").status_code == 404
    assert client.get(f"/event/{seated.pk}/documents/photographer-sheet.pdf").status_code == 404
    assert PrintRun.objects.count() == 0


@pytest.fixture
def as_user(client):
    def login(user):
        client.force_login(user)
        return client

    return login
